#include <gtest/gtest.h>
#include <string_view>
#include <vector>

#include "roles/frontend/batching_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

TEST(BatchingRegistry, ListsItsPoliciesDefaultFirstAndRefusesAnUnknownName) {
  const auto names = batching_policy_names();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()),
            (std::vector<std::string_view>{"deadline", "timeout", "aimd"}));
  for (const std::string_view name : names) {
    EXPECT_NE(make_batching_policy(name, {policy_test::detect_profile()}), nullptr) << name;
  }
  EXPECT_EQ(make_batching_policy("greedy", {policy_test::detect_profile()}), nullptr);
}

}  // namespace
}  // namespace pipescale::roles

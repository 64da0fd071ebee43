#include <gtest/gtest.h>
#include <string_view>
#include <vector>

#include "roles/frontend/drop_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::detect_profile;

TEST(DropRegistry, ListsItsPoliciesDefaultFirstAndRefusesAnUnknownName) {
  const auto names = drop_policy_names();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()),
            (std::vector<std::string_view>{"deadline", "start_now", "never"}));
  EXPECT_EQ(make_drop_policy("sometimes", {detect_profile(), DeadlinePath{}}), nullptr);
}

}  // namespace
}  // namespace pipescale::roles

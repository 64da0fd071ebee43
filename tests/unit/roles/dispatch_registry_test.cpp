#include <gtest/gtest.h>
#include <string_view>
#include <vector>

#include "roles/frontend/dispatch_policy.hpp"

namespace pipescale::roles {
namespace {

TEST(DispatchRegistry, ListsItsPoliciesDefaultFirstAndRefusesAnUnknownName) {
  const auto names = dispatch_policy_names();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()),
            (std::vector<std::string_view>{"least_loaded", "round_robin", "power_of_two"}));
  for (const std::string_view name : names) EXPECT_NE(make_dispatch_policy(name, {}), nullptr) << name;
  EXPECT_EQ(make_dispatch_policy("random", {}), nullptr);
}

}  // namespace
}  // namespace pipescale::roles

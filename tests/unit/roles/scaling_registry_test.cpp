#include <gtest/gtest.h>
#include <string_view>
#include <vector>

#include "roles/scheduler/scaling_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

TEST(ScalingRegistry, ListsItsPoliciesDefaultFirstAndRefusesAnUnknownName) {
  const auto names = scaling_policy_names();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()),
            (std::vector<std::string_view>{"reactive", "static", "predictive"}));
  ScalingParams params;
  params.stages.push_back({policy_test::detect_profile(), {1, 3}, 100 * policy_test::kMs, 0});
  for (const std::string_view name : names) EXPECT_NE(make_scaling_policy(name, params), nullptr) << name;
  EXPECT_EQ(make_scaling_policy("oracle", params), nullptr);
}

TEST(StaticScaling, KeepsWorkersMinAtMaxBatchAndReportsTheRateSeen) {
  ScalingParams params;
  params.stages.push_back({policy_test::detect_profile(), {2, 3}, 100 * policy_test::kMs, 0});
  const auto policy = make_scaling_policy("static", params);
  EXPECT_EQ(policy->on_stage_rate(0, 0, 900.0), (StageDecision{32, 2}));
  EXPECT_EQ(policy->estimate_rps(0), 900.0);
}

TEST(ReactiveScaling, SizesForTheRateSeenAtOnce) {
  ScalingParams params;
  params.headroom = 1.2;
  params.stages.push_back({policy_test::detect_profile(), {1, 3}, 100 * policy_test::kMs, 0});
  const auto policy = make_scaling_policy("reactive", params);
  // 900 rps into detect with a 100 ms budget: L(b) + (b - 1) / 900 <= 100 ms.
  // b = 32: 70 + 34.4 = 104.4 > 100; b = 31: L(31) = 68.125, + 33.3 = 101.5 > 100; b = 30:
  // 66.25 + 32.2 = 98.5 <= 100. Workers 900 * 0.06625 / 30 * 1.2 = 2.385 -> 3.
  EXPECT_EQ(policy->on_stage_rate(0, 0, 900.0), (StageDecision{30, 3}));
  EXPECT_EQ(policy->estimate_rps(0), 900.0);
}

}  // namespace
}  // namespace pipescale::roles

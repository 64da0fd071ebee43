#include <gtest/gtest.h>

#include "roles/scheduler/scheduler_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::kMs;
using policy_test::kS;
using policy_test::profile_of;

TEST(HoltForecast, StartsAtTheFirstRateWithNoTrend) {
  HoltForecast holt(0.5, 0.5);
  holt.observe(0, 100.0);
  EXPECT_EQ(holt.level_rps(), 100.0);
  EXPECT_EQ(holt.trend_rps_per_s(), 0.0);
  EXPECT_EQ(holt.forecast_rps(10.0), 100.0);
}

TEST(HoltForecast, FollowsTheWorkedExampleOfTheReadme) {
  // alpha = beta = 0.5, one observation a second: 100, 200, 300, 400 rps.
  HoltForecast holt(0.5, 0.5);
  holt.observe(0, 100.0);
  holt.observe(1 * kS, 200.0);  // level 0.5*200 + 0.5*(100 + 0) = 150; trend 0.5*50 + 0 = 25
  EXPECT_EQ(holt.level_rps(), 150.0);
  EXPECT_EQ(holt.trend_rps_per_s(), 25.0);
  holt.observe(2 * kS, 300.0);  // level 150 + 0.5*(150 + 25) = 237.5; trend 0.5*87.5 + 0.5*25 = 56.25
  EXPECT_EQ(holt.level_rps(), 237.5);
  EXPECT_EQ(holt.trend_rps_per_s(), 56.25);
  holt.observe(3 * kS, 400.0);  // level 200 + 0.5*(237.5 + 56.25) = 346.875; trend 54.6875 + 28.125
  EXPECT_EQ(holt.level_rps(), 346.875);
  EXPECT_EQ(holt.trend_rps_per_s(), 82.8125);
  EXPECT_EQ(holt.forecast_rps(1.0), 429.6875);
}

TEST(HoltForecast, MeasuresTheTrendPerSecondWhateverTheSpacing) {
  HoltForecast holt(0.5, 0.5);
  holt.observe(0, 100.0);
  holt.observe(250 * kMs, 200.0);  // level 150, trend 0.5 * 50 / 0.25 s = 100 rps per second
  EXPECT_EQ(holt.trend_rps_per_s(), 100.0);
  EXPECT_EQ(holt.forecast_rps(0.5), 200.0);
}

TEST(HoltForecast, NeverForecastsANegativeRate) {
  HoltForecast holt(0.5, 0.5);
  holt.observe(0, 100.0);
  holt.observe(1 * kS, 0.0);  // level 50, trend -25
  EXPECT_EQ(holt.forecast_rps(1.0), 25.0);
  EXPECT_EQ(holt.forecast_rps(10.0), 0.0);
}

SchedulerSettings predictive_settings() {
  SchedulerSettings settings{"predictive", 200 * kMs, 1.2, 10 * kS};
  settings.forecast_alpha = 0.5;
  settings.forecast_beta = 0.5;
  return settings;
}

// The README's stage A (budget 50 ms of a 200 ms SLO split with a stage B) with a 1 s warm-up.
std::vector<SchedulerStage> example_stages() {
  return {{profile_of({{1, 10.0}, {4, 16.0}, {16, 40.0}}), {1, 4}, 1 * kS},
          {profile_of({{1, 30.0}, {8, 58.0}, {32, 154.0}}), {1, 8}, 1 * kS}};
}

TEST(PredictiveScaling, SizesAStageForItsForecastOneWarmUpAhead) {
  auto policy = SchedulerPolicy::create(example_stages(), predictive_settings());
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  for (int t = 0; t < 3; ++t) (void)policy->on_stage_rate(0, t * kS, 100.0 * (t + 1));
  // Forecast 429.6875 rps: L(10) + 9 / 429.6875 = 28 + 20.9 <= 50 ms, L(11) + 23.3 > 50; and
  // 429.6875 * 0.028 / 10 * 1.2 = 1.44 -> 2 Workers. Sized for the 400 rps seen, it would be {9, 2}.
  EXPECT_EQ(policy->on_stage_rate(0, 3 * kS, 400.0), (StageDecision{10, 2}));
  EXPECT_EQ(policy->estimate_rps(0), 429.6875);
}

TEST(PredictiveScaling, LowersAStageOnlyAfterTheScaleDownDelay) {
  auto policy = SchedulerPolicy::create(example_stages(), predictive_settings());
  ASSERT_TRUE(policy.ok());
  (void)policy->on_stage_rate(0, 0, 400.0);
  (void)policy->on_stage_rate(0, 1 * kS, 100.0);  // forecast 250 - 75 = 175: lower, but not for 10 s yet
  EXPECT_EQ(policy->estimate_rps(0), 400.0);
}

}  // namespace
}  // namespace pipescale::roles

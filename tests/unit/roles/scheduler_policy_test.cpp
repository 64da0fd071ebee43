#include "roles/scheduler/scheduler_policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <numeric>

namespace pipescale::roles {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000'000'000;

LatencyProfile profile_of(const std::vector<std::pair<int, double>>& pairs) {
  return std::move(LatencyProfile::from_pairs(pairs, "test")).value();
}

// The two stages of the worked example in roles/scheduler/README.md.
LatencyProfile stage_a() { return profile_of({{1, 10.0}, {4, 16.0}, {16, 40.0}}); }
LatencyProfile stage_b() { return profile_of({{1, 30.0}, {8, 58.0}, {32, 154.0}}); }

TEST(SplitSlo, GivesEachStageAShareProportionalToItsFastestLatency) {
  EXPECT_EQ(split_slo_ns(200 * kMs, {10 * kMs, 30 * kMs}), (std::vector<std::int64_t>{50 * kMs, 150 * kMs}));
}

TEST(SplitSlo, MakesTheBudgetsAddUpToTheSloExactly) {
  const auto budgets = split_slo_ns(100, {1, 1, 1});
  EXPECT_EQ(budgets, (std::vector<std::int64_t>{33, 33, 34}));
  EXPECT_EQ(std::accumulate(budgets.begin(), budgets.end(), std::int64_t{0}), 100);
}

TEST(SplitSlo, SplitsEvenlyWhenEveryWeightIsZero) {
  EXPECT_EQ(split_slo_ns(90, {0, 0, 0}), (std::vector<std::int64_t>{30, 30, 30}));
}

TEST(SplitSlo, GivesEachStageAtLeastItsFastestLatencyWhenTheSloCoversTheirSum) {
  const std::vector<std::int64_t> fastest{3 * kMs, 17 * kMs, 5 * kMs};
  const auto budgets = split_slo_ns(25 * kMs + 1, fastest);
  for (std::size_t i = 0; i < fastest.size(); ++i) EXPECT_GE(budgets[i], fastest[i]);
}

TEST(ChooseBatchSize, PicksTheLargestBatchWhoseLatencyPlusFillTimeFitsTheBudget) {
  // 400 rps: a batch of b waits 2.5 ms * (b - 1) to fill. Stage A: L(9) + 20 = 46 <= 50, L(10) + 22.5 > 50.
  EXPECT_EQ(choose_batch_size(stage_a(), 50 * kMs, 400.0), 9);
  // Stage B: L(19) + 45 = 147 <= 150, L(20) + 47.5 = 153.5 > 150.
  EXPECT_EQ(choose_batch_size(stage_b(), 150 * kMs, 400.0), 19);
}

TEST(ChooseBatchSize, AcceptsABatchThatFitsTheBudgetExactly) {
  const LatencyProfile profile = profile_of({{1, 10.0}, {2, 20.0}, {3, 30.0}});
  EXPECT_EQ(choose_batch_size(profile, 30 * kMs, 100.0), 2);  // 20 + 10 = 30
  EXPECT_EQ(choose_batch_size(profile, 30 * kMs - 1, 100.0), 1);
}

TEST(ChooseBatchSize, ChoosesOneWhenEvenASingleRequestDoesNotFit) {
  EXPECT_EQ(choose_batch_size(stage_a(), 5 * kMs, 400.0), 1);
}

TEST(ChooseBatchSize, ChoosesOneWhenNoRequestsArrive) { EXPECT_EQ(choose_batch_size(stage_a(), 1'000 * kMs, 0.0), 1); }

TEST(ChooseBatchSize, ChoosesMaxBatchWhenEveryBatchFits) {
  EXPECT_EQ(choose_batch_size(stage_a(), 1'000 * kMs, 1e6), 16);
}

TEST(ChooseWorkerCount, CoversTheRateWithHeadroomRoundedUp) {
  // 400 rps * 26 ms / 9 * 1.2 = 1.39 -> 2; 400 * 102 ms / 19 * 1.2 = 2.58 -> 3.
  EXPECT_EQ(choose_worker_count(stage_a(), 9, 400.0, 1.2, {1, 4}), 2);
  EXPECT_EQ(choose_worker_count(stage_b(), 19, 400.0, 1.2, {1, 8}), 3);
}

TEST(ChooseWorkerCount, DoesNotRoundAnExactCountUp) {
  // 100 rps * 70 ms = 7.000000000000001 in floating point; 7 Workers are exactly enough.
  EXPECT_EQ(choose_worker_count(profile_of({{1, 70.0}}), 1, 100.0, 1.0, {1, 20}), 7);
}

TEST(ChooseWorkerCount, KeepsWithinTheStagesBounds) {
  EXPECT_EQ(choose_worker_count(stage_a(), 1, 0.0, 1.2, {2, 4}), 2);
  EXPECT_EQ(choose_worker_count(stage_a(), 1, 1e12, 1.2, {2, 4}), 4);
}

TEST(StaticBaseline, RunsWorkersMinAtMaxBatch) {
  EXPECT_EQ(static_baseline(stage_b(), {2, 8}), (StageDecision{32, 2}));
}

SchedulerSettings example_settings() { return {"reactive", 200 * kMs, 1.2, 10 * kS}; }

std::vector<SchedulerStage> example_stages() { return {{stage_a(), {1, 4}}, {stage_b(), {1, 8}}}; }

TEST(SchedulerPolicy, MatchesTheWorkedExampleOfItsReadme) {
  auto policy = SchedulerPolicy::create(example_stages(), example_settings());
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy->budget_ns(0), 50 * kMs);
  EXPECT_EQ(policy->budget_ns(1), 150 * kMs);
  EXPECT_EQ(policy->on_stage_rate(0, 0, 400.0), (StageDecision{9, 2}));
  EXPECT_EQ(policy->on_stage_rate(1, 0, 400.0), (StageDecision{19, 3}));
}

TEST(SchedulerPolicy, KeepsTheDecisionForAHigherLoadUntilTheScaleDownDelayPasses) {
  auto policy = SchedulerPolicy::create(example_stages(), example_settings());
  ASSERT_TRUE(policy.ok());
  const StageDecision busy = policy->on_stage_rate(1, 0, 400.0);
  EXPECT_EQ(policy->on_stage_rate(1, 1 * kS, 40.0), busy);
  EXPECT_EQ(policy->on_stage_rate(1, 10 * kS, 40.0), busy);
  const StageDecision quiet = policy->on_stage_rate(1, 11 * kS, 40.0);
  EXPECT_EQ(policy->estimate_rps(1), 40.0);
  EXPECT_EQ(quiet, (StageDecision{5, 1}));  // as the README works out
}

TEST(SchedulerPolicy, ReturnsTheStaticBaselineUnderTheStaticPolicy) {
  SchedulerSettings settings = example_settings();
  settings.policy = "static";
  auto policy = SchedulerPolicy::create(example_stages(), settings);
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->on_stage_rate(0, 0, 400.0), (StageDecision{16, 1}));
  EXPECT_EQ(policy->on_stage_rate(1, 0, 4'000.0), (StageDecision{32, 1}));
}

TEST(SchedulerPolicy, RefusesAnUnknownPolicyListingTheValidOnes) {
  SchedulerSettings settings = example_settings();
  settings.policy = "psychic";
  auto policy = SchedulerPolicy::create(example_stages(), settings);
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.error().message,
              HasSubstr("policy \"psychic\": expected \"reactive\", \"static\" or \"predictive\""));
}

TEST(SchedulerPolicy, RefusesForecastFactorsOutsideZeroToOne) {
  SchedulerSettings settings = example_settings();
  settings.forecast_alpha = 0.0;
  EXPECT_FALSE(SchedulerPolicy::create(example_stages(), settings).ok());
  settings.forecast_alpha = 0.5;
  settings.forecast_beta = 1.5;
  EXPECT_FALSE(SchedulerPolicy::create(example_stages(), settings).ok());
}

TEST(SchedulerPolicy, RefusesWorkerBoundsOutOfOrderNamingTheStage) {
  auto stages = example_stages();
  stages[1].workers = {3, 2};
  auto policy = SchedulerPolicy::create(stages, example_settings());
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.error().message, HasSubstr("stage 2: workers_min 3, workers_max 2"));
}

TEST(SchedulerPolicy, RefusesANonPositiveSloOrHeadroom) {
  SchedulerSettings settings = example_settings();
  settings.slo_ns = 0;
  EXPECT_FALSE(SchedulerPolicy::create(example_stages(), settings).ok());
  settings = example_settings();
  settings.headroom = 0.0;
  EXPECT_FALSE(SchedulerPolicy::create(example_stages(), settings).ok());
  EXPECT_FALSE(SchedulerPolicy::create({}, example_settings()).ok());
}

}  // namespace
}  // namespace pipescale::roles

#include "roles/frontend/frontend_policy.hpp"

#include <array>
#include <gtest/gtest.h>
#include <vector>

namespace pipescale::roles {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// L(1) = 10 ms, L(2) = 12, L(4) = 16, L(16) = 40; two later stages whose L(1) add to 20 ms.
LatencyProfile profile() {
  return std::move(LatencyProfile::from_pairs({{1, 10.0}, {4, 16.0}, {16, 40.0}}, "t")).value();
}
constexpr DeadlinePath kPath{20 * kMs, 0};

// --- drop ---

TEST(ShouldDrop, DropsRequestWhoseDeadlineIsBeforeFastestFinish) {
  EXPECT_TRUE(should_drop(0, 29 * kMs, profile(), kPath));  // 0 + 10 + 20 = 30 > 29
}

TEST(ShouldDrop, KeepsRequestThatWouldFinishExactlyAtItsDeadline) {
  EXPECT_FALSE(should_drop(0, 30 * kMs, profile(), kPath));
}

TEST(ShouldDrop, CountsTheKnownOverheadOfTheRemainingHops) {
  EXPECT_TRUE(should_drop(0, 30 * kMs, profile(), DeadlinePath{20 * kMs, 1}));
}

TEST(ShouldDrop, CountsOnlyThisStageAtTheLastStage) {
  EXPECT_FALSE(should_drop(90 * kMs, 100 * kMs, profile(), DeadlinePath{}));
  EXPECT_TRUE(should_drop(90 * kMs + 1, 100 * kMs, profile(), DeadlinePath{}));
}

// --- batch cut ---

// The worked example of roles/frontend/README.md: detect's profile, 100 requests queued at batch
// size 32, three Workers free now, in 20 ms and in 50 ms.
LatencyProfile detect() {
  return std::move(LatencyProfile::from_pairs({{1, 10.0}, {8, 25.0}, {16, 40.0}, {32, 70.0}}, "detect")).value();
}
constexpr std::array<std::int64_t, 3> kFreeAt{0, 20 * kMs, 50 * kMs};

TEST(EstimateFinish, PutsTheArrivalInTheFourthBatchOnTheSoonestFreeWorkerAfterOneRound) {
  // Batch 100 / 32 = 3 goes to Worker 3 mod 3 = 0 after 3 div 3 = 1 round of L(32) = 70 ms, and
  // holds 101 - 96 = 5 requests: L(5) = 10 + 4/7 * 15 ms.
  const std::int64_t l5 = detect().latency_ns(5);
  EXPECT_EQ(l5, 18'571'429);
  EXPECT_EQ(estimate_finish_ns(0, 100, 101, 32, kFreeAt, detect()), 70 * kMs + l5);
}

TEST(EstimateFinish, StartsTheHeadOnTheWorkerFreeSoonestWithItsWholeBatch) {
  EXPECT_EQ(estimate_finish_ns(0, 0, 101, 32, kFreeAt, detect()), 70 * kMs);
  EXPECT_EQ(estimate_finish_ns(0, 0, 1, 32, kFreeAt, detect()), 10 * kMs);
}

TEST(EstimateFinish, SpreadsConsecutiveBatchesOverTheWorkersInTheOrderTheyFreeUp) {
  EXPECT_EQ(estimate_finish_ns(0, 32, 64, 32, kFreeAt, detect()), 20 * kMs + 70 * kMs);
  EXPECT_EQ(estimate_finish_ns(0, 64, 96, 32, kFreeAt, detect()), 50 * kMs + 70 * kMs);
}

TEST(EstimateFinish, TakesAStageWithoutActiveWorkersAsOneFreeNow) {
  EXPECT_EQ(estimate_finish_ns(5 * kMs, 40, 41, 32, {}, detect()), 5 * kMs + 70 * kMs + detect().latency_ns(9));
}

TEST(EstimateFinish, NeverStartsBeforeNow) {
  EXPECT_EQ(estimate_finish_ns(30 * kMs, 0, 1, 32, kFreeAt, detect()), 40 * kMs);
}

TEST(DecideBatchCut, WaitsWhileTheQueueIsEmpty) {
  const BatchCut cut = decide_batch_cut(0, 0, 4, 0, profile(), kPath, 0);
  EXPECT_EQ(cut.batch_size, 0);
  EXPECT_EQ(cut.recheck_at_ns, BatchCut::kNever);
}

TEST(DecideBatchCut, CutsABatchOfTheTargetSizeOnceEnoughAreQueued) {
  EXPECT_EQ(decide_batch_cut(0, 4, 4, 1'000 * kMs, profile(), kPath, 0).batch_size, 4);
  EXPECT_EQ(decide_batch_cut(0, 9, 4, 1'000 * kMs, profile(), kPath, 0).batch_size, 4);
}

TEST(DecideBatchCut, NeverCutsAboveTheProfilesMaxBatch) {
  EXPECT_EQ(decide_batch_cut(0, 20, 100, 1'000 * kMs, profile(), kPath, 0).batch_size, 16);
}

TEST(DecideBatchCut, TreatsATargetBelowOneAsOne) {
  EXPECT_EQ(decide_batch_cut(0, 1, 0, 1'000 * kMs, profile(), kPath, 0).batch_size, 1);
}

TEST(DecideBatchCut, WaitsForMoreRequestsWhileTheOldestCanAffordIt) {
  // Two queued, target 8: latest start = 100 - 1 (slack) - L(2) 12 - 20 = 67 ms.
  const BatchCut cut = decide_batch_cut(50 * kMs, 2, 8, 100 * kMs, profile(), kPath, 1 * kMs);
  EXPECT_EQ(cut.batch_size, 0);
  EXPECT_EQ(cut.recheck_at_ns, 67 * kMs);
}

TEST(DecideBatchCut, CutsOnDeadlineWhenWaitingLongerWouldMakeTheOldestMiss) {
  EXPECT_EQ(decide_batch_cut(67 * kMs, 2, 8, 100 * kMs, profile(), kPath, 1 * kMs).batch_size, 2);
  EXPECT_EQ(decide_batch_cut(67 * kMs - 1, 2, 8, 100 * kMs, profile(), kPath, 1 * kMs).batch_size, 0);
}

TEST(DecideBatchCut, CutsWhateverIsQueuedOnceTheLatestStartHasPassed) {
  const BatchCut cut = decide_batch_cut(80 * kMs, 3, 8, 100 * kMs, profile(), kPath, 0);
  EXPECT_EQ(cut.batch_size, 3);
  EXPECT_EQ(cut.recheck_at_ns, 80 * kMs);
}

TEST(DecideBatchCut, MovesTheLatestStartEarlierAsTheQueueGrows) {
  // L(1) = 10 ms, L(4) = 16 ms: each arrival makes the batch slower to process.
  EXPECT_EQ(decide_batch_cut(0, 1, 8, 100 * kMs, profile(), kPath, 0).recheck_at_ns, 70 * kMs);
  EXPECT_EQ(decide_batch_cut(0, 4, 8, 100 * kMs, profile(), kPath, 0).recheck_at_ns, 64 * kMs);
}

// --- worker choice ---

WorkerView active(int queue_length, std::int64_t busy_until_ns) {
  return {WorkerState::kActive, queue_length, busy_until_ns};
}
WorkerView in_state(WorkerState state) { return {state, 0, 0}; }

TEST(PickLeastLoadedWorker, PicksNothingWhenNoWorkerIsActive) {
  const std::vector<WorkerView> workers{in_state(WorkerState::kOff), in_state(WorkerState::kWarming),
                                        in_state(WorkerState::kDraining)};
  EXPECT_FALSE(pick_least_loaded_worker(workers, 0).has_value());
  EXPECT_FALSE(pick_least_loaded_worker({}, 0).has_value());
}

TEST(PickLeastLoadedWorker, PicksTheActiveWorkerThatIsFreeSoonest) {
  const std::vector<WorkerView> workers{active(1, 50 * kMs), in_state(WorkerState::kWarming), active(2, 20 * kMs),
                                        in_state(WorkerState::kDraining)};
  EXPECT_EQ(pick_least_loaded_worker(workers, 0), 2u);
}

TEST(PickLeastLoadedWorker, TreatsAFreeTimeInThePastAsNowAndThenPrefersTheShorterQueue) {
  // Both are free at 100 ms; the second has an empty queue.
  const std::vector<WorkerView> workers{active(1, 90 * kMs), active(0, 10 * kMs)};
  EXPECT_EQ(pick_least_loaded_worker(workers, 100 * kMs), 1u);
}

TEST(PickLeastLoadedWorker, BreaksACompleteTieByTheLowestIndex) {
  const std::vector<WorkerView> workers{in_state(WorkerState::kOff), active(0, 0), active(0, 0)};
  EXPECT_EQ(pick_least_loaded_worker(workers, 5), 1u);
}

TEST(IsIdle, IsTrueOnlyForAnActiveWorkerWithNothingQueuedOrRunning) {
  EXPECT_TRUE(is_idle(active(0, 10), 10));
  EXPECT_FALSE(is_idle(active(0, 11), 10));
  EXPECT_FALSE(is_idle(active(1, 0), 10));
  EXPECT_FALSE(is_idle(in_state(WorkerState::kWarming), 10));
}

// --- worker plan ---

WorkerPlan plan_for(const std::vector<WorkerView>& workers, int target, std::int64_t now_ns = 0) {
  WorkerPlan plan;
  plan_workers(workers, target, now_ns, plan);
  return plan;
}

using Indexes = std::vector<std::size_t>;

TEST(PlanWorkers, StartsOffWorkersLowestIndexFirst) {
  const auto plan = plan_for(
      {active(0, 0), in_state(WorkerState::kOff), in_state(WorkerState::kOff), in_state(WorkerState::kOff)}, 3);
  EXPECT_EQ(plan.to_start, (Indexes{1, 2}));
  EXPECT_TRUE(plan.to_stop.empty());
}

TEST(PlanWorkers, CountsWarmingWorkersTowardTheTarget) {
  const auto plan = plan_for({active(0, 0), in_state(WorkerState::kWarming), in_state(WorkerState::kOff)}, 2);
  EXPECT_TRUE(plan.to_start.empty());
  EXPECT_TRUE(plan.to_stop.empty());
}

TEST(PlanWorkers, DoesNotRestartADrainingWorker) {
  const auto plan = plan_for({active(0, 0), in_state(WorkerState::kDraining), in_state(WorkerState::kOff)}, 3);
  EXPECT_EQ(plan.to_start, (Indexes{2}));
}

TEST(PlanWorkers, StopsWarmingWorkersBeforeDrainingActiveOnes) {
  const auto plan =
      plan_for({active(0, 0), active(0, 0), in_state(WorkerState::kWarming), in_state(WorkerState::kWarming)}, 1);
  EXPECT_EQ(plan.to_stop, (Indexes{3, 2, 1}));
}

TEST(PlanWorkers, DrainsTheActiveWorkersThatAreFreeSoonestFirst) {
  const auto plan = plan_for({active(1, 50 * kMs), active(1, 10 * kMs), active(1, 30 * kMs)}, 1);
  EXPECT_EQ(plan.to_stop, (Indexes{1, 2}));
}

TEST(PlanWorkers, DrainsTheHighestIndexAmongEquallyLoadedWorkers) {
  const auto plan = plan_for({active(0, 0), active(0, 0), active(0, 0)}, 1);
  EXPECT_EQ(plan.to_stop, (Indexes{2, 1}));
}

TEST(PlanWorkers, ClampsTheTargetToThePool) {
  EXPECT_EQ(plan_for({in_state(WorkerState::kOff), in_state(WorkerState::kOff)}, 10).to_start, (Indexes{0, 1}));
  EXPECT_EQ(plan_for({active(0, 0), in_state(WorkerState::kWarming)}, -1).to_stop, (Indexes{1, 0}));
}

TEST(PlanWorkers, ReplacesThePreviousPlanWhenReused) {
  WorkerPlan plan;
  plan_workers(std::vector<WorkerView>{in_state(WorkerState::kOff)}, 1, 0, plan);
  plan_workers(std::vector<WorkerView>{active(0, 0)}, 1, 0, plan);
  EXPECT_TRUE(plan.to_start.empty());
  EXPECT_TRUE(plan.to_stop.empty());
}

}  // namespace
}  // namespace pipescale::roles

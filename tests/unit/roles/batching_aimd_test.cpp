#include <gtest/gtest.h>
#include <vector>

#include "roles/frontend/batching_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::detect_profile;
using policy_test::kMs;

// Clipper's AIMD with a 50 ms stage budget and the default backoff 0.9. on_batch_cut() gets the
// batch's processing time L(size); on detect's profile L(21) = 40 + 5 * 30 / 16 = 49.375 ms and
// L(22) = 40 + 6 * 30 / 16 = 51.25 ms, so 21 is the largest batch within 50 ms.
std::unique_ptr<BatchingPolicy> aimd() {
  BatchingParams params{detect_profile()};
  params.budget_ns = 50 * kMs;
  params.aimd_backoff = 0.9;
  return make_batching_policy("aimd", params);
}

void grow_to(BatchingPolicy& policy, int size) {
  while (policy.batch_size(1) < size) policy.on_batch_cut(policy.batch_size(1), 20 * kMs);
}

TEST(AimdBatching, StartsAtOneWhateverTheSchedulerSays) { EXPECT_EQ(aimd()->batch_size(16), 1); }

TEST(AimdBatching, GrowsByOneAfterEachFullBatchThatMeetsTheBudget) {
  auto policy = aimd();
  policy->on_batch_cut(1, 10 * kMs);  // L(1)
  EXPECT_EQ(policy->batch_size(16), 2);
  policy->on_batch_cut(2, 50 * kMs);  // a processing time of exactly the budget meets it
  EXPECT_EQ(policy->batch_size(16), 3);
  policy->on_batch_cut(1, 10 * kMs);  // cut short by an idle Worker: says nothing about 4
  EXPECT_EQ(policy->batch_size(16), 3);
}

TEST(AimdBatching, ShrinksByTheBackoffAfterABatchThatMisses) {
  auto policy = aimd();
  grow_to(*policy, 10);
  policy->on_batch_cut(10, 50 * kMs + 1);
  EXPECT_EQ(policy->batch_size(16), 9);  // floor(10 * 0.9)
  policy->on_batch_cut(3, 60 * kMs);     // a short batch that misses shrinks it too
  EXPECT_EQ(policy->batch_size(16), 8);  // floor(9 * 0.9) = floor(8.1)
}

TEST(AimdBatching, NeverGoesBelowOneOrAboveTheLargestBatch) {
  auto policy = aimd();
  policy->on_batch_cut(1, 60 * kMs);
  EXPECT_EQ(policy->batch_size(16), 1);  // floor(0.9) would be 0
  grow_to(*policy, 32);
  policy->on_batch_cut(32, 20 * kMs);
  EXPECT_EQ(policy->batch_size(16), 32);
}

TEST(AimdBatching, CutsWhatIsQueuedWhenItsWorkerIsFreeAndWaitsForABusyOne) {
  auto policy = aimd();
  grow_to(*policy, 4);
  EXPECT_EQ(policy->decide({10 * kMs, 10 * kMs, 6, 1, 0, 0}).batch_size, 4);  // a full batch
  EXPECT_EQ(policy->decide({10 * kMs, 10 * kMs, 2, 1, 0, 0}).batch_size, 2);  // the Worker is free now
  const BatchCut wait = policy->decide({10 * kMs, 30 * kMs, 2, 1, 0, 0});     // free at 30 ms
  EXPECT_EQ(wait.batch_size, 0);
  EXPECT_EQ(wait.recheck_at_ns, 30 * kMs);
}

// Overload: 1,000 queued, the oldest waiting 500 ms (ten budgets), the Worker free at every cut.
// Queueing is not the signal, so b grows 1, 2, ..., 21 (L(21) = 49.375 ms meets 50 ms), probes
// 22 (L(22) = 51.25 ms misses), backs off to floor(22 * 0.9) = floor(19.8) = 19 and climbs again:
// the cuts run 1..22, then 19, 20, 21, 22 over and over, never back to 1.
TEST(AimdBatching, GrowsUnderABacklogToTheLargestBatchWithinTheBudget) {
  auto policy = aimd();
  const LatencyProfile profile = detect_profile();
  EXPECT_EQ(profile.latency_ns(21), 49'375'000);
  EXPECT_EQ(profile.latency_ns(22), 51'250'000);
  const BatchQueue backlog{500 * kMs, 500 * kMs, 1000, 1, 0, 0};
  std::vector<int> cuts;
  for (int i = 0; i < 30; ++i) {
    const BatchCut cut = policy->decide(backlog);
    cuts.push_back(cut.batch_size);
    policy->on_batch_cut(cut.batch_size, profile.latency_ns(cut.batch_size));
  }
  std::vector<int> expected;
  for (int b = 1; b <= 22; ++b) expected.push_back(b);
  for (const int b : {19, 20, 21, 22, 19, 20, 21, 22}) expected.push_back(b);
  EXPECT_EQ(cuts, expected);
  EXPECT_EQ(policy->batch_size(1), 19);
}

}  // namespace
}  // namespace pipescale::roles

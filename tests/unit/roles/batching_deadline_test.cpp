#include <gtest/gtest.h>

#include "roles/frontend/batching_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::detect_profile;
using policy_test::kMs;

std::unique_ptr<BatchingPolicy> deadline() {
  BatchingParams params{detect_profile()};
  params.slack_ns = 1 * kMs;
  return make_batching_policy("deadline", params);
}

TEST(DeadlineBatching, CutsAFullBatchAtOnce) {
  // 9 queued at a batch size of 8: 8 go now, and the policy asks to decide again at once.
  const BatchCut cut = deadline()->decide({10 * kMs, 10 * kMs, 9, 8, 0, 1'000 * kMs});
  EXPECT_EQ(cut.batch_size, 8);
  EXPECT_EQ(cut.recheck_at_ns, 10 * kMs);
}

TEST(DeadlineBatching, WaitsUntilTheLastMomentTheOldestCanStillLeaveInTime) {
  // One queued, deadline 100 ms, slack 1 ms, L(1) = 10 ms: latest start 100 - 1 - 10 = 89 ms.
  const BatchCut wait = deadline()->decide({50 * kMs, 50 * kMs, 1, 8, 0, 100 * kMs});
  EXPECT_EQ(wait.batch_size, 0);
  EXPECT_EQ(wait.recheck_at_ns, 89 * kMs);
  EXPECT_EQ(deadline()->decide({89 * kMs, 89 * kMs, 1, 8, 0, 100 * kMs}).batch_size, 1);
}

TEST(DeadlineBatching, DecidesAsOfWhenItsWorkerCanStart) {
  // Now is 50 ms, but the Worker is busy until 89 ms: the batch could not start any sooner.
  EXPECT_EQ(deadline()->decide({50 * kMs, 89 * kMs, 1, 8, 0, 100 * kMs}).batch_size, 1);
}

TEST(DeadlineBatching, WorksToTheSchedulersBatchSize) { EXPECT_EQ(deadline()->batch_size(12), 12); }

}  // namespace
}  // namespace pipescale::roles

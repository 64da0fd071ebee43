#include <gtest/gtest.h>

#include "roles/frontend/batching_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::detect_profile;
using policy_test::kMs;

// Triton's dynamic batcher with max_queue_delay 5 ms; the oldest request arrived at 10 ms, so the
// queue times out at 15 ms.
std::unique_ptr<BatchingPolicy> timeout() {
  BatchingParams params{detect_profile()};
  params.max_queue_delay_ns = 5 * kMs;
  return make_batching_policy("timeout", params);
}

TEST(TimeoutBatching, CutsAtTheBatchSize) {
  const BatchCut cut = timeout()->decide({11 * kMs, 11 * kMs, 8, 8, 10 * kMs, 0});
  EXPECT_EQ(cut.batch_size, 8);
  EXPECT_EQ(cut.recheck_at_ns, 11 * kMs);
}

TEST(TimeoutBatching, WaitsUntilTheOldestHasWaitedTheDelay) {
  const BatchCut wait = timeout()->decide({12 * kMs, 12 * kMs, 3, 8, 10 * kMs, 0});
  EXPECT_EQ(wait.batch_size, 0);
  EXPECT_EQ(wait.recheck_at_ns, 15 * kMs);
  EXPECT_EQ(timeout()->decide({15 * kMs - 1, 15 * kMs - 1, 3, 8, 10 * kMs, 0}).batch_size, 0);
  EXPECT_EQ(timeout()->decide({15 * kMs, 15 * kMs, 3, 8, 10 * kMs, 0}).batch_size, 3);
}

TEST(TimeoutBatching, CutsWhenItsWorkerStartsAfterTheDelay) {
  // Now is 12 ms but the Worker frees at 16 ms, past the 15 ms timeout.
  EXPECT_EQ(timeout()->decide({12 * kMs, 16 * kMs, 3, 8, 10 * kMs, 0}).batch_size, 3);
}

TEST(TimeoutBatching, IgnoresDeadlines) {
  // The deadline (1 ms) passed long ago: that is the drop policy's business, not the batcher's.
  EXPECT_EQ(timeout()->decide({12 * kMs, 12 * kMs, 3, 8, 10 * kMs, 1 * kMs}).batch_size, 0);
}

TEST(TimeoutBatching, NeverCutsMoreThanTheProfileAllows) {
  EXPECT_EQ(timeout()->decide({12 * kMs, 12 * kMs, 40, 64, 10 * kMs, 0}).batch_size, 32);
}

TEST(TimeoutBatching, WaitsForNothingWhenTheQueueIsEmpty) {
  const BatchCut cut = timeout()->decide({12 * kMs, 12 * kMs, 0, 8, 0, 0});
  EXPECT_EQ(cut.batch_size, 0);
  EXPECT_EQ(cut.recheck_at_ns, BatchCut::kNever);
}

}  // namespace
}  // namespace pipescale::roles

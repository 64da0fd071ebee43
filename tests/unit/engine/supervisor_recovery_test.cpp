// The supervisor's hung detection: how long a role has been silent, from a heartbeat read from
// shared memory (untrusted), and when that makes it hung.
#include <gtest/gtest.h>

#include "engine/runtime/live_run.hpp"

namespace pipescale::engine {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSpawned = 5'000 * kMs;
constexpr std::int64_t kNow = 9'000 * kMs;

TEST(SupervisorRecoveryTest, SilenceIsTheTimeSinceTheLastHeartbeat) {
  EXPECT_EQ(silence_ns(kNow - 120 * kMs, kSpawned, kNow), 120 * kMs);
  EXPECT_EQ(silence_ns(kNow, kSpawned, kNow), 0);
}

TEST(SupervisorRecoveryTest, AHeartbeatFromTheFutureCountsAsNoneAndTheStartStandsIn) {
  EXPECT_EQ(silence_ns(kNow + 1, kSpawned, kNow), 4'000 * kMs);
  EXPECT_EQ(silence_ns(INT64_MAX, kSpawned, kNow), 4'000 * kMs);
}

TEST(SupervisorRecoveryTest, AHeartbeatFromBeforeTheProcessStartedCountsAsNone) {
  // A predecessor's stamp, zero, or a negative number written over the header.
  EXPECT_EQ(silence_ns(kSpawned - 1, kSpawned, kNow), 4'000 * kMs);
  EXPECT_EQ(silence_ns(0, kSpawned, kNow), 4'000 * kMs);
  EXPECT_EQ(silence_ns(INT64_MIN, kSpawned, kNow), 4'000 * kMs);
}

TEST(SupervisorRecoveryTest, ARoleIsHungOnlyWhenSilentLongerThanTheTimeout) {
  EXPECT_FALSE(is_hung(kNow - 500 * kMs, kSpawned, kNow, 500 * kMs));
  EXPECT_TRUE(is_hung(kNow - 500 * kMs - 1, kSpawned, kNow, 500 * kMs));
  EXPECT_FALSE(is_hung(kNow - 499 * kMs, kSpawned, kNow, 500 * kMs));
}

TEST(SupervisorRecoveryTest, ARoleThatNeverStampedIsHungOnceItsStartIsOlderThanTheTimeout) {
  EXPECT_FALSE(is_hung(0, kNow - 400 * kMs, kNow, 500 * kMs));
  EXPECT_TRUE(is_hung(0, kNow - 600 * kMs, kNow, 500 * kMs));
}

}  // namespace
}  // namespace pipescale::engine

#include "base/clock/clock.hpp"

#include <gtest/gtest.h>

namespace pipescale {
namespace {

std::int64_t read_through_interface(const Clock& clock) { return clock.now_ns(); }

TEST(MonotonicClock, NeverGoesBackwards) {
  const MonotonicClock clock;
  std::int64_t previous = clock.now_ns();
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t now = clock.now_ns();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

TEST(MonotonicClock, AgreesWithClockGettimeMonotonic) {
  const MonotonicClock clock;
  timespec before{};
  ::clock_gettime(CLOCK_MONOTONIC, &before);
  const std::int64_t now = clock.now_ns();
  EXPECT_GE(now, std::int64_t{before.tv_sec} * 1'000'000'000 + before.tv_nsec);
}

TEST(ManualClock, StartsAtTheGivenTime) { EXPECT_EQ(ManualClock(42).now_ns(), 42); }

TEST(ManualClock, MovesOnlyWhenSetOrAdvanced) {
  ManualClock clock;
  EXPECT_EQ(clock.now_ns(), 0);
  clock.advance_ns(1'500);
  EXPECT_EQ(clock.now_ns(), 1'500);
  clock.set_ns(10'000);
  EXPECT_EQ(clock.now_ns(), 10'000);
  EXPECT_EQ(clock.now_ns(), 10'000);
}

TEST(ManualClock, IsReadThroughTheClockInterface) {
  ManualClock clock(7);
  clock.advance_ns(3);
  EXPECT_EQ(read_through_interface(clock), 10);
}

}  // namespace
}  // namespace pipescale

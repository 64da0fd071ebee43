// IdleStrategy: when each wait kind spins and when it parks, how a deadline bounds a park, that a
// parked process costs almost no CPU, and the names of the kinds.
#include "ipc/wait/wait_strategy.hpp"

#include <time.h>

#include <chrono>
#include <gtest/gtest.h>
#include <thread>

#include "ipc/common/clock.hpp"

namespace pipescale::ipc {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr auto kNoWork = [] { return false; };

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

TEST(WaitKindNames, ParseRoundTripsEveryName) {
  for (const WaitKind kind : {WaitKind::kSpin, WaitKind::kSpinThenPark, WaitKind::kPark}) {
    const auto parsed = parse_wait_kind(to_string(kind));

    ASSERT_TRUE(parsed.has_value()) << to_string(kind);
    EXPECT_EQ(*parsed, kind) << to_string(kind);
  }
  EXPECT_EQ(to_string(WaitKind::kSpinThenPark), "spin-then-park");
}

TEST(WaitKindNames, ParseRefusesUnknownNames) {
  EXPECT_FALSE(parse_wait_kind("sleep").has_value());
  EXPECT_FALSE(parse_wait_kind("").has_value());
  EXPECT_FALSE(parse_wait_kind("Park").has_value());
}

TEST(IdleStrategy, ParkModeParksWhenThereIsNoTraffic) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kPark, 0, 10'000'000}, Doorbell(&layout));

  idle.idle(kNoWork);

  EXPECT_EQ(layout.counters.parks.load(), 1u);
}

TEST(IdleStrategy, ParkModeDoesNotParkWhileWorkIsPending) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kPark, 0, 10'000'000}, Doorbell(&layout));

  idle.idle([] { return true; });

  EXPECT_EQ(layout.counters.parks.load(), 0u);
}

TEST(IdleStrategy, ParkedConsumerUsesAlmostNoCpu) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kPark, 0, 50'000'000}, Doorbell(&layout));
  const std::int64_t wall_start = monotonic_ns();
  const std::int64_t cpu_start = thread_cpu_ns();

  while (monotonic_ns() - wall_start < 300'000'000) idle.idle(kNoWork);

  const auto wall_ns = static_cast<double>(monotonic_ns() - wall_start);
  const auto cpu_ns = static_cast<double>(thread_cpu_ns() - cpu_start);
  EXPECT_LT(cpu_ns, 0.05 * wall_ns) << "cpu " << cpu_ns / 1e6 << " ms over " << wall_ns / 1e6 << " ms";
  EXPECT_GE(layout.counters.parks.load(), 3u);
}

TEST(IdleStrategy, SpinModeNeverParks) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kSpin, 0, 10'000'000}, Doorbell(&layout));

  for (int i = 0; i < 10'000; ++i) idle.idle(kNoWork);

  EXPECT_EQ(layout.counters.parks.load(), 0u);
}

TEST(IdleStrategy, SpinThenParkSpinsThroughItsBudgetBeforeParking) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kSpinThenPark, 20'000'000, 10'000'000}, Doorbell(&layout));

  idle.idle(kNoWork);
  const std::uint64_t parks_within_budget = layout.counters.parks.load();
  std::this_thread::sleep_for(milliseconds(30));
  idle.idle(kNoWork);

  EXPECT_EQ(parks_within_budget, 0u);
  EXPECT_EQ(layout.counters.parks.load(), 1u);
}

TEST(IdleStrategy, ResetStartsANewSpinBudget) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kSpinThenPark, 20'000'000, 10'000'000}, Doorbell(&layout));
  idle.idle(kNoWork);
  std::this_thread::sleep_for(milliseconds(30));
  idle.idle(kNoWork);
  ASSERT_EQ(layout.counters.parks.load(), 1u);

  idle.reset();
  idle.idle(kNoWork);

  EXPECT_EQ(layout.counters.parks.load(), 1u);
}

TEST(IdleStrategy, DoesNotParkPastADeadlineThatHasPassed) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kPark, 0, 10'000'000'000}, Doorbell(&layout));

  idle.idle(kNoWork, monotonic_ns() - 1);

  EXPECT_EQ(layout.counters.parks.load(), 0u);
}

TEST(IdleStrategy, ParkEndsAtTheDeadline) {
  DoorbellLayout layout{};
  IdleStrategy idle(WaitOptions{WaitKind::kPark, 0, 10'000'000'000}, Doorbell(&layout));
  const auto start = Clock::now();

  idle.idle(kNoWork, monotonic_ns() + 20'000'000);

  EXPECT_EQ(layout.counters.parks.load(), 1u);
  EXPECT_LT(Clock::now() - start, seconds(2));  // the maximum park was 10 s
}

}  // namespace
}  // namespace pipescale::ipc

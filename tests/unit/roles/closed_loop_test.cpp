// A closed loop's users: each sends, waits for its request, thinks, and is ready again.
#include "roles/client/closed_loop.hpp"

#include <gtest/gtest.h>

namespace pipescale::roles {
namespace {

TEST(ClosedLoopUsers, MakesEveryUserReadyAtTheStartWithoutThinkTime) {
  ClosedLoopUsers users(3, 0, 1, 16);
  users.start(1000);
  for (std::uint64_t id = 0; id < 3; ++id) {
    EXPECT_EQ(users.next_ready_ns(), 1000);
    users.send_next(id);
  }
  EXPECT_EQ(users.next_ready_ns(), ClosedLoopUsers::kNever);
}

TEST(ClosedLoopUsers, MakesAUserReadyAgainWhenItsRequestReturns) {
  ClosedLoopUsers users(2, 0, 1, 16);
  users.start(0);
  users.send_next(0);
  users.send_next(1);
  users.returned(1, 500);
  EXPECT_EQ(users.next_ready_ns(), 500);
  users.send_next(2);
  EXPECT_EQ(users.next_ready_ns(), ClosedLoopUsers::kNever);
  users.returned(2, 900);
  users.returned(2, 950);  // a second return of the same id frees no second user
  users.send_next(3);
  EXPECT_EQ(users.next_ready_ns(), ClosedLoopUsers::kNever);
}

TEST(ClosedLoopUsers, DrawsThinkTimesWithTheConfiguredMean) {
  constexpr std::int64_t kMeanNs = 10'000'000;
  constexpr int kRounds = 20'000;
  ClosedLoopUsers users(1, kMeanNs, 7, kRounds);
  users.start(0);
  double total = 0.0;
  std::int64_t now = 0;
  for (int i = 0; i < kRounds; ++i) {
    now = users.next_ready_ns();
    users.send_next(static_cast<std::uint64_t>(i));
    users.returned(static_cast<std::uint64_t>(i), now);
    total += static_cast<double>(users.next_ready_ns() - now);
  }
  // The mean of 20,000 exponential draws is within 3% of its mean (about 4 standard errors).
  EXPECT_NEAR(total / kRounds, static_cast<double>(kMeanNs), 0.03 * kMeanNs);
}

}  // namespace
}  // namespace pipescale::roles

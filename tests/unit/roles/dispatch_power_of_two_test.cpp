#include <array>
#include <gtest/gtest.h>
#include <random>

#include "roles/frontend/dispatch_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::kMs;

TEST(PowerOfTwoDispatch, WithTwoActiveWorkersAlwaysTakesTheLessLoaded) {
  const auto policy = make_dispatch_policy("power_of_two", {7});
  const std::array<WorkerView, 3> workers{
      {{WorkerState::kActive, 1, 30 * kMs}, {WorkerState::kOff, 0, 0}, {WorkerState::kActive, 1, 20 * kMs}}};
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(policy->pick(workers, 10 * kMs), 2u);
    policy->on_dispatched(2);
  }
}

TEST(PowerOfTwoDispatch, NeverTakesTheMostLoadedOfThree) {
  // Any two of three include one that is not the most loaded, and that one wins the pair.
  const auto policy = make_dispatch_policy("power_of_two", {7});
  const std::array<WorkerView, 3> workers{
      {{WorkerState::kActive, 2, 90 * kMs}, {WorkerState::kActive, 0, 0}, {WorkerState::kActive, 0, 0}}};
  int ones = 0;
  for (int i = 0; i < 40; ++i) {
    const auto chosen = policy->pick(workers, 0);
    ASSERT_TRUE(chosen == 1u || chosen == 2u);
    ones += *chosen == 1u ? 1 : 0;  // 1 and 2 tie: the lower index, so 2 only when drawn with 0
    policy->on_dispatched(*chosen);
  }
  EXPECT_GT(ones, 0);
  EXPECT_LT(ones, 40);
}

TEST(PowerOfTwoDispatch, DrawsItsPairFromTheSeededGenerator) {
  // Recomputed with the documented draw: i = u1 mod n, j = u2 mod (n - 1), j + 1 if j >= i.
  const auto policy = make_dispatch_policy("power_of_two", {42});
  std::mt19937_64 engine(42);
  const std::array<WorkerView, 4> workers{{{WorkerState::kActive, 0, 40 * kMs},
                                           {WorkerState::kActive, 0, 30 * kMs},
                                           {WorkerState::kActive, 0, 20 * kMs},
                                           {WorkerState::kActive, 0, 10 * kMs}}};
  for (int k = 0; k < 50; ++k) {
    const auto i = static_cast<std::size_t>(engine() % 4);
    auto j = static_cast<std::size_t>(engine() % 3);
    if (j >= i) ++j;
    const auto chosen = policy->pick(workers, 0);
    ASSERT_EQ(chosen, std::max(i, j)) << "draw " << k;  // the higher index is free sooner here
    EXPECT_EQ(policy->pick(workers, 0), chosen);        // no redraw before a dispatch
    policy->on_dispatched(*chosen);
  }
}

TEST(PowerOfTwoDispatch, TakesTheOnlyActiveWorkerAndNoneWhenThereIsNone) {
  const auto policy = make_dispatch_policy("power_of_two", {1});
  std::array<WorkerView, 2> workers{{{WorkerState::kOff, 0, 0}, {WorkerState::kActive, 3, 50 * kMs}}};
  EXPECT_EQ(policy->pick(workers, 0), 1u);
  workers[1].state = WorkerState::kDraining;
  EXPECT_FALSE(policy->pick(workers, 0).has_value());
}

}  // namespace
}  // namespace pipescale::roles

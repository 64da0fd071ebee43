#include <array>
#include <gtest/gtest.h>

#include "roles/frontend/dispatch_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::kMs;

TEST(RoundRobinDispatch, TakesTheActiveWorkersInTurnBlindToTheirLoad) {
  const auto policy = make_dispatch_policy("round_robin", {});
  const std::array<WorkerView, 3> workers{
      {{WorkerState::kActive, 1, 90 * kMs}, {WorkerState::kActive, 0, 0}, {WorkerState::kActive, 0, 0}}};
  for (const std::size_t expected : {0u, 1u, 2u, 0u, 1u}) {
    const auto chosen = policy->pick(workers, 0);
    ASSERT_EQ(chosen, expected);
    policy->on_dispatched(*chosen);
  }
}

TEST(RoundRobinDispatch, SkipsWorkersThatAreNotActiveAndWrapsAround) {
  const auto policy = make_dispatch_policy("round_robin", {});
  std::array<WorkerView, 3> workers{
      {{WorkerState::kActive, 0, 0}, {WorkerState::kOff, 0, 0}, {WorkerState::kActive, 0, 0}}};
  policy->on_dispatched(0);
  EXPECT_EQ(policy->pick(workers, 0), 2u);  // 1 is off
  EXPECT_EQ(policy->pick(workers, 0), 2u);  // asking again before dispatching does not move on
  policy->on_dispatched(2);
  EXPECT_EQ(policy->pick(workers, 0), 0u);  // wraps around
  workers[0].state = WorkerState::kDraining;
  workers[2].state = WorkerState::kWarming;
  EXPECT_FALSE(policy->pick(workers, 0).has_value());
}

}  // namespace
}  // namespace pipescale::roles

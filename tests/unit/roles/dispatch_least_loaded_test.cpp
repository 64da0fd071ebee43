#include <array>
#include <gtest/gtest.h>

#include "roles/frontend/dispatch_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::kMs;

TEST(LeastLoadedDispatch, PicksTheActiveWorkerFreeSoonestThenTheShortestQueue) {
  const auto policy = make_dispatch_policy("least_loaded", {});
  std::array<WorkerView, 4> workers{{{WorkerState::kActive, 2, 30 * kMs},
                                     {WorkerState::kOff, 0, 0},
                                     {WorkerState::kActive, 1, 20 * kMs},
                                     {WorkerState::kActive, 0, 20 * kMs}}};
  EXPECT_EQ(policy->pick(workers, 10 * kMs), 3u);  // free at 20 ms like Worker 2, with a shorter queue
  policy->on_dispatched(3);
  EXPECT_EQ(policy->pick(workers, 10 * kMs), 3u);  // the load, not the history, decides
}

TEST(LeastLoadedDispatch, FindsNoneWhenNoWorkerIsActive) {
  const auto policy = make_dispatch_policy("least_loaded", {});
  const std::array<WorkerView, 2> workers{{{WorkerState::kWarming, 0, 0}, {WorkerState::kDraining, 0, 0}}};
  EXPECT_FALSE(policy->pick(workers, 0).has_value());
}

}  // namespace
}  // namespace pipescale::roles

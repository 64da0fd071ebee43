#include <array>
#include <gtest/gtest.h>

#include "roles/frontend/drop_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::detect_profile;
using policy_test::kMs;

// The worked example of roles/frontend/README.md, "The drop rule": detect, three Workers free at
// 0, 20 and 50 ms, 100 queued, batch 32; classify after it with L(1) = 5 ms and a 12 ms backlog.
constexpr std::array<std::int64_t, 3> kFreeAt{0, 20 * kMs, 50 * kMs};
const DeadlinePath kClassify{5 * kMs, 0};

std::int64_t example_finish() { return estimate_finish_ns(0, 100, 101, 32, kFreeAt, detect_profile()); }

TEST(DeadlineDrop, DropsTheReadmeExampleWithAHundredMillisecondsLeft) {
  const auto drop = make_drop_policy("deadline", {detect_profile(), kClassify});
  // finish 88.57 ms + classify's L(1) 5 ms + its backlog 12 ms = 105.57 ms > 100 ms.
  EXPECT_TRUE(drop->should_drop({0, example_finish(), 100 * kMs, 12 * kMs}));
  EXPECT_FALSE(drop->should_drop({0, example_finish(), 106 * kMs, 12 * kMs}));
}

TEST(DeadlineDrop, KeepsARequestThatFinishesExactlyAtItsDeadline) {
  const auto drop = make_drop_policy("deadline", {detect_profile(), kClassify});
  EXPECT_FALSE(drop->should_drop({0, 90 * kMs, 100 * kMs, 5 * kMs}));  // 90 + 5 + 5 = 100
  EXPECT_TRUE(drop->should_drop({0, 90 * kMs, 100 * kMs, 5 * kMs + 1}));
}

TEST(DeadlineDrop, IgnoresANegativeBacklog) {
  const auto drop = make_drop_policy("deadline", {detect_profile(), DeadlinePath{}});
  EXPECT_FALSE(drop->should_drop({0, 90 * kMs, 100 * kMs, -50 * kMs}));
  EXPECT_TRUE(drop->drops());
}

}  // namespace
}  // namespace pipescale::roles

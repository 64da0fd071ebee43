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

TEST(StartNowDrop, AdmitsTheReadmeExampleThatTheDeadlineRuleDrops) {
  const auto drop = make_drop_policy("start_now", {detect_profile(), kClassify});
  EXPECT_FALSE(drop->should_drop({0, example_finish(), 100 * kMs, 12 * kMs}));  // 0 + 10 + 5 <= 100
  EXPECT_TRUE(drop->should_drop({86 * kMs, example_finish(), 100 * kMs, 0}));   // 86 + 10 + 5 = 101
}

}  // namespace
}  // namespace pipescale::roles

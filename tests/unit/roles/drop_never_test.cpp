#include <gtest/gtest.h>

#include "roles/frontend/drop_policy.hpp"
#include "tests/unit/roles/policy_test_support.hpp"

namespace pipescale::roles {
namespace {

using policy_test::detect_profile;
using policy_test::kMs;

TEST(NeverDrop, ServesEvenARequestPastItsDeadline) {
  const auto drop = make_drop_policy("never", {detect_profile(), DeadlinePath{}});
  EXPECT_FALSE(drop->should_drop({200 * kMs, 300 * kMs, 100 * kMs, 0}));
  EXPECT_FALSE(drop->drops());
}

}  // namespace
}  // namespace pipescale::roles

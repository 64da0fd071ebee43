#include <cmath>
#include <gtest/gtest.h>

#include "roles/scheduler/scheduler_policy.hpp"

namespace pipescale::roles {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

TEST(LoadEstimator, StartsAtZero) { EXPECT_EQ(LoadEstimator(10 * kS).estimate_rps(), 0.0); }

TEST(LoadEstimator, RisesToAHigherRateAtOnce) {
  LoadEstimator estimator(10 * kS);
  EXPECT_EQ(estimator.observe(0, 100.0), 100.0);
  EXPECT_EQ(estimator.observe(1 * kS, 250.0), 250.0);
}

TEST(LoadEstimator, KeepsTheHigherEstimateUntilTheLowerRateHasLastedTheDelay) {
  LoadEstimator estimator(10 * kS);
  estimator.observe(0, 100.0);
  EXPECT_EQ(estimator.observe(1 * kS, 50.0), 100.0);   // the lower stretch starts at 1 s
  EXPECT_EQ(estimator.observe(10 * kS, 50.0), 100.0);  // 9 s lower
  EXPECT_EQ(estimator.observe(11 * kS, 50.0), 50.0);   // 10 s lower: down
}

TEST(LoadEstimator, DropsToTheHighestRateSeenDuringTheLowerStretch) {
  LoadEstimator estimator(10 * kS);
  estimator.observe(0, 100.0);
  estimator.observe(1 * kS, 40.0);
  estimator.observe(5 * kS, 70.0);
  EXPECT_EQ(estimator.observe(11 * kS, 30.0), 70.0);
  // 30 < 70 starts a new stretch at 11 s.
  EXPECT_EQ(estimator.observe(20 * kS, 30.0), 70.0);
  EXPECT_EQ(estimator.observe(21 * kS, 30.0), 30.0);
}

TEST(LoadEstimator, RestartsTheDelayWhenTheRateComesBackUp) {
  LoadEstimator estimator(10 * kS);
  estimator.observe(0, 100.0);
  estimator.observe(1 * kS, 50.0);
  EXPECT_EQ(estimator.observe(5 * kS, 100.0), 100.0);  // back at the estimate: the stretch ends
  estimator.observe(6 * kS, 50.0);                     // a new one starts at 6 s
  EXPECT_EQ(estimator.observe(12 * kS, 50.0), 100.0);
  EXPECT_EQ(estimator.observe(16 * kS, 50.0), 50.0);
}

TEST(LoadEstimator, FollowsEveryObservationWithZeroDelay) {
  LoadEstimator estimator(0);
  estimator.observe(0, 100.0);
  EXPECT_EQ(estimator.observe(1, 20.0), 20.0);
  EXPECT_EQ(estimator.observe(2, 60.0), 60.0);
  EXPECT_EQ(estimator.observe(3, 10.0), 10.0);
}

TEST(LoadEstimator, CountsNegativeAndNanRatesAsZero) {
  LoadEstimator estimator(0);
  estimator.observe(0, 100.0);
  EXPECT_EQ(estimator.observe(1, -5.0), 0.0);
  estimator.observe(2, 100.0);
  EXPECT_EQ(estimator.observe(3, std::nan("")), 0.0);
}

}  // namespace
}  // namespace pipescale::roles

// The mean and Student's t interval of a sweep point: quantiles against closed forms and the
// printed table, intervals against hand-computed samples.
#include "base/metrics/confidence_interval.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <numbers>
#include <utility>
#include <vector>

namespace pipescale {
namespace {

TEST(StudentTQuantileTest, MatchesTheClosedFormsForOneAndTwoDegreesOfFreedom) {
  // df 1 is Cauchy: t = tan(pi (p - 1/2)). df 2: t = (2p - 1) / sqrt(2 p (1 - p)).
  EXPECT_NEAR(student_t_quantile(0.975, 1.0), std::tan(std::numbers::pi * 0.475), 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1.0), 12.7062047, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 2.0), 0.95 / std::sqrt(2.0 * 0.975 * 0.025), 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 2.0), 4.3026527, 1e-6);
}

TEST(StudentTQuantileTest, MatchesThePrintedTableFromThreeToThirtyDegreesOfFreedom) {
  // The two-sided 95 % column of the usual t table, three decimals.
  const double table[] = {3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
                          2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074,
                          2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  for (int df = 3; df <= 30; ++df) {
    EXPECT_NEAR(student_t_quantile(0.975, df), table[df - 3], 0.0005) << "df " << df;
  }
}

TEST(StudentTQuantileTest, ApproachesTheNormalQuantileBeyondThirty) {
  EXPECT_NEAR(student_t_quantile(0.975, 40.0), 2.021, 0.0005);
  EXPECT_NEAR(student_t_quantile(0.975, 60.0), 2.000, 0.0005);
  EXPECT_NEAR(student_t_quantile(0.975, 120.0), 1.980, 0.0005);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959964, 1e-5);  // the normal's 97.5 % point
}

TEST(StudentTQuantileTest, GivesOtherLevelsAndTheLowerTailBySymmetry) {
  EXPECT_NEAR(student_t_quantile(0.95, 4.0), 2.132, 0.0005);
  EXPECT_NEAR(student_t_quantile(0.995, 9.0), 3.250, 0.0005);
  EXPECT_NEAR(student_t_quantile(0.025, 4.0), -student_t_quantile(0.975, 4.0), 1e-12);
}

TEST(MeanIntervalTest, GivesTheHandComputedIntervalOfOneToFive) {
  // mean 3, s^2 = 10 / 4, standard error sqrt(2.5 / 5) = 0.70711, t(0.975, 4) = 2.77645.
  const std::vector<double> sample{1.0, 2.0, 3.0, 4.0, 5.0};

  const MeanInterval interval = mean_interval(sample);

  EXPECT_EQ(interval.count, 5U);
  EXPECT_DOUBLE_EQ(interval.mean, 3.0);
  ASSERT_TRUE(interval.low && interval.high);
  EXPECT_NEAR(*interval.low, 1.0367568, 1e-6);
  EXPECT_NEAR(*interval.high, 4.9632432, 1e-6);
}

TEST(MeanIntervalTest, WidensWithTheTQuantileOfOneDegreeOfFreedomForTwoValues) {
  // mean 11, s^2 = 2, standard error 1: 11 -/+ 12.7062.
  const std::vector<double> sample{10.0, 12.0};

  const MeanInterval interval = mean_interval(sample);

  ASSERT_TRUE(interval.low && interval.high);
  EXPECT_NEAR(*interval.low, 11.0 - 12.7062047, 1e-6);
  EXPECT_NEAR(*interval.high, 11.0 + 12.7062047, 1e-6);
}

TEST(MeanIntervalTest, GivesANinetyPercentIntervalWhenAsked) {
  const std::vector<double> sample{1.0, 2.0, 3.0, 4.0, 5.0};

  const MeanInterval interval = mean_interval(sample, 0.90);

  ASSERT_TRUE(interval.high);
  EXPECT_NEAR(*interval.high - 3.0, 2.1318468 * std::sqrt(0.5), 1e-6);  // t(0.95, 4) = 2.13185
}

TEST(MeanIntervalTest, HasNoBoundsForOneValue) {
  const std::vector<double> sample{7.5};

  const MeanInterval interval = mean_interval(sample);

  EXPECT_EQ(interval.count, 1U);
  EXPECT_DOUBLE_EQ(interval.mean, 7.5);
  EXPECT_FALSE(interval.low.has_value());
  EXPECT_FALSE(interval.high.has_value());
}

TEST(MeanIntervalTest, HasNoBoundsAndAZeroMeanForAnEmptySample) {
  const MeanInterval interval = mean_interval(std::vector<double>{});

  EXPECT_EQ(interval.count, 0U);
  EXPECT_DOUBLE_EQ(interval.mean, 0.0);
  EXPECT_FALSE(interval.low.has_value());
}

TEST(MeanIntervalTest, HasAZeroWidthIntervalWhenEveryValueIsEqual) {
  const std::vector<double> sample{4.0, 4.0, 4.0};

  const MeanInterval interval = mean_interval(sample);

  ASSERT_TRUE(interval.low && interval.high);
  EXPECT_DOUBLE_EQ(*interval.low, 4.0);
  EXPECT_DOUBLE_EQ(*interval.high, 4.0);
}

}  // namespace
}  // namespace pipescale

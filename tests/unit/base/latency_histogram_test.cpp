#include "base/metrics/latency_histogram.hpp"

#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>

namespace pipescale {
namespace {

constexpr double kRelativePrecision = 1.0 / 128.0;

TEST(LatencyHistogram, ReportsZerosWhenEmpty) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min_ns(), 0);
  EXPECT_EQ(histogram.max_ns(), 0);
  EXPECT_EQ(histogram.mean_ns(), 0.0);
  EXPECT_EQ(histogram.value_at_percentile(50.0), 0);
}

TEST(LatencyHistogram, KeepsValuesBelow256Exactly) {
  for (std::int64_t v = 0; v < 256; ++v) {
    LatencyHistogram histogram;
    histogram.record(v);
    histogram.record(v);
    ASSERT_EQ(histogram.value_at_percentile(50.0), v);
    ASSERT_EQ(LatencyHistogram::bucket_lowest_ns(LatencyHistogram::bucket_index(v)), v);
    ASSERT_EQ(LatencyHistogram::bucket_highest_ns(LatencyHistogram::bucket_index(v)), v);
  }
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGapsOrOverlaps) {
  for (std::int64_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
    ASSERT_EQ(LatencyHistogram::bucket_highest_ns(i) + 1, LatencyHistogram::bucket_lowest_ns(i + 1)) << "bucket " << i;
    ASSERT_EQ(LatencyHistogram::bucket_index(LatencyHistogram::bucket_lowest_ns(i)), i);
  }
  EXPECT_EQ(LatencyHistogram::bucket_index(LatencyHistogram::kMaxTrackableNs), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogram, BoundsEveryBucketWithinOnePartIn128OfItsValues) {
  // Geometric sweep from 1 ns to an hour: each bucket's width is within 1/128 of its lowest value.
  for (double v = 1.0; v < 3.6e12; v *= 1.01) {
    const auto value = static_cast<std::int64_t>(v);
    const std::int64_t index = LatencyHistogram::bucket_index(value);
    const std::int64_t lowest = LatencyHistogram::bucket_lowest_ns(index);
    const std::int64_t highest = LatencyHistogram::bucket_highest_ns(index);
    ASSERT_LE(lowest, value);
    ASSERT_GE(highest, value);
    ASSERT_LE(static_cast<double>(highest - lowest), kRelativePrecision * static_cast<double>(lowest)) << value;
  }
}

TEST(LatencyHistogram, ReportsAnySingleValueWithinOnePercent) {
  for (double v = 300.0; v < 3.6e12; v *= 1.37) {
    const auto value = static_cast<std::int64_t>(v);
    LatencyHistogram histogram;
    histogram.record(value);
    histogram.record(value + 1);  // so the percentile is bucketed, not the exact min or max
    histogram.record(value * 2);
    const auto reported = static_cast<double>(histogram.value_at_percentile(40.0));
    ASSERT_LE(std::abs(reported - v) / v, 0.01) << value;
  }
}

TEST(LatencyHistogram, KeepsMinMaxAndMeanExact) {
  LatencyHistogram histogram;
  histogram.record(1'000'003);
  histogram.record(2'000'001);
  histogram.record(3'000'005);
  EXPECT_EQ(histogram.count(), 3u);
  EXPECT_EQ(histogram.min_ns(), 1'000'003);
  EXPECT_EQ(histogram.max_ns(), 3'000'005);
  EXPECT_DOUBLE_EQ(histogram.mean_ns(), 2'000'003.0);
  EXPECT_EQ(histogram.value_at_percentile(0.0), 1'000'003);
  EXPECT_EQ(histogram.value_at_percentile(100.0), 3'000'005);
}

TEST(LatencyHistogram, FindsThePercentilesOfAUniformDistribution) {
  LatencyHistogram histogram;
  for (std::int64_t us = 1; us <= 100'000; ++us) histogram.record(us * 1'000);  // 1 us .. 100 ms
  const LatencySummary summary = histogram.summary();
  EXPECT_EQ(summary.count, 100'000u);
  EXPECT_NEAR(static_cast<double>(summary.p50_ns), 50e6, 50e6 * kRelativePrecision);
  EXPECT_NEAR(static_cast<double>(summary.p90_ns), 90e6, 90e6 * kRelativePrecision);
  EXPECT_NEAR(static_cast<double>(summary.p99_ns), 99e6, 99e6 * kRelativePrecision);
  EXPECT_NEAR(static_cast<double>(summary.p999_ns), 99.9e6, 99.9e6 * kRelativePrecision);
  EXPECT_EQ(summary.max_ns, 100'000'000);
  EXPECT_GE(summary.p50_ns, 50'000'000);  // reported as a bucket's upper edge: never below
  EXPECT_NEAR(summary.mean_ns, 50'000'500.0, 1e-3);
}

TEST(LatencyHistogram, CountsRepeatedValuesWithRecordN) {
  LatencyHistogram histogram;
  histogram.record_n(100, 99);
  histogram.record_n(5'000, 1);
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.value_at_percentile(99.0), 100);
  EXPECT_EQ(histogram.value_at_percentile(99.5), 5'000);
}

TEST(LatencyHistogram, CountsNegativeValuesAsZero) {
  LatencyHistogram histogram;
  histogram.record(-5);
  EXPECT_EQ(histogram.min_ns(), 0);
  EXPECT_EQ(histogram.max_ns(), 0);
}

TEST(LatencyHistogram, ClampsValuesBeyondTheRangeIntoTheTopBucketButKeepsTheExactMax) {
  LatencyHistogram histogram;
  const std::int64_t huge = LatencyHistogram::kMaxTrackableNs * 4;
  histogram.record(huge);
  EXPECT_EQ(histogram.max_ns(), huge);
  EXPECT_EQ(histogram.value_at_percentile(50.0), huge);
}

TEST(LatencyHistogram, MergesIntoTheSameResultAsRecordingEverythingInOne) {
  LatencyHistogram all;
  LatencyHistogram evens;
  LatencyHistogram odds;
  for (std::int64_t v = 1; v <= 20'000; ++v) {
    all.record(v * 997);
    (v % 2 == 0 ? evens : odds).record(v * 997);
  }
  evens.merge(odds);
  EXPECT_EQ(evens.count(), all.count());
  EXPECT_EQ(evens.min_ns(), all.min_ns());
  EXPECT_EQ(evens.max_ns(), all.max_ns());
  EXPECT_DOUBLE_EQ(evens.mean_ns(), all.mean_ns());
  for (const double p : {1.0, 50.0, 90.0, 99.0, 99.9})
    EXPECT_EQ(evens.value_at_percentile(p), all.value_at_percentile(p));
}

TEST(LatencyHistogram, MergingIntoAnEmptyHistogramTakesTheOthersMinAndMax) {
  LatencyHistogram empty;
  LatencyHistogram other;
  other.record(5'000);
  other.record(7'000);
  empty.merge(other);
  EXPECT_EQ(empty.min_ns(), 5'000);
  EXPECT_EQ(empty.max_ns(), 7'000);
  EXPECT_EQ(empty.count(), 2u);
}

TEST(LatencyHistogram, ForgetsEverythingOnReset) {
  LatencyHistogram histogram;
  histogram.record(123'456);
  histogram.reset();
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.value_at_percentile(50.0), 0);
  histogram.record(7);
  EXPECT_EQ(histogram.min_ns(), 7);
  EXPECT_EQ(histogram.max_ns(), 7);
}

}  // namespace
}  // namespace pipescale

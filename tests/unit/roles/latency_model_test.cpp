// The latency models a Worker draws batch times from: fixed, lognormal (median and p99 from the
// profile) and measured samples; seeded streams that repeat exactly.
#include "roles/common/latency_model.hpp"

#include <algorithm>
#include <cmath>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace pipescale::roles {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kNsPerMs = 1'000'000;

LatencyProfile profile_of(const std::vector<std::pair<int, double>>& points) {
  return std::move(LatencyProfile::from_pairs(points, "stage.profile")).value();
}

LatencyModel lognormal_10_20() {
  return std::move(LatencyModel::lognormal(profile_of({{1, 10.0}}), {{1, 20.0}}, "stage.profile")).value();
}

// The value at `percentile` of n draws of batch size b, sorted (nearest rank).
std::int64_t percentile_of(std::vector<std::int64_t> draws, double percentile) {
  std::sort(draws.begin(), draws.end());
  const auto rank = static_cast<std::size_t>(std::ceil(percentile / 100.0 * static_cast<double>(draws.size())));
  return draws[std::max<std::size_t>(rank, 1) - 1];
}

std::vector<std::int64_t> draws_of(LatencyModel& model, int batch_size, int n) {
  std::vector<std::int64_t> draws;
  draws.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) draws.push_back(model.draw_ns(batch_size));
  return draws;
}

TEST(LatencyModel, AFixedProfileDrawsItsLatencyEveryTime) {
  LatencyModel model(profile_of({{1, 10.0}, {4, 16.0}}));
  EXPECT_EQ(model.kind(), LatencyModel::Kind::kFixed);
  EXPECT_EQ(model.draw_ns(1), 10 * kNsPerMs);
  EXPECT_EQ(model.draw_ns(2), 12 * kNsPerMs);
  EXPECT_EQ(model.draw_ns(2), 12 * kNsPerMs);
}

TEST(LatencyModel, ALognormalOfMedian10AndP99Of20DrawsThoseWithin3And10Percent) {
  LatencyModel model = lognormal_10_20();
  model.seed_stream(derived_seed(1, 1));
  const std::vector<std::int64_t> draws = draws_of(model, 1, 10'000);
  const double p50_ms = static_cast<double>(percentile_of(draws, 50.0)) / kNsPerMs;
  const double p99_ms = static_cast<double>(percentile_of(draws, 99.0)) / kNsPerMs;
  EXPECT_NEAR(p50_ms, 10.0, 0.3);
  EXPECT_NEAR(p99_ms, 20.0, 2.0);
  // ln(X) is normal with sigma = ln(2) / z_0.99: its sample deviation is within 3 % of that.
  double sum = 0.0;
  double sum_sq = 0.0;
  for (const std::int64_t d : draws) {
    const double l = std::log(static_cast<double>(d));
    sum += l;
    sum_sq += l * l;
  }
  const double n = static_cast<double>(draws.size());
  const double sigma = std::sqrt(sum_sq / n - (sum / n) * (sum / n));
  EXPECT_NEAR(sigma, std::log(2.0) / kNormalP99, 0.03 * std::log(2.0) / kNormalP99);
}

TEST(LatencyModel, InterpolatesTheP99BetweenRowsLikeTheMedian) {
  // Median 10 at 1, 20 at 3; p99 10 (fixed) at 1, 40 at 3: at 2 the median is 15 and the p99 25.
  auto model = LatencyModel::lognormal(profile_of({{1, 10.0}, {3, 20.0}}), {{1, 10.0}, {3, 40.0}}, "p");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->draw_ns(1), 10 * kNsPerMs);  // sigma 0: always the median
  const std::vector<std::int64_t> draws = draws_of(*model, 2, 10'000);
  EXPECT_NEAR(static_cast<double>(percentile_of(draws, 50.0)) / kNsPerMs, 15.0, 0.45);
  EXPECT_NEAR(static_cast<double>(percentile_of(draws, 99.0)) / kNsPerMs, 25.0, 2.5);
}

TEST(LatencyModel, SeededDrawsRepeatExactlyAndStreamsDiffer) {
  LatencyModel first = lognormal_10_20();
  LatencyModel second = lognormal_10_20();
  LatencyModel other = lognormal_10_20();
  first.seed_stream(derived_seed(7, 3));
  second.seed_stream(derived_seed(7, 3));
  other.seed_stream(derived_seed(7, 4));
  const std::vector<std::int64_t> a = draws_of(first, 1, 100);
  EXPECT_EQ(a, draws_of(second, 1, 100));
  EXPECT_NE(a, draws_of(other, 1, 100));
  EXPECT_NE(derived_seed(7, 3), derived_seed(8, 3));
}

TEST(LatencyModel, RefusesAP99BelowTheMedian) {
  auto model = LatencyModel::lognormal(profile_of({{1, 10.0}}), {{1, 9.0}}, "stages.m.profile");
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(model.error().message, HasSubstr("stages.m.profile: p99_ms 9 at batch_size 1: expected at least"));
}

LatencySamples samples_of(const std::string& text) {
  return std::move(parse_latency_samples(text, "samples.csv")).value();
}

TEST(LatencyModel, SamplesDrawOnlyTheirOwnSizesValuesEachAsOften) {
  auto model = LatencyModel::from_samples(samples_of("1,10\n1,20\n1,30\n1,40\n2,50\n"), "samples.csv");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->kind(), LatencyModel::Kind::kSamples);
  EXPECT_EQ(model->profile().latency_ns(1), 25 * kNsPerMs);  // the median of 10, 20, 30, 40
  std::vector<int> seen(5, 0);
  for (const std::int64_t d : draws_of(*model, 1, 4000)) {
    ASSERT_EQ(d % (10 * kNsPerMs), 0) << d;
    ++seen[static_cast<std::size_t>(d / (10 * kNsPerMs))];
  }
  EXPECT_EQ(seen[0], 0);
  for (int i = 1; i <= 4; ++i) EXPECT_NEAR(seen[static_cast<std::size_t>(i)], 1000, 120) << i;
  EXPECT_EQ(model->draw_ns(2), 50 * kNsPerMs);
}

TEST(LatencyModel, SamplesInterpolateBetweenBatchSizesAtTheSameQuantile) {
  // One sample at 1 (10 ms) and at 5 (50 ms): at 2 every draw is 20 ms, at 4 it is 40 ms.
  auto model = LatencyModel::from_samples(samples_of("batch_size,latency_ms\n5,50\n1,10\n"), "samples.csv");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->max_batch(), 5);
  EXPECT_EQ(model->draw_ns(2), 20 * kNsPerMs);
  EXPECT_EQ(model->draw_ns(4), 40 * kNsPerMs);
  EXPECT_EQ(model->profile().latency_ns(3), 30 * kNsPerMs);
}

}  // namespace
}  // namespace pipescale::roles

#include "roles/common/latency_profile.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>

namespace pipescale::roles {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kNsPerMs = 1'000'000;

LatencyProfile three_points() {
  return std::move(LatencyProfile::from_pairs({{1, 10.0}, {4, 16.0}, {16, 40.0}}, "stage.profile")).value();
}

std::string csv_error(const std::string& text) {
  auto profile = LatencyProfile::parse_csv(text, "model.csv");
  EXPECT_FALSE(profile.ok());
  return profile.ok() ? std::string() : profile.error().message;
}

TEST(LatencyProfile, GivesEachEntrysLatencyForItsBatchSize) {
  const LatencyProfile profile = three_points();
  EXPECT_EQ(profile.latency_ns(1), 10 * kNsPerMs);
  EXPECT_EQ(profile.latency_ns(4), 16 * kNsPerMs);
  EXPECT_EQ(profile.latency_ns(16), 40 * kNsPerMs);
}

TEST(LatencyProfile, InterpolatesLinearlyBetweenEntries) {
  const LatencyProfile profile = three_points();
  EXPECT_EQ(profile.latency_ns(2), 12 * kNsPerMs);
  EXPECT_EQ(profile.latency_ns(3), 14 * kNsPerMs);
  EXPECT_EQ(profile.latency_ns(9), 26 * kNsPerMs);
  EXPECT_EQ(profile.latency_ns(10), 28 * kNsPerMs);
}

TEST(LatencyProfile, EndsAtTheLargestEntryWithoutExtrapolating) {
  const LatencyProfile profile = three_points();
  EXPECT_EQ(profile.max_batch(), 16);
  EXPECT_EQ(profile.fastest_ns(), 10 * kNsPerMs);
  EXPECT_EQ(profile.slowest_ns(), 40 * kNsPerMs);
}

TEST(LatencyProfile, CapsMaxBatchBelowTheLargestEntryWhenAsked) {
  auto profile = LatencyProfile::from_pairs({{1, 10.0}, {4, 16.0}, {16, 40.0}}, "stage.profile", 9);
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->max_batch(), 9);
  EXPECT_EQ(profile->slowest_ns(), 26 * kNsPerMs);
}

TEST(LatencyProfile, RefusesAMaxBatchAboveTheLargestEntry) {
  auto profile = LatencyProfile::from_pairs({{1, 10.0}, {4, 16.0}}, "stage.profile", 5);
  ASSERT_FALSE(profile.ok());
  EXPECT_THAT(profile.error().message, HasSubstr("stage.profile: max_batch 5: expected a value in [1, 4]"));
}

TEST(LatencyProfile, AcceptsASingleEntryForBatchSizeOne) {
  auto profile = LatencyProfile::from_pairs({{1, 5.0}}, "stage.profile");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->max_batch(), 1);
  EXPECT_EQ(profile->fastest_ns(), 5 * kNsPerMs);
}

TEST(LatencyProfile, RoundsToWholeNanoseconds) {
  auto profile = LatencyProfile::from_pairs({{1, 0.0015}, {2, 0.0025}}, "stage.profile");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->latency_ns(1), 1'500);
  EXPECT_EQ(profile->latency_ns(2), 2'500);
}

TEST(LatencyProfile, AcceptsAFlatStretch) {
  auto profile = LatencyProfile::from_pairs({{1, 5.0}, {2, 5.0}, {4, 9.0}}, "stage.profile");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->latency_ns(3), 7 * kNsPerMs);
}

TEST(LatencyProfile, ParsesACsvWithHeaderAndComments) {
  auto profile =
      LatencyProfile::parse_csv("# resnet, measured\nbatch_size,latency_ms\n1,10\n4,16  # knee\n16,40\n", "model.csv");
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->max_batch(), 16);
  EXPECT_EQ(profile->latency_ns(10), 28 * kNsPerMs);
}

TEST(LatencyProfile, ParsesACsvWithoutHeader) {
  auto profile = LatencyProfile::parse_csv("1,10\n4,16\n", "model.csv");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->max_batch(), 4);
}

TEST(LatencyProfile, RefusesATraceGivenAsAProfile) {
  EXPECT_THAT(
      csv_error("time_s,rate_rps\n0,10\n"),
      HasSubstr("model.csv:1: 'time_s,rate_rps': expected the header 'batch_size,latency_ms' or a row of 2 numbers"));
}

TEST(LatencyProfile, RefusesATableThatDoesNotStartAtBatchSizeOne) {
  EXPECT_THAT(csv_error("batch_size,latency_ms\n2,10\n4,16\n"),
              HasSubstr("model.csv:2: expected the first batch_size to be 1, got 2"));
}

TEST(LatencyProfile, RefusesAFractionalBatchSize) {
  EXPECT_THAT(csv_error("batch_size,latency_ms\n1,10\n2.5,16\n"),
              HasSubstr("model.csv:3: batch_size '2.5': expected a whole number of requests from 1 to 65536"));
}

TEST(LatencyProfile, RefusesBatchSizesThatDoNotIncrease) {
  EXPECT_THAT(csv_error("batch_size,latency_ms\n1,10\n4,16\n4,17\n"),
              HasSubstr("model.csv:4: expected batch sizes in increasing order, got 4 after 4"));
}

TEST(LatencyProfile, RefusesALatencyThatDecreasesAsTheBatchGrows) {
  EXPECT_THAT(csv_error("batch_size,latency_ms\n1,10\n4,16\n8,15.5\n"),
              HasSubstr("model.csv:4: expected latency_ms not to fall as batches grow, got 15.5 at batch_size 8 "
                        "after 16 at 4"));
}

TEST(LatencyProfile, RefusesANonPositiveLatency) {
  EXPECT_THAT(csv_error("batch_size,latency_ms\n1,0\n"),
              HasSubstr("model.csv:2: latency_ms '0': expected a positive number of milliseconds, at most 3600000"));
}

TEST(LatencyProfile, StatesItsRulesWithTheirOwnBounds) {
  EXPECT_THAT(std::string(kBatchSizeRule), HasSubstr("from 1 to " + std::to_string(kMaxBatchSize)));
  EXPECT_THAT(std::string(kLatencyRule), HasSubstr("at most " + std::to_string(static_cast<long>(kMaxLatencyMs))));
}

TEST(LatencyProfile, RefusesAnOversizedBatch) {
  EXPECT_THAT(csv_error("batch_size,latency_ms\n1,1\n100000,2\n"), HasSubstr("model.csv:3: batch_size '100000'"));
}

TEST(LatencyProfile, NamesTheEntryOfAnInlineTable) {
  auto profile = LatencyProfile::from_pairs({{1, 10.0}, {4, 16.0}, {2, 20.0}}, "stages[1].profile");
  ASSERT_FALSE(profile.ok());
  EXPECT_THAT(profile.error().message,
              HasSubstr("stages[1].profile: entry 3: expected batch sizes in increasing order, got 2 after 4"));
}

TEST(LatencyProfile, RefusesAnEmptyInlineTable) {
  auto profile = LatencyProfile::from_pairs({}, "stages[1].profile");
  ASSERT_FALSE(profile.ok());
  EXPECT_THAT(profile.error().message, HasSubstr("no entries"));
}

TEST(LatencyProfile, NamesAMissingFile) {
  auto profile = LatencyProfile::load_csv("no/such/profile.csv");
  ASSERT_FALSE(profile.ok());
  EXPECT_THAT(profile.error().message, HasSubstr("no/such/profile.csv: cannot open"));
}

}  // namespace
}  // namespace pipescale::roles

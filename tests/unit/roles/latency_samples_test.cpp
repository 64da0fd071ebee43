// Reading measured batch times: grouped by batch size, sorted, and every malformed file refused
// naming the file, the line and the column.
#include "roles/common/latency_samples.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>

namespace pipescale::roles {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& text) {
  auto samples = parse_latency_samples(text, "samples.csv");
  EXPECT_FALSE(samples.ok());
  return samples.ok() ? std::string() : samples.error().message;
}

TEST(LatencySamples, GroupsRowsByBatchSizeInAnyOrderAndSortsEachSet) {
  auto samples = parse_latency_samples("# measured\nbatch_size,latency_ms\n4,30\n1,12\n1,9\n4,28\n1,10\n", "s");
  ASSERT_TRUE(samples.ok()) << samples.error().message;
  ASSERT_EQ(samples->sets.size(), 2u);
  EXPECT_EQ(samples->sets[0].batch_size, 1);
  EXPECT_EQ(samples->sets[0].latency_ms, (std::vector<double>{9, 10, 12}));
  EXPECT_EQ(samples->sets[0].first_line, 4u);
  EXPECT_EQ(samples->sets[1].latency_ms, (std::vector<double>{28, 30}));
  EXPECT_EQ(samples->medians(), (std::vector<std::pair<int, double>>{{1, 10.0}, {4, 29.0}}));
}

TEST(LatencySamples, RefusesANonNumberNamingLineAndColumn) {
  EXPECT_THAT(error_of("batch_size,latency_ms\n1,10\n1, abc\n"),
              HasSubstr("samples.csv:3:4: latency_ms 'abc': expected a finite number"));
  EXPECT_THAT(error_of("1,10\nx,10\n"), HasSubstr("samples.csv:2:1: batch_size 'x'"));
}

TEST(LatencySamples, RefusesOutOfRangeValuesNamingLineAndColumn) {
  EXPECT_THAT(error_of("1,10\n2.5,10\n"), HasSubstr("samples.csv:2:1: batch_size '2.5': expected a whole number"));
  EXPECT_THAT(error_of("1,10\n2,-3\n"), HasSubstr("samples.csv:2:3: latency_ms '-3': expected a positive number"));
}

TEST(LatencySamples, RefusesAMissingColumnAndAnEmptyFile) {
  EXPECT_THAT(error_of("1,10\n2\n"), HasSubstr("samples.csv:2: row '2' has 1 fields: expected 2"));
  EXPECT_THAT(error_of("batch_size,latency_ms\n"), HasSubstr("samples.csv: no data rows"));
}

TEST(LatencySamples, RefusesSamplesWithoutBatchSizeOne) {
  EXPECT_THAT(error_of("2,10\n4,20\n"), HasSubstr("samples.csv: no sample of batch_size 1"));
}

TEST(LatencySamples, RefusesAMedianBelowASmallerBatchsNamingTheLargerSizesFirstLine) {
  EXPECT_THAT(error_of("1,10\n1,12\n2,8\n2,30\n4,9\n"),
              HasSubstr("samples.csv:5:1: the median of batch_size 4 (9 ms) is below that of batch_size 2 (19 ms)"));
}

}  // namespace
}  // namespace pipescale::roles

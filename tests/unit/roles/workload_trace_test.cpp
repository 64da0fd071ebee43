#include "roles/client/trace/workload_trace.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>

namespace pipescale::roles {
namespace {

using ::testing::HasSubstr;

constexpr const char* kThreeSteps =
    "# a burst in the middle\n"
    "time_s,rate_rps\n"
    "0,100\n"
    "10,400   # the burst\n"
    "20,50\n"
    "30,0\n";

WorkloadTrace parse_ok(const std::string& text, std::optional<double> duration_s = std::nullopt) {
  auto trace = WorkloadTrace::parse(text, "trace.csv", duration_s);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().message);
  return std::move(trace).value();
}

std::string parse_error(const std::string& text, std::optional<double> duration_s = std::nullopt) {
  auto trace = WorkloadTrace::parse(text, "trace.csv", duration_s);
  EXPECT_FALSE(trace.ok());
  return trace.ok() ? std::string() : trace.error().message;
}

TEST(WorkloadTrace, HoldsEachRateUntilTheNextRow) {
  const WorkloadTrace trace = parse_ok(kThreeSteps);
  EXPECT_EQ(trace.rate_at(0.0), 100.0);
  EXPECT_EQ(trace.rate_at(9.999), 100.0);
  EXPECT_EQ(trace.rate_at(10.0), 400.0);
  EXPECT_EQ(trace.rate_at(25.0), 50.0);
}

TEST(WorkloadTrace, EndsAtTheFinalRowsTimeWithoutADuration) {
  const WorkloadTrace trace = parse_ok(kThreeSteps);
  EXPECT_EQ(trace.duration_s(), 30.0);
  EXPECT_EQ(trace.duration_ns(), 30'000'000'000);
  EXPECT_EQ(trace.rate_at(30.0), 0.0);
  EXPECT_EQ(trace.points().size(), 3u);
}

TEST(WorkloadTrace, ReportsZeroRateBeforeTheStartAndAfterTheEnd) {
  const WorkloadTrace trace = parse_ok(kThreeSteps);
  EXPECT_EQ(trace.rate_at(-1.0), 0.0);
  EXPECT_EQ(trace.rate_at(1e6), 0.0);
}

TEST(WorkloadTrace, HoldsTheFinalRateUntilALongerDuration) {
  const WorkloadTrace trace = parse_ok("time_s,rate_rps\n0,250\n", 60.0);
  EXPECT_EQ(trace.duration_s(), 60.0);
  EXPECT_EQ(trace.rate_at(59.9), 250.0);
  EXPECT_DOUBLE_EQ(trace.expected_count(0.0, 60.0), 15'000.0);
}

TEST(WorkloadTrace, CutsRowsOffAtAShorterDuration) {
  const WorkloadTrace trace = parse_ok(kThreeSteps, 15.0);
  EXPECT_EQ(trace.duration_s(), 15.0);
  EXPECT_EQ(trace.points().size(), 2u);
  EXPECT_EQ(trace.rate_at(14.0), 400.0);
  EXPECT_EQ(trace.rate_at(16.0), 0.0);
}

TEST(WorkloadTrace, IntegratesTheRateOverAWindow) {
  const WorkloadTrace trace = parse_ok(kThreeSteps);
  EXPECT_DOUBLE_EQ(trace.expected_count(0.0, 30.0), 1000.0 + 4000.0 + 500.0);
  EXPECT_DOUBLE_EQ(trace.expected_count(5.0, 15.0), 500.0 + 2000.0);
  EXPECT_DOUBLE_EQ(trace.expected_count(-5.0, 1.0), 100.0);
}

TEST(WorkloadTrace, AcceptsWindowsLineEndingsBlankLinesAndSpaces) {
  const WorkloadTrace trace = parse_ok("time_s , rate_rps\r\n\r\n 0 , 1e2 \r\n  \n2.5,0\r\n");
  EXPECT_EQ(trace.rate_at(1.0), 100.0);
  EXPECT_EQ(trace.duration_s(), 2.5);
}

TEST(WorkloadTrace, AcceptsAFileWithoutHeader) {
  const WorkloadTrace trace = parse_ok("# comment\n0,100\n10,0\n");
  EXPECT_EQ(trace.rate_at(5.0), 100.0);
  EXPECT_EQ(trace.duration_s(), 10.0);
}

TEST(WorkloadTrace, RefusesAnotherFilesHeaderNamingTheLine) {
  EXPECT_THAT(
      parse_error("# a profile\nbatch_size,latency_ms\n1,5\n"),
      HasSubstr("trace.csv:2:1: 'batch_size,latency_ms': expected the header 'time_s,rate_rps' or a row of 2 numbers"));
}

TEST(WorkloadTrace, RefusesAnEmptyFile) {
  EXPECT_THAT(parse_error("# nothing\n\n"), HasSubstr("trace.csv:3:1: no data rows"));
}

TEST(WorkloadTrace, RefusesARowMissingItsRateAtTheEndOfTheLine) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n12.5\n"), HasSubstr("trace.csv:3:5: missing column rate_rps"));
}

TEST(WorkloadTrace, RefusesAHeaderWithoutRows) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n"), HasSubstr("no data rows"));
}

TEST(WorkloadTrace, RefusesARowWithTheWrongNumberOfFields) {
  const std::string message = parse_error("time_s,rate_rps\n0,100\n5,100,7\n");
  EXPECT_THAT(message, HasSubstr("trace.csv:3:7:"));
  EXPECT_THAT(message, HasSubstr("has 3 fields: expected 2"));
}

TEST(WorkloadTrace, RefusesANonNumberNamingTheColumnAndValue) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n5,fast\n"),
              HasSubstr("trace.csv:3:3: rate_rps 'fast': expected a finite number"));
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n5s,10\n"), HasSubstr("trace.csv:3:1: time_s '5s'"));
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,nan\n"), HasSubstr("trace.csv:2:3: rate_rps 'nan'"));
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,\n"), HasSubstr("trace.csv:2:3: rate_rps ''"));
}

TEST(WorkloadTrace, RefusesAFirstRowThatDoesNotStartAtZero) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n1,100\n5,0\n"), HasSubstr("trace.csv:2:1: time_s '1': expected 0"));
}

TEST(WorkloadTrace, RefusesTimesThatDoNotIncreaseStrictly) {
  const std::string message = parse_error("time_s,rate_rps\n0,100\n\n7.5,10\n7.5,20\n");
  EXPECT_THAT(message, HasSubstr("trace.csv:5:1: time_s '7.5': expected a time after the previous row's 7.5"));
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n5,10\n3,20\n"), HasSubstr("trace.csv:4:1:"));
}

TEST(WorkloadTrace, RefusesANegativeRate) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n5,-1\n"),
              HasSubstr("trace.csv:3:3: rate_rps '-1': expected a finite rate >= 0"));
}

TEST(WorkloadTrace, EscapesANulByteSoThatTheMessageIsWhole) {
  constexpr char kText[] = "time_s,rate_rps\n0,100\n5,1\0x\n";
  const std::string error = parse_error(std::string(kText, sizeof kText - 1));
  EXPECT_EQ(error.find('\0'), std::string::npos);
  EXPECT_THAT(error, HasSubstr("trace.csv:3:3: rate_rps '1\\0x': expected a finite number"));
}

TEST(WorkloadTrace, RefusesASingleRowWithoutADuration) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n"), HasSubstr("no length"));
}

TEST(WorkloadTrace, RefusesANonPositiveDuration) {
  EXPECT_THAT(parse_error("time_s,rate_rps\n0,100\n", 0.0), HasSubstr("duration_s 0: expected a finite value > 0"));
}

TEST(WorkloadTrace, BuildsFromPointsWithTheSameRules) {
  auto trace = WorkloadTrace::from_points({{0.0, 10.0}, {5.0, 20.0}}, "client.rate", 10.0);
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->rate_at(7.0), 20.0);
  auto bad = WorkloadTrace::from_points({{0.0, 10.0}, {5.0, 20.0}, {4.0, 1.0}}, "client.rate");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("client.rate: point 3: time_s '4'"));
}

TEST(WorkloadTrace, LoadsAFileAndNamesItInErrors) {
  const std::string path = ::testing::TempDir() + "pipescale_trace_" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream out(path);
    out << "time_s,rate_rps\n0,100\n5,x\n";
  }
  auto trace = WorkloadTrace::load(path);
  std::remove(path.c_str());
  ASSERT_FALSE(trace.ok());
  EXPECT_THAT(trace.error().message, HasSubstr(path + ":3:3: rate_rps 'x'"));
}

TEST(WorkloadTrace, NamesAMissingFile) {
  auto trace = WorkloadTrace::load("no/such/trace.csv");
  ASSERT_FALSE(trace.ok());
  EXPECT_THAT(trace.error().message, HasSubstr("no/such/trace.csv: cannot open"));
}

}  // namespace
}  // namespace pipescale::roles

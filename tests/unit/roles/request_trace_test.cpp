// Traces of individual requests: the `requests` layout (time_s and further columns) and the Azure
// LLM layout (TIMESTAMP,ContextTokens,GeneratedTokens). Every refusal names the line and column.
#include "roles/client/trace/request_trace.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>

namespace pipescale::roles {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::int64_t kS = 1'000'000'000;

std::string requests_error(const std::string& text) {
  auto trace = parse_requests_trace(text, "r.csv");
  EXPECT_FALSE(trace.ok());
  return trace ? std::string() : trace.error().message;
}

std::string llm_error(const std::string& text) {
  auto trace = parse_azure_llm_trace(text, "llm.csv");
  EXPECT_FALSE(trace.ok());
  return trace ? std::string() : trace.error().message;
}

TEST(RequestTrace, ReadsEachRequestsTimeAndIgnoresFurtherColumns) {
  auto trace =
      parse_requests_trace("# synthetic\nuser,time_s,note\nann,0.25,x\nbob,0.25,y # same time\nann,1.5,\n", "r.csv");
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  EXPECT_THAT(trace->times_ns, ElementsAre(kS / 4, kS / 4, 3 * kS / 2));
  EXPECT_TRUE(trace->tokens.empty());
}

TEST(RequestTrace, ReadsAFileWithoutHeaderByItsFirstColumn) {
  auto trace = parse_requests_trace("0\n0.001\n2\n", "r.csv");
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  EXPECT_THAT(trace->times_ns, ElementsAre(0, kS / 1000, 2 * kS));
}

TEST(RequestTrace, KeepsTokenColumnsWhenTheHeaderNamesThem) {
  auto trace = parse_requests_trace("time_s,generated_tokens,context_tokens\n0,20,300\n1,5,40\n", "r.csv");
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  EXPECT_THAT(trace->tokens, ElementsAre(TokenCounts{300, 20}, TokenCounts{40, 5}));
}

TEST(RequestTrace, RefusesABadNumberNamingLineAndColumn) {
  EXPECT_THAT(requests_error("id,time_s\n1,0.5\n2,1.x\n"), HasSubstr("r.csv:3:3: time_s '1.x': expected a number"));
  EXPECT_THAT(requests_error("time_s\n-1\n"), HasSubstr("r.csv:2:1: time_s '-1'"));
  EXPECT_THAT(requests_error("time_s,context_tokens\n1,many\n"), HasSubstr("r.csv:2:3: context_tokens 'many'"));
}

TEST(RequestTrace, RefusesAMissingColumnAtTheEndOfTheRow) {
  EXPECT_THAT(requests_error("time_s,context_tokens\n0.5,3\n1.25\n"),
              HasSubstr("r.csv:3:5: missing column context_tokens (field 2)"));
  EXPECT_THAT(requests_error("time_s\n0.5,7\n"), HasSubstr("r.csv:2:5: the row has 2 fields, the header 1"));
}

TEST(RequestTrace, RefusesADecreasingTime) {
  EXPECT_THAT(requests_error("time_s\n0.5\n1.0\n\n0.75\n"),
              HasSubstr("r.csv:5:1: time_s '0.75': expected a time at or after the previous row's"));
}

TEST(RequestTrace, RefusesAnEmptyFileAndAHeaderWithoutRequests) {
  EXPECT_THAT(requests_error(""), HasSubstr("r.csv:1:1: no requests"));
  EXPECT_THAT(requests_error("# only a comment\ntime_s\n"), HasSubstr("r.csv:3:1: no requests"));
}

TEST(RequestTrace, RefusesAHeaderWithoutTimeAndARateTrace) {
  EXPECT_THAT(requests_error("when,what\n1,2\n"), HasSubstr("r.csv:1:1: header 'when,what' has no time_s column"));
  EXPECT_THAT(requests_error("time_s,rate_rps\n0,100\n"), HasSubstr("r.csv:1:8: column rate_rps: a rate trace"));
}

TEST(AzureLlmTrace, ReplaysEachRowRelativeToTheFirstWithItsTokens) {
  auto trace = parse_azure_llm_trace(
      "TIMESTAMP,ContextTokens,GeneratedTokens\n"
      "2023-11-16 18:15:46.6805900,374,44\n"
      "2023-11-16 18:15:50.9951690,396,109\n"
      "2023-11-16 18:16:00.0000000,879,2\n",
      "llm.csv");
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  // 50.995169 - 46.68059 = 4.314579 s; 60 - 46.68059 = 13.31941 s.
  EXPECT_THAT(trace->times_ns, ElementsAre(0, 4'314'579'000, 13'319'410'000));
  EXPECT_THAT(trace->tokens, ElementsAre(TokenCounts{374, 44}, TokenCounts{396, 109}, TokenCounts{879, 2}));
}

TEST(AzureLlmTrace, RefusesEachMalformedRowNamingLineAndColumn) {
  const std::string header = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  EXPECT_THAT(llm_error(header + "2023-11-16 18:00:00,1,x\n"), HasSubstr("llm.csv:2:23: GeneratedTokens 'x'"));
  EXPECT_THAT(llm_error(header + "2023-11-16 18:00:00,1\n"), HasSubstr("llm.csv:2:22: missing column GeneratedTokens"));
  EXPECT_THAT(llm_error(header + "2023-11-16 18:00:02,1,1\n2023-11-16 18:00:01,1,1\n"),
              HasSubstr("llm.csv:3:1: TIMESTAMP '2023-11-16 18:00:01': expected a time at or after"));
  EXPECT_THAT(llm_error(header + "yesterday,1,1\n"), HasSubstr("llm.csv:2:1: TIMESTAMP 'yesterday'"));
  EXPECT_THAT(llm_error(""), HasSubstr("llm.csv:1:1: empty"));
  EXPECT_THAT(llm_error("time_s\n1\n"), HasSubstr("llm.csv:1:1: header 'time_s'"));
}

TEST(AzureLlmTrace, ReadsTimestampsWithZonesAndPlainSeconds) {
  EXPECT_EQ(parse_timestamp_ns("1970-01-01 00:00:01"), kS);
  EXPECT_EQ(parse_timestamp_ns("1970-01-02T00:00:00.5Z"), 86'400 * kS + kS / 2);
  EXPECT_EQ(parse_timestamp_ns("1970-01-01 01:00:00+01:00"), 0);
  EXPECT_EQ(parse_timestamp_ns("12.25"), 12 * kS + kS / 4);
  EXPECT_FALSE(parse_timestamp_ns("2023-02-30 00:00:00").has_value());
  EXPECT_FALSE(parse_timestamp_ns("2023-01-01 00:00:00 PST").has_value());
}

// Found by fuzz_trace (tests/fuzz/corpus/fuzz_trace/crash-timestamp-year-4046): nanoseconds since
// 1970 overflowed 64 bits. Dates beyond about 290 years from 1970 are refused.
TEST(AzureLlmTrace, RefusesATimestampWhoseNanosecondsOverflow) {
  EXPECT_FALSE(parse_timestamp_ns("4046-11-16 18:15:46.6805900").has_value());
  EXPECT_FALSE(parse_timestamp_ns("1000-01-01 00:00:00").has_value());
  EXPECT_EQ(parse_timestamp_ns("2200-01-01 00:00:00"), std::int64_t{84'006} * 86'400 * kS);
}

}  // namespace
}  // namespace pipescale::roles

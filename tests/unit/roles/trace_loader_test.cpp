// Any trace format with a window and a time scale: what the Client replays is the file's part in
// [start_s, start_s + duration_s), shifted to 0, its times multiplied by time_scale (rates divided
// by it), and cut at the run's end.
#include "roles/client/trace/trace_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <variant>

#include "roles/client/trace/request_source.hpp"

namespace pipescale::roles {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::int64_t kMs = 1'000'000;

TraceSpec spec_of(TraceFormat format, TraceWindow window = {}, std::optional<double> run_s = std::nullopt) {
  TraceSpec spec;
  spec.format = format;
  spec.window = window;
  spec.run_duration_s = run_s;
  return spec;
}

RequestTrace requests(const std::string& text, const TraceSpec& spec) {
  auto trace = parse_trace(text, "t.csv", spec);
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  if (!trace || !std::holds_alternative<RequestTrace>(*trace)) return {};
  return std::get<RequestTrace>(*trace);
}

WorkloadTrace rate(const std::string& text, const TraceSpec& spec) {
  auto trace = parse_trace(text, "t.csv", spec);
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  return std::get<WorkloadTrace>(std::move(*trace));
}

const std::string kRequests = "time_s\n0\n1\n2\n3\n4\n5\n";

TEST(TraceLoader, ReplaysRequestsAtTheirTimesAndCutsThemAtTheRunsEnd) {
  EXPECT_THAT(requests(kRequests, spec_of(TraceFormat::kRequests, {}, 3.0)).times_ns,
              ElementsAre(0, 1000 * kMs, 2000 * kMs));
}

TEST(TraceLoader, CutsAWindowOfRequestsAndScalesItsTimes) {
  // From 2 s for 3 s (2, 3, 4), shifted to 0 and replayed at a tenth of the time.
  EXPECT_THAT(requests(kRequests, spec_of(TraceFormat::kRequests, {0.1, 2.0, 3.0})).times_ns,
              ElementsAre(0, 100 * kMs, 200 * kMs));
  // Without a duration the window runs to the end of the file.
  EXPECT_THAT(requests(kRequests, spec_of(TraceFormat::kRequests, {2.0, 4.5, std::nullopt})).times_ns,
              ElementsAre(1000 * kMs));
}

TEST(TraceLoader, KeepsEachRequestsTokensThroughTheWindow) {
  const std::string llm =
      "TIMESTAMP,ContextTokens,GeneratedTokens\n"
      "2024-05-10 00:00:00,10,1\n2024-05-10 00:00:01,20,2\n2024-05-10 00:00:02,30,3\n";
  const RequestTrace trace = requests(llm, spec_of(TraceFormat::kAzureLlm, {1.0, 1.0, std::nullopt}));
  EXPECT_THAT(trace.times_ns, ElementsAre(0, 1000 * kMs));
  EXPECT_THAT(trace.tokens, ElementsAre(TokenCounts{20, 2}, TokenCounts{30, 3}));
}

TEST(TraceLoader, RefusesAWindowWithNoRequestInIt) {
  auto trace = parse_trace(kRequests, "t.csv", spec_of(TraceFormat::kRequests, {1.0, 10.0, 5.0}));
  ASSERT_FALSE(trace.ok());
  EXPECT_THAT(trace.error().message, HasSubstr("t.csv: no request falls in the window"));
}

TEST(TraceLoader, CompressesARateTraceKeepingItsCount) {
  // 100/s for 10 s then 300/s for 10 s: at half the time, 200/s for 5 s and 600/s for 5 s.
  const WorkloadTrace trace =
      rate("time_s,rate_rps\n0,100\n10,300\n20,0\n", spec_of(TraceFormat::kRate, {0.5, 0.0, std::nullopt}));
  EXPECT_DOUBLE_EQ(trace.duration_s(), 10.0);
  EXPECT_DOUBLE_EQ(trace.rate_at(4.9), 200.0);
  EXPECT_DOUBLE_EQ(trace.rate_at(5.0), 600.0);
  EXPECT_DOUBLE_EQ(trace.expected_count(0.0, 10.0), 4000.0);
}

TEST(TraceLoader, CutsAWindowOfARateTraceThatEndsWithIt) {
  // From 5 s for 10 s: 100/s until the file's 10 s, then 300/s; nothing after the window,
  // however long the run.
  const WorkloadTrace trace =
      rate("time_s,rate_rps\n0,100\n10,300\n20,0\n", spec_of(TraceFormat::kRate, {1.0, 5.0, 10.0}, 60.0));
  EXPECT_DOUBLE_EQ(trace.rate_at(4.9), 100.0);
  EXPECT_DOUBLE_EQ(trace.rate_at(5.0), 300.0);
  EXPECT_DOUBLE_EQ(trace.rate_at(10.0), 0.0);
  EXPECT_DOUBLE_EQ(trace.expected_count(0.0, 60.0), 2000.0);
}

TEST(TraceLoader, ScalesAnAzureFunctionsDay) {
  // Two minutes of 120 and 60 invocations replayed at 1/60 of the time: 2 s at 120/s and 60/s.
  const WorkloadTrace trace = rate("HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,120,60\n",
                                   spec_of(TraceFormat::kAzureFunctions, {1.0 / 60.0, 0.0, std::nullopt}, 10.0));
  EXPECT_DOUBLE_EQ(trace.rate_at(0.5), 120.0);
  EXPECT_DOUBLE_EQ(trace.rate_at(1.5), 60.0);
  EXPECT_NEAR(trace.expected_count(0.0, 10.0), 180.0, 1e-9);
}

TEST(TraceLoader, NamesAMissingFile) {
  TraceSpec spec = spec_of(TraceFormat::kRequests);
  spec.path = "no/such/requests.csv";
  auto trace = load_trace(spec);
  ASSERT_FALSE(trace.ok());
  EXPECT_THAT(trace.error().message, HasSubstr("no/such/requests.csv: cannot open"));
}

// client.repeat: the first `count` send times of the source, in ms.
std::vector<std::int64_t> first_sends_ms(RequestTrace trace, std::size_t count) {
  RequestSource source(std::move(trace));
  std::vector<std::int64_t> times;
  while (times.size() < count) {
    const auto t = source.next_ns();
    if (!t) break;
    times.push_back(*t / kMs);
  }
  return times;
}

TraceSpec repeated(TraceFormat format, TraceWindow window, double run_s) {
  TraceSpec spec = spec_of(format, window, run_s);
  spec.repeat = true;
  return spec;
}

TEST(TraceLoader, RepeatsARequestTraceWithItsWindowAsThePeriod) {
  // 0, 1 and 2 s of the window [0, 3), again from 3 s, 6 s, ...: the run's 10 s do not cut it.
  const RequestTrace trace = requests(kRequests, repeated(TraceFormat::kRequests, {1.0, 0.0, 3.0}, 10.0));
  EXPECT_EQ(trace.period_ns, 3000 * kMs);
  EXPECT_THAT(first_sends_ms(trace, 8), ElementsAre(0, 1000, 2000, 3000, 4000, 5000, 6000, 7000));
}

TEST(TraceLoader, RepeatsARequestTraceWithoutAWindowOneMeanGapAfterItsLastRequest) {
  // Requests at 0 .. 5 s, 1 s apart: the period is 6 s, so 6 s comes 1 s after 5 s.
  const RequestTrace trace = requests(kRequests, repeated(TraceFormat::kRequests, {}, 3.0));
  EXPECT_EQ(trace.period_ns, 6000 * kMs);
  EXPECT_THAT(first_sends_ms(trace, 8), ElementsAre(0, 1000, 2000, 3000, 4000, 5000, 6000, 7000));
}

TEST(TraceLoader, RepeatsEachRequestsTokensWithIt) {
  const std::string llm =
      "TIMESTAMP,ContextTokens,GeneratedTokens\n"
      "2024-05-10 00:00:00,10,1\n2024-05-10 00:00:01,20,2\n";
  RequestSource source(requests(llm, repeated(TraceFormat::kAzureLlm, {}, 60.0)));
  EXPECT_EQ(source.tokens(2), (TokenCounts{10, 1}));
  EXPECT_EQ(source.tokens(5), (TokenCounts{20, 2}));
}

TEST(TraceLoader, RefusesToRepeatASingleRequestWithoutAWindow) {
  auto trace = parse_trace("time_s\n1\n", "t.csv", repeated(TraceFormat::kRequests, {}, 10.0));
  ASSERT_FALSE(trace.ok());
  EXPECT_THAT(trace.error().message, HasSubstr("t.csv: client.repeat: a trace of one request has no period"));
}

TEST(TraceLoader, ARepeatedRateTraceKeepsItsOwnLengthAsThePeriod) {
  const WorkloadTrace trace = rate("time_s,rate_rps\n0,100\n2,0\n", repeated(TraceFormat::kRate, {}, 10.0));
  EXPECT_DOUBLE_EQ(trace.duration_s(), 2.0);
  // A single row is a constant rate, the same repeated or not: it takes the run's length.
  EXPECT_DOUBLE_EQ(rate("time_s,rate_rps\n0,100\n", repeated(TraceFormat::kRate, {}, 10.0)).duration_s(), 10.0);
}

}  // namespace
}  // namespace pipescale::roles

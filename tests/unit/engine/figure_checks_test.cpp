// The checks a summary passes before it is written: each impossible figure gives one reason
// naming it and its value; possible figures give none.
#include "engine/runtime/figure_checks.hpp"

#include <cmath>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <limits>

#include "engine/runtime/results.hpp"

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// 100 sent: 90 completed (80 in time), 6 dropped, 4 failed; latencies 10..90 ms.
Summary possible() {
  Summary summary;
  summary.sent = 100;
  summary.completed = 90;
  summary.completed_within_slo = 80;
  summary.dropped = 6;
  summary.failed = 4;
  summary.slo_attainment = 0.8;
  summary.goodput_rps = 40.0;
  summary.throughput_rps = 45.0;
  summary.latency =
      LatencySummary{90, 10'000'000, 30'000'000.0, 20'000'000, 50'000'000, 80'000'000, 90'000'000, 90'000'000};
  return summary;
}

TEST(FigureChecks, APossibleSummaryIsValid) {
  FigureValidity validity;
  check_summary(validity, possible(), 2.0);
  EXPECT_TRUE(validity.valid());
  EXPECT_THAT(validity.invalid_reasons, IsEmpty());
}

// What a scribbled statistics block gave: sent 15207399269619695407 is possible alone, but
// completed above sent is not.
TEST(FigureChecks, ACountAboveSentIsNamedWithBothValues) {
  Summary summary = possible();
  summary.completed = 120;
  summary.completed_within_slo = 80;
  FigureValidity validity;
  check_summary(validity, summary, 2.0);
  EXPECT_THAT(validity.invalid_reasons, ElementsAre("completed 120 exceeds sent 100"));
}

TEST(FigureChecks, OutcomesThatTogetherExceedSentAreInvalid) {
  Summary summary = possible();
  summary.dropped = 8;  // 90 + 8 + 4 = 102
  FigureValidity validity;
  check_summary(validity, summary, 2.0);
  EXPECT_THAT(validity.invalid_reasons, ElementsAre("completed + dropped + failed 102 exceeds sent 100"));
}

TEST(FigureChecks, ANegativeElapsedTimeAndANanRateAreInvalid) {
  Summary summary = possible();
  summary.goodput_rps = std::numeric_limits<double>::quiet_NaN();
  FigureValidity validity;
  check_summary(validity, summary, -0.5);
  ASSERT_EQ(validity.invalid_reasons.size(), 2U);
  EXPECT_EQ(validity.invalid_reasons[0], "elapsed_s is -0.5, expected a finite figure >= 0");
  EXPECT_THAT(validity.invalid_reasons[1], HasSubstr("goodput_rps is nan"));
}

TEST(FigureChecks, QuantilesOutOfOrderAreNamedPairByPair) {
  Summary summary = possible();
  summary.latency.p99_ns = 40'000'000;  // below p90 (50 ms)
  FigureValidity validity;
  check_summary(validity, summary, 2.0);
  EXPECT_THAT(validity.invalid_reasons, ElementsAre("latency: p99 40000000 ns is below p90 50000000 ns"));
}

TEST(FigureChecks, MoreLatencySamplesThanCompletionsAndAMeanAboveTheMaxAreInvalid) {
  Summary summary = possible();
  summary.latency.count = 91;
  summary.latency.mean_ns = 95'000'000.0;
  FigureValidity validity;
  check_summary(validity, summary, 2.0);
  EXPECT_THAT(validity.invalid_reasons,
              ElementsAre("latency.count 91 exceeds 90", "latency.mean lies outside [0, max]"));
}

TEST(FigureChecks, AttainmentOutsideZeroToOneIsInvalid) {
  Summary summary = possible();
  summary.slo_attainment = 1.5;
  FigureValidity validity;
  check_summary(validity, summary, 2.0);
  ASSERT_EQ(validity.invalid_reasons.size(), 1U);
  EXPECT_THAT(validity.invalid_reasons[0], HasSubstr("slo_attainment 1.5"));
}

TEST(FigureChecks, TheJsonAndTheTableSayWhy) {
  FigureValidity validity;
  validity.invalidate("data loss: worker0.0 closed 1 connection(s)");
  JsonWriter json;
  json.begin_object();
  validity_json(json, validity);
  json.end_object();
  EXPECT_THAT(json.str(), HasSubstr("\"valid\": false"));
  EXPECT_THAT(json.str(), HasSubstr("\"invalid_reasons\": [\"data loss: worker0.0 closed 1 connection(s)\"]"));
  EXPECT_EQ(validity_lines(validity), "  INVALID figures: data loss: worker0.0 closed 1 connection(s)\n");
  EXPECT_EQ(validity_lines(FigureValidity{}), "");
}

}  // namespace
}  // namespace pipescale::engine

#include "engine/runtime/metrics_exposition.hpp"

#include <algorithm>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "base/metrics/latency_histogram.hpp"
#include "engine/runtime/topology.hpp"

namespace pipescale::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kMs = 1'000'000;

PipelineConfig two_stages() {
  PipelineConfig config;
  config.run.slo_ms = 200.0;
  for (const char* name : {"detect", "classify"}) {
    StageConfig stage;
    stage.name = name;
    stage.profile = {{1, 5.0}};
    stage.workers_min = 1;
    stage.workers_max = 2;
    stage.max_batch = 1;
    config.stages.push_back(stage);
  }
  return config;
}

class MetricsExpositionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto local = LocalBoard::create(make_topology(config_), BoardSize{.rows = 4});
    ASSERT_TRUE(local.ok()) << local.error().message;
    local_.emplace(std::move(*local));
  }
  [[nodiscard]] const Board& board() const { return local_->board(); }
  [[nodiscard]] std::string text() const { return prometheus_text(board(), config_); }

  PipelineConfig config_ = two_stages();
  std::optional<LocalBoard> local_;
};

TEST_F(MetricsExpositionTest, CountsTheClientsOutcomesByStageAndReason) {
  roles::ClientStats& client = *board().client;
  client.sent.set(10);
  client.completed.set(7);
  client.within_slo.set(6);
  client.drops[0][2].set(2);  // deadline_expired at detect
  client.failures[1].set(1);

  const std::string exposition = text();

  EXPECT_THAT(exposition, HasSubstr("\npipescale_requests_sent_total 10\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_requests_completed_total 7\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_requests_completed_within_slo_total 6\n"));
  EXPECT_THAT(exposition,
              HasSubstr("\npipescale_requests_dropped_total{stage=\"detect\",reason=\"deadline_expired\"} 2\n"));
  EXPECT_THAT(exposition,
              HasSubstr("\npipescale_requests_dropped_total{stage=\"classify\",reason=\"queue_full\"} 0\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_requests_failed_total{stage=\"classify\"} 1\n"));
  EXPECT_THAT(exposition, Not(HasSubstr("reason=\"none\"")));
}

TEST_F(MetricsExpositionTest, ShowsEachStagesFlowAndGauges) {
  roles::FrontendStats& detect = *board().frontends[0];
  detect.arrivals.set(12);
  detect.queue_length.set(3);
  detect.active_workers.set(2);
  detect.warming_workers.set(1);
  detect.batch_size.set(4);
  detect.hop_cost_ns.set(250'000);
  board().workers[0][0]->requests.set(5);
  board().workers[0][1]->requests.set(4);
  board().workers[0][1]->busy_ns.set(1500 * kMs);

  const std::string exposition = text();

  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_arrivals_total{stage=\"detect\"} 12\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_completions_total{stage=\"detect\"} 9\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_busy_seconds_total{stage=\"detect\"} 1.5\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_queue_length{stage=\"detect\"} 3\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_active_workers{stage=\"detect\"} 2\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_warming_workers{stage=\"detect\"} 1\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_batch_size{stage=\"detect\"} 4\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_hop_cost_seconds{stage=\"detect\"} 0.00025\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_hop_cost_seconds{stage=\"classify\"} 0\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_stage_queue_length{stage=\"classify\"} 0\n"));
}

// Bounds at fractions and multiples of the 200 ms SLO. The histogram knows a value to its bucket of
// 1/128: 50 ms and 300 ms sit in buckets that reach past 50 and 300 ms, so they count from the next
// bound on; 150 ms is well inside 180 ms.
TEST_F(MetricsExpositionTest, BucketsLatencyAtMultiplesOfTheSlo) {
  LatencyHistogram latency;
  latency.record_n(50 * kMs, 3);
  latency.record_n(150 * kMs, 3);
  latency.record(300 * kMs);
  board().client->latency_bins.publish(latency);

  const std::string exposition = text();

  const char* expected[] = {"{le=\"0.02\"} 0", "{le=\"0.05\"} 0", "{le=\"0.1\"} 3", "{le=\"0.15\"} 3",
                            "{le=\"0.18\"} 6", "{le=\"0.2\"} 6",  "{le=\"0.3\"} 6", "{le=\"0.4\"} 7",
                            "{le=\"1\"} 7",    "{le=\"+Inf\"} 7"};
  for (const char* bucket : expected) {
    EXPECT_THAT(exposition, HasSubstr(std::string("\npipescale_request_latency_seconds_bucket") + bucket + "\n"));
  }
  EXPECT_THAT(exposition, HasSubstr("\npipescale_request_latency_seconds_sum 0.9\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_request_latency_seconds_count 7\n"));
  EXPECT_THAT(exposition, HasSubstr("\npipescale_slo_seconds 0.2\n"));
}

TEST(SloBucketBoundsTest, AreIncreasingAndIncludeTheSloItself) {
  const std::vector<double> bounds = slo_bucket_bounds_s(250.0);
  ASSERT_FALSE(bounds.empty());
  for (std::size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
  EXPECT_NE(std::find(bounds.begin(), bounds.end(), 0.25), bounds.end());
}

// Every sample's family (a histogram's _bucket, _sum and _count belong to it) has HELP and TYPE
// lines before its first sample, and every name keeps to Prometheus's alphabet.
TEST_F(MetricsExpositionTest, EveryMetricHasHelpAndTypeLinesFirst) {
  std::istringstream lines(text());
  std::string line;
  std::set<std::string> helped;
  std::set<std::string> typed;
  int samples = 0;
  while (std::getline(lines, line)) {
    ASSERT_FALSE(line.empty());
    if (line.rfind("# HELP ", 0) == 0) {
      helped.insert(line.substr(7, line.find(' ', 7) - 7));
    } else if (line.rfind("# TYPE ", 0) == 0) {
      typed.insert(line.substr(7, line.find(' ', 7) - 7));
    } else {
      std::string name = line.substr(0, line.find_first_of("{ "));
      EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s = suffix;
        if (!typed.contains(name) && name.size() > s.size() && name.ends_with(s)) name.resize(name.size() - s.size());
      }
      EXPECT_TRUE(helped.contains(name)) << "no HELP before " << line;
      EXPECT_TRUE(typed.contains(name)) << "no TYPE before " << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 40);
  EXPECT_EQ(helped, typed);
}

TEST(EscapeLabelValueTest, EscapesBackslashQuoteAndLineFeed) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("detect-2"), "detect-2");
}

}  // namespace
}  // namespace pipescale::engine

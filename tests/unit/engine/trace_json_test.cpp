// trace.json from a board filled by hand: each table's records become the events the Perfetto UI
// draws, on the right tracks, with times in microseconds since the run's start.
#include "engine/runtime/trace_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace pipescale::engine {
namespace {

constexpr std::int64_t kStart = 7'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

class TraceJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StageConfig stage;
    stage.name = "model";
    stage.profile = {{1, 10.0}};
    stage.workers_max = 2;
    config_.stages = {stage};
    config_.run.seed = 1;
    config_.run.trace_sample = 1.0;
    topology_ = make_topology(config_);
    auto local = LocalBoard::create(
        topology_, BoardSize{.rows = 2, .request_log_entries = 1, .timeline_records = 2, .stage_count = 1});
    ASSERT_TRUE(local.ok());
    local_.emplace(std::move(*local));
  }
  const Board& board() const { return local_->board(); }
  std::uint64_t worker_id(int index) const { return topology_.find(worker_name(0, index))->worker_id; }
  nlohmann::json parse(TraceCounts& counts) const {
    return nlohmann::json::parse(trace_json({&config_, &topology_, &board(), kStart}, counts));
  }
  // The events of phase `ph` named `name`.
  static std::vector<nlohmann::json> events(const nlohmann::json& trace, const std::string& ph,
                                            const std::string& name) {
    std::vector<nlohmann::json> found;
    for (const auto& event : trace["traceEvents"]) {
      if (event["ph"] == ph && event["name"] == name) found.push_back(event);
    }
    return found;
  }

  PipelineConfig config_;
  Topology topology_;
  std::optional<LocalBoard> local_;
};

TEST_F(TraceJsonTest, ABatchIsACompleteEventOnItsWorkersThreadWithItsSizeAndTrigger) {
  board().worker_timelines[0][1]->append(
      {kStart + 2 * kMs, kStart + 12 * kMs, 99, 3, roles::WorkerSpanKind::kBatch, 2});
  board().worker_timelines[0][1]->append({kStart - 5 * kMs, kStart, 0, 0, roles::WorkerSpanKind::kWarming, 0});
  TraceCounts counts;
  const auto trace = parse(counts);
  const auto batches = events(trace, "X", "batch 3");
  ASSERT_EQ(batches.size(), 1U);
  EXPECT_EQ(batches[0]["pid"], 1);
  EXPECT_EQ(batches[0]["tid"], worker_id(1));
  EXPECT_DOUBLE_EQ(batches[0]["ts"].get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(batches[0]["dur"].get<double>(), 10000.0);
  EXPECT_EQ(batches[0]["args"]["trigger"], "deadline");
  EXPECT_EQ(batches[0]["args"]["batch_id"], 99);
  const auto warming = events(trace, "X", "warming up");
  ASSERT_EQ(warming.size(), 1U);
  EXPECT_DOUBLE_EQ(warming[0]["ts"].get<double>(), -5000.0);
  EXPECT_EQ(counts.batches, 1U);
  EXPECT_EQ(trace["otherData"]["batches"], 1);
}

TEST_F(TraceJsonTest, FrontendSamplesAreCountersAndDecisionsInstants) {
  board().frontend_timelines[0]->append({kStart + kMs, 7, 4, 4, 2});
  board().scheduler_timeline->append({kStart + 3 * kMs, 5, 120.0, 80 * kMs, 8, 3, 0});
  TraceCounts counts;
  const auto trace = parse(counts);
  const auto queue = events(trace, "C", "model queue length");
  ASSERT_EQ(queue.size(), 1U);
  EXPECT_EQ(queue[0]["args"]["requests"], 7);
  EXPECT_EQ(events(trace, "C", "model batch size")[0]["args"]["in force"], 4);
  const auto decisions = events(trace, "i", "decision model");
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(decisions[0]["args"]["batch_size"], 8);
  EXPECT_EQ(decisions[0]["args"]["workers"], 3);
  EXPECT_DOUBLE_EQ(decisions[0]["args"]["budget_ms"].get<double>(), 80.0);
}

TEST_F(TraceJsonTest, ADrawnRequestHasItsPartsAndAFlowIntoTheBatchThatRanIt) {
  roles::RequestLogTable& log = *board().request_log;
  roles::RequestLogEntry& entry = *log.claim();
  entry.request_id = 4;
  entry.visit_count = 1;
  const std::int64_t a = kStart + 10 * kMs;
  log.visits(entry)[0] =
      schema::StageVisit(schema::StageTimestamps(a, a + kMs, a + 3 * kMs, a + 13 * kMs), 99, worker_id(0), 1);
  TraceCounts counts;
  const auto trace = parse(counts);
  EXPECT_EQ(counts.requests, 1U);
  const auto queueing = events(trace, "X", "queueing model");
  ASSERT_EQ(queueing.size(), 1U);
  EXPECT_EQ(queueing[0]["pid"], 1000);
  EXPECT_DOUBLE_EQ(queueing[0]["dur"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(events(trace, "X", "execution model")[0]["dur"].get<double>(), 10000.0);
  const auto start = events(trace, "s", "request");
  const auto finish = events(trace, "f", "request");
  ASSERT_EQ(start.size(), 1U);
  ASSERT_EQ(finish.size(), 1U);
  EXPECT_EQ(start[0]["id"], finish[0]["id"]);
  EXPECT_EQ(finish[0]["tid"], worker_id(0));
  EXPECT_DOUBLE_EQ(finish[0]["ts"].get<double>(), 18000.0);  // inside the batch: started 13 ms, finished 23 ms
}

TEST_F(TraceJsonTest, RecordsAFullTableCouldNotKeepAreCounted) {
  for (int i = 0; i < 5; ++i) board().frontend_timelines[0]->append({kStart, 1, 1, 0, 1});
  TraceCounts counts;
  const auto trace = parse(counts);
  EXPECT_EQ(events(trace, "C", "model queue length").size(), 2U);
  EXPECT_EQ(trace["otherData"]["records_not_kept"], 3);
}

}  // namespace
}  // namespace pipescale::engine

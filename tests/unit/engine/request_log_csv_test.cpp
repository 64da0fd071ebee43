// requests.csv.gz's rows: the header, each kind of outcome written cell by cell, and times as
// exact milliseconds since the run's start.
#include "engine/runtime/request_log_csv.hpp"

#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <vector>

namespace pipescale::engine {
namespace {

constexpr std::int64_t kStart = 5'000'000'000;  // the run's t = 0
constexpr std::int64_t kMs = 1'000'000;

class RequestLogCsvTest : public ::testing::Test {
 protected:
  RequestLogCsvTest()
      : memory_(roles::RequestLogTable::bytes_for(1, 2) / sizeof(std::uint64_t) + 1, 0),
        table_(roles::RequestLogTable::create(memory_.data(), 1, 2)),
        entry_(*table_->claim()) {
    format_.start_ns = kStart;
    format_.slo_ns = 100 * kMs;
    format_.stage_names = {"detect", "classify"};
    entry_.request_id = 17;
    entry_.counted = 1;
    entry_.intended_send_ns = kStart + 10 * kMs;
    entry_.actual_send_ns = kStart + 10 * kMs + 250;
  }
  std::string row() const {
    std::string out;
    append_request_log_row(out, format_, *table_, entry_);
    return out;
  }
  void visit(std::size_t stage, std::int64_t arrived_ms, std::uint64_t batch, std::uint32_t size) {
    const std::int64_t a = kStart + arrived_ms * kMs;
    table_->visits(entry_)[stage] =
        schema::StageVisit(schema::StageTimestamps(a, a + kMs, a + 2 * kMs, a + 5 * kMs), batch, 3, size);
    entry_.visit_count = static_cast<std::uint16_t>(stage + 1);
  }

  std::vector<std::uint64_t> memory_;
  roles::RequestLogTable* table_;
  roles::RequestLogEntry& entry_;
  RequestLogFormat format_;
};

TEST_F(RequestLogCsvTest, TheHeaderNamesTheRequestsColumnsThenSevenPerStage) {
  EXPECT_EQ(request_log_header(format_),
            "id,counted,outcome,outcome_stage,drop_reason,failure_status,intended_ms,sent_ms,decided_ms,end_ms,"
            "latency_ms,within_slo,context_tokens,generated_tokens,"
            "detect_arrived_ms,detect_batched_ms,detect_started_ms,detect_finished_ms,detect_batch_id,"
            "detect_worker_id,detect_batch_size,"
            "classify_arrived_ms,classify_batched_ms,classify_started_ms,classify_finished_ms,classify_batch_id,"
            "classify_worker_id,classify_batch_size\n");
}

TEST_F(RequestLogCsvTest, ACompletedRequestHasEveryStampAndItsLatency) {
  visit(0, 11, 101, 4);
  visit(1, 17, 202, 8);
  entry_.outcome = schema::Outcome::Completed;
  entry_.outcome_stage = 1;
  entry_.decided_ns = kStart + 22 * kMs;
  entry_.returned_ns = kStart + 22 * kMs + 1500;
  entry_.returned = 1;
  EXPECT_EQ(row(),
            "17,1,completed,classify,,,10.000000,10.000250,22.000000,22.001500,12.001500,1,,,"
            "11.000000,12.000000,13.000000,16.000000,101,3,4,"
            "17.000000,18.000000,19.000000,22.000000,202,3,8\n");
}

TEST_F(RequestLogCsvTest, ADropNamesItsStageAndReasonAndLeavesTheStagesItNeverReachedEmpty) {
  table_->visits(entry_)[0] = schema::StageVisit(schema::StageTimestamps(kStart + 11 * kMs, 0, 0, 0), 0, 0, 0);
  entry_.visit_count = 2;  // the second visit is all zero
  entry_.outcome = schema::Outcome::Dropped;
  entry_.outcome_stage = 0;
  entry_.drop_reason = schema::DropReason::DeadlineUnreachable;
  entry_.decided_ns = kStart + 11 * kMs;
  entry_.returned_ns = kStart + 11 * kMs + 40;
  entry_.returned = 1;
  EXPECT_EQ(row(),
            "17,1,dropped,detect,deadline_unreachable,,10.000000,10.000250,11.000000,11.000040,1.000040,0,,,"
            "11.000000,,,,,,,"
            ",,,,,,\n");
}

TEST_F(RequestLogCsvTest, AFailureNamesItsStatusAndOneThatNeverCameBackSaysUnreturned) {
  entry_.outcome = schema::Outcome::Failed;
  entry_.failure_status = 14;
  entry_.decided_ns = kStart + 30 * kMs;
  entry_.returned_ns = kStart + 30 * kMs;
  entry_.returned = 1;
  EXPECT_EQ(row(),
            "17,1,failed,detect,,UNAVAILABLE,10.000000,10.000250,30.000000,30.000000,20.000000,0,,,,,,,,,,,,,,,,\n");

  entry_.returned = 0;
  entry_.unreturned = 1;
  entry_.failure_status = 0;
  entry_.decided_ns = kStart + 900 * kMs;
  EXPECT_EQ(row(), "17,1,failed,,,unreturned,10.000000,10.000250,900.000000,,,0,,,,,,,,,,,,,,,,\n");
}

TEST_F(RequestLogCsvTest, TokenCountsTheTraceGaveFillTheirColumnsAndAMissingOneStaysEmpty) {
  entry_.outcome = schema::Outcome::Failed;
  entry_.failure_status = 14;
  entry_.decided_ns = kStart + 30 * kMs;
  entry_.returned_ns = kStart + 30 * kMs;
  entry_.returned = 1;
  entry_.has_tokens = 1;
  entry_.context_tokens = 4096;
  entry_.generated_tokens = -1;  // the trace left this one out
  EXPECT_EQ(row(),
            "17,1,failed,detect,,UNAVAILABLE,10.000000,10.000250,30.000000,30.000000,20.000000,0,4096,,"
            ",,,,,,,,,,,,,\n");
}

TEST(AppendMsSinceTest, ACorruptStampNeverOverflowsAndOneThatCannotBeSubtractedLeavesTheCellEmpty) {
  std::string out;
  append_ms_since(out, std::numeric_limits<std::int64_t>::min(), 7);  // the difference does not fit
  EXPECT_EQ(out, "");
  append_ms_since(out, std::numeric_limits<std::int64_t>::min() + 1, 1);  // it just fits: INT64_MIN
  EXPECT_EQ(out, "-9223372036854.775808");
}

TEST(AppendMsSinceTest, WritesNanosecondsExactlyAndNothingForZero) {
  std::string out;
  append_ms_since(out, 1'234'567'891 + 7, 7);
  EXPECT_EQ(out, "1234.567891");
  out.clear();
  append_ms_since(out, 5, 2'000'000'005);
  EXPECT_EQ(out, "-2000.000000");
  out.clear();
  append_ms_since(out, 0, 7);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace pipescale::engine

#include "engine/runtime/compare_command.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/scratch_dir.hpp"
#include "tests/unit/engine/summary_json_fixture.hpp"

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Json = nlohmann::ordered_json;

std::string trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The cells of the table row whose metric is `label`: {metric, A, B, B - A, change}; empty when
// there is no such row.
std::vector<std::string> row_cells(const std::string& table, const std::string& label) {
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream parts(line);
    std::string cell;
    while (std::getline(parts, cell, '|')) cells.push_back(trim(cell));
    if (cells.size() == 5 && cells[0] == label) return cells;
  }
  return {};
}

class CompareCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    b_json_["completed"] = 8700;
    b_json_["slo_attainment"] = 0.9;
    b_json_["latency_ms"]["p99"] = 231.0;
    // B adds a third stage, "rank", with one kind of drop.
    b_json_["drops_by_stage"]["rank"] = {{"total", 7}, {"deadline_unreachable", 0}, {"queue_full", 7}};
    b_json_["worker_seconds"]["rank"] = 12.0;
  }

  // Writes both folders and runs the command; keeps what it printed.
  int compare(bool json = false) {
    test::write_summary(dir_a(), a_json_);
    test::write_summary(dir_b(), b_json_);
    std::ostringstream out;
    std::ostringstream err;
    const int status = compare_runs({dir_a(), dir_b(), json}, out, err);
    out_ = out.str();
    err_ = err.str();
    return status;
  }

  [[nodiscard]] std::filesystem::path dir_a() const { return scratch_.path() / "a"; }
  [[nodiscard]] std::filesystem::path dir_b() const { return scratch_.path() / "b"; }

  test::ScratchDir scratch_{"pipescale-compare"};
  Json a_json_ = test::run_summary_json();
  Json b_json_ = test::run_summary_json();
  std::string out_;
  std::string err_;
};

TEST_F(CompareCommandTest, ExitsZeroAndNamesBothRunsAboveTheTable) {
  b_json_["scheduler_enabled"] = false;
  b_json_["transport"] = "grpc";

  ASSERT_EQ(compare(), 0) << err_;

  EXPECT_THAT(out_, HasSubstr(std::string("A: ") + dir_a().string() +
                              "  (run, 60 s, transport shm, scheduler on, SLO 250 ms)\n"));
  EXPECT_THAT(out_, HasSubstr(std::string("B: ") + dir_b().string() +
                              "  (run, 60 s, transport grpc, scheduler off, SLO 250 ms)\n"));
  EXPECT_THAT(row_cells(out_, "metric"), ElementsAre("metric", "A", "B", "B - A", "change"));
}

TEST_F(CompareCommandTest, GivesTheAttainmentDifferenceInPercentagePoints) {
  ASSERT_EQ(compare(), 0) << err_;

  EXPECT_THAT(row_cells(out_, "SLO attainment"),
              ElementsAre("SLO attainment", "94.44 %", "90.00 %", "-4.44 pp", "-4.7 %"));
}

TEST_F(CompareCommandTest, GivesLatencyDifferencesAndRelativeChange) {
  ASSERT_EQ(compare(), 0) << err_;

  EXPECT_THAT(row_cells(out_, "latency p99 ms"), ElementsAre("latency p99 ms", "210.50", "231.00", "+20.50", "+9.7 %"));
  EXPECT_THAT(row_cells(out_, "completed"), ElementsAre("completed", "8800", "8700", "-100", "-1.1 %"));
  EXPECT_THAT(row_cells(out_, "sent"), ElementsAre("sent", "9000", "9000", "0", "0.0 %"));
}

TEST_F(CompareCommandTest, ShowsADashOnTheSideOfTheRunWithoutTheStage) {
  ASSERT_EQ(compare(), 0) << err_;

  EXPECT_THAT(row_cells(out_, "drops rank"), ElementsAre("drops rank", "-", "7", "-", "-"));
  EXPECT_THAT(row_cells(out_, "worker-seconds rank"), ElementsAre("worker-seconds rank", "-", "12.00", "-", "-"));
  EXPECT_THAT(row_cells(out_, "worker-seconds total"),
              ElementsAre("worker-seconds total", "180.75", "192.75", "+12.00", "+6.6 %"));
}

TEST_F(CompareCommandTest, ListsOnlyTheDropReasonsThatHappened) {
  ASSERT_EQ(compare(), 0) << err_;

  // classify: deadline_unreachable 45 and deadline_expired 5 appear, queue_full and shutting_down are 0 in both.
  const std::size_t classify = out_.find("drops classify");
  const std::size_t rank = out_.find("drops rank");
  ASSERT_NE(classify, std::string::npos);
  ASSERT_NE(rank, std::string::npos);
  const std::string rows = out_.substr(classify, rank - classify);
  EXPECT_THAT(rows, HasSubstr("deadline_expired"));
  EXPECT_THAT(rows, ::testing::Not(HasSubstr("queue_full")));
  EXPECT_THAT(rows, ::testing::Not(HasSubstr("shutting_down")));
}

TEST_F(CompareCommandTest, GivesADashForTheRelativeChangeWhenAIsZero) {
  a_json_["failed"] = 0;

  ASSERT_EQ(compare(), 0) << err_;

  EXPECT_THAT(row_cells(out_, "failed"), ElementsAre("failed", "0", "50", "+50", "-"));
}

TEST_F(CompareCommandTest, WarnsButSucceedsWhenTheSlosOrStagesDiffer) {
  b_json_["slo_ms"] = 200.0;

  ASSERT_EQ(compare(), 0);

  EXPECT_THAT(err_, HasSubstr("warning: the runs have different SLOs (A 250 ms, B 200 ms)"));
  EXPECT_THAT(err_, HasSubstr("warning: the runs have different stages (A: detect, classify; B: detect, classify, "
                              "rank)"));
}

TEST_F(CompareCommandTest, DoesNotWarnAboutComparableRuns) {
  b_json_ = test::run_summary_json();
  b_json_["scheduler_enabled"] = false;

  ASSERT_EQ(compare(), 0);

  EXPECT_THAT(err_, IsEmpty());
}

TEST_F(CompareCommandTest, ExitsTwoWithTheReadersMessageWhenAFolderCannotBeRead) {
  b_json_["latency_ms"]["p50"] = "fast";

  EXPECT_EQ(compare(), 2);

  EXPECT_THAT(
      err_, HasSubstr((dir_b() / "summary.json").string() + ": key 'latency_ms.p50': expected a number, got a string"));
  EXPECT_THAT(out_, IsEmpty());
}

TEST_F(CompareCommandTest, PrintsTheSameDifferencesAsJson) {
  b_json_["slo_ms"] = 200.0;

  ASSERT_EQ(compare(true), 0);

  const Json json = Json::parse(out_);
  const Json& metrics = json.at("metrics");
  EXPECT_EQ(json.at("a").at("run_dir"), dir_a().string());
  EXPECT_DOUBLE_EQ(json.at("b").at("slo_ms").get<double>(), 200.0);
  EXPECT_EQ(json.at("warnings").size(), 2U);
  EXPECT_EQ(metrics.at("completed").at("difference"), -100);
  EXPECT_EQ(metrics.at("slo_attainment").at("unit"), "%");
  EXPECT_NEAR(metrics.at("slo_attainment").at("difference").get<double>(), -4.44, 1e-9);
  EXPECT_NEAR(metrics.at("latency_ms.p99").at("difference").get<double>(), 20.5, 1e-9);
  EXPECT_NEAR(metrics.at("latency_ms.p99").at("change_pct").get<double>(), 9.739, 1e-9);
  EXPECT_TRUE(metrics.at("drops_by_stage.rank.total").at("a").is_null());
  EXPECT_EQ(metrics.at("drops_by_stage.rank.total").at("b"), 7);
  EXPECT_TRUE(metrics.at("drops_by_stage.rank.total").at("difference").is_null());
  EXPECT_EQ(metrics.at("drops_by_stage.rank.queue_full").at("b"), 7);
  EXPECT_NEAR(metrics.at("worker_seconds.total").at("difference").get<double>(), 12.0, 1e-9);
}

}  // namespace
}  // namespace pipescale::engine

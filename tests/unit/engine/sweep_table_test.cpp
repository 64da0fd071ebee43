// sweep_runs.csv and sweep.csv: the per-run rows and the per-point means with their 95 % t
// intervals, checked against hand-computed figures.
#include "engine/runtime/sweep_table.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/runtime/sweep_reader.hpp"
#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

RunSummary two_stage_summary() {
  RunSummary summary;
  summary.transport = "shm";
  summary.slo_ms = 250.0;
  summary.duration_s = 30.0;
  summary.sent = 4000;
  summary.completed = 3900;
  summary.completed_within_slo = 3800;
  summary.dropped = 80;
  summary.failed = 20;
  summary.slo_attainment = 0.95;
  summary.latency_ms = {40.5, 90.25, 210.125, 260.0, 300.0, 50.0};
  summary.hop_overhead_us = {3.26, 12.0};
  summary.stages = {{"detect", 60, {{"queue_full", 60}}, 60.5}, {"classify", 20, {{"deadline_expired", 20}}, 30.25}};
  return summary;
}

SweepRun run_of(std::vector<std::string> values, std::size_t replication, const RunSummary& summary,
                const std::filesystem::path& dir) {
  return {std::move(values), replication, 7 + replication, dir, summary};
}

class SweepTableTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }
  [[nodiscard]] std::filesystem::path dir() const { return scratch_.path(); }

  // The cells of sweep.csv's row `row` (1: the first point), by column name.
  [[nodiscard]] std::string cell(std::size_t row, const std::string& column) const {
    auto rows = parse_csv(test::read_text(dir() / "sweep.csv"));
    EXPECT_TRUE(rows.ok());
    const auto& header = rows->front();
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (header[c] == column) return (*rows)[row][c];
    }
    ADD_FAILURE() << "no column " << column;
    return "";
  }

 private:
  test::ScratchDir scratch_{"pipescale-sweep"};
};

TEST_F(SweepTableTest, WritesOneRunsRowPerRunWithItsReplicationAndSeed) {
  RunSummary heavier = two_stage_summary();
  heavier.mode = "simulate";
  heavier.sent = 8000;
  heavier.dropped = 2000;
  heavier.slo_attainment = 0.61234;
  heavier.latency_ms.p99 = 612.3456;
  heavier.stages.pop_back();  // no classify: its cells stay empty
  heavier.goodput_rps = 1234.56;
  heavier.wasted_fraction = 0.04321;  // the lighter run has neither: a folder written before them
  const std::vector<SweepRun> runs{run_of({"never", "1"}, 0, two_stage_summary(), dir() / "p1" / "seed-7"),
                                   run_of({"never", "1"}, 1, heavier, dir() / "p1" / "seed-8")};

  ASSERT_TRUE(write_sweep_runs_csv(dir() / "sweep_runs.csv", {"stages.detect.drop", "client.rate_scale"}, runs).ok());

  EXPECT_EQ(test::read_text(dir() / "sweep_runs.csv"),
            "stages.detect.drop,client.rate_scale,replication,seed,mode,sent,completed,dropped,failed,slo_attainment,"
            "drop_rate,p50_ms,p90_ms,p99_ms,p999_ms,hop_p50_us,worker_seconds,goodput_rps,wasted_fraction,"
            "detect_dropped,detect_worker_seconds,classify_dropped,classify_worker_seconds,run_dir\n"
            "never,1,1,7,run,4000,3900,80,20,0.9500,0.0200,40.500,90.250,210.125,260.000,3.3,90.750,,,60,60.500,20,"
            "30.250,p1/seed-7\n"
            "never,1,2,8,simulate,8000,3900,2000,20,0.6123,0.2500,40.500,90.250,612.346,260.000,3.3,60.500,1234.6,"
            "0.0432,60,60.500,,,p1/seed-8\n");
}

TEST_F(SweepTableTest, GivesEachPointTheMeanAndTheTIntervalOfItsRuns) {
  RunSummary second = two_stage_summary();
  second.sent = 4200;
  second.slo_attainment = 0.97;
  const std::vector<SweepRun> runs{run_of({"1"}, 0, two_stage_summary(), dir() / "a"),
                                   run_of({"1"}, 1, second, dir() / "b")};

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"client.rate_scale"}, runs).ok());

  // Two runs: t(0.975, 1) = 12.7062. sent 4000, 4200: mean 4100, standard error 100.
  EXPECT_EQ(cell(1, "runs"), "2");
  EXPECT_EQ(cell(1, "sent_mean"), "4100.00");
  EXPECT_EQ(cell(1, "sent_ci_low"), "2829.38");
  EXPECT_EQ(cell(1, "sent_ci_high"), "5370.62");
  // Attainment 0.95, 0.97: mean 0.96, standard error 0.01, half-width 0.12706.
  EXPECT_EQ(cell(1, "slo_attainment_mean"), "0.9600");
  EXPECT_EQ(cell(1, "slo_attainment_ci_low"), "0.8329");
  EXPECT_EQ(cell(1, "slo_attainment_ci_high"), "1.0871");
  // Equal values: a zero-width interval.
  EXPECT_EQ(cell(1, "p99_ms_mean"), "210.125");
  EXPECT_EQ(cell(1, "p99_ms_ci_low"), "210.125");
  EXPECT_EQ(cell(1, "detect_worker_seconds_ci_high"), "60.500");
}

TEST_F(SweepTableTest, WritesTheHeaderWithTheKeysRunsModeAndThreeColumnsPerMetric) {
  ASSERT_TRUE(
      write_sweep_csv(dir() / "sweep.csv", {"a.b", "c.d"}, {run_of({"x", "y"}, 0, two_stage_summary(), dir())}).ok());

  const std::string text = test::read_text(dir() / "sweep.csv");
  EXPECT_EQ(text.rfind("a.b,c.d,runs,mode,sent_mean,sent_ci_low,sent_ci_high,completed_mean,", 0), 0U) << text;
  EXPECT_NE(text.find(",classify_worker_seconds_mean,classify_worker_seconds_ci_low,classify_worker_seconds_ci_high\n"),
            std::string::npos);
}

TEST_F(SweepTableTest, LeavesTheBoundsEmptyForAPointOfOneRun) {
  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"k"}, {run_of({"1"}, 0, two_stage_summary(), dir())}).ok());

  EXPECT_EQ(cell(1, "runs"), "1");
  EXPECT_EQ(cell(1, "slo_attainment_mean"), "0.9500");
  EXPECT_EQ(cell(1, "slo_attainment_ci_low"), "");
  EXPECT_EQ(cell(1, "slo_attainment_ci_high"), "");
}

TEST_F(SweepTableTest, GroupsTheRunsOfAPointInTheOrderEachPointFirstAppears) {
  RunSummary other = two_stage_summary();
  other.sent = 100;
  const std::vector<SweepRun> runs{run_of({"b"}, 0, two_stage_summary(), dir()), run_of({"a"}, 0, other, dir()),
                                   run_of({"b"}, 1, two_stage_summary(), dir())};

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"k"}, runs).ok());

  EXPECT_EQ(cell(1, "k"), "b");
  EXPECT_EQ(cell(1, "runs"), "2");
  EXPECT_EQ(cell(2, "k"), "a");
  EXPECT_EQ(cell(2, "sent_mean"), "100.00");
}

TEST_F(SweepTableTest, AveragesAFigureOverTheRunsThatHaveIt) {
  RunSummary with_goodput = two_stage_summary();
  with_goodput.goodput_rps = 150.0;
  const std::vector<SweepRun> runs{run_of({"1"}, 0, two_stage_summary(), dir()), run_of({"1"}, 1, with_goodput, dir())};

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"k"}, runs).ok());

  EXPECT_EQ(cell(1, "goodput_rps_mean"), "150.00");
  EXPECT_EQ(cell(1, "goodput_rps_ci_low"), "");
  EXPECT_EQ(cell(1, "wasted_fraction_mean"), "");  // no run has it
}

TEST_F(SweepTableTest, QuotesCellsWithACommaOrAQuote) {
  const std::vector<SweepRun> runs{run_of({"a,b"}, 0, two_stage_summary(), dir() / "x"),
                                   run_of({"say \"hi\""}, 0, two_stage_summary(), dir() / "y")};

  ASSERT_TRUE(write_sweep_runs_csv(dir() / "sweep_runs.csv", {"stages.detect.cpus"}, runs).ok());

  const std::string text = test::read_text(dir() / "sweep_runs.csv");
  EXPECT_NE(text.find("\n\"a,b\",1,7,run,"), std::string::npos) << text;
  EXPECT_NE(text.find("\n\"say \"\"hi\"\"\",1,7,run,"), std::string::npos) << text;
}

TEST_F(SweepTableTest, GivesARunOutsideTheCsvFolderAsAnAbsolutePath) {
  std::filesystem::create_directories(dir() / "sweep");

  ASSERT_TRUE(write_sweep_runs_csv(dir() / "sweep" / "sweep_runs.csv", {"run.slo_ms"},
                                   {run_of({"1"}, 0, two_stage_summary(), dir() / "elsewhere" / "run")})
                  .ok());

  const std::string text = test::read_text(dir() / "sweep" / "sweep_runs.csv");
  EXPECT_NE(text.find(',' + (dir() / "elsewhere" / "run").string() + '\n'), std::string::npos) << text;
}

TEST_F(SweepTableTest, GivesADropRateOfZeroWhenNothingWasSent) {
  RunSummary idle = two_stage_summary();
  idle.sent = 0;
  idle.dropped = 0;

  ASSERT_TRUE(
      write_sweep_runs_csv(dir() / "sweep_runs.csv", {"client.rate_scale"}, {run_of({"0"}, 0, idle, dir())}).ok());

  EXPECT_NE(test::read_text(dir() / "sweep_runs.csv").find("\n0,1,7,run,0,3900,0,20,0.9500,0.0000,"),
            std::string::npos);
}

TEST_F(SweepTableTest, SaysWhichFileItCouldNotWrite) {
  const auto written = write_sweep_csv(dir() / "missing" / "sweep.csv", {"client.rate_scale"}, {});

  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message.rfind(
                std::string("cannot write ") + (dir() / "missing" / "sweep.csv").string() + ": ", 0),
            0U);
}

}  // namespace
}  // namespace pipescale::engine

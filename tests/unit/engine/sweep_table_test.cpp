#include "engine/runtime/sweep_table.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

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

class SweepTableTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }
  [[nodiscard]] std::filesystem::path dir() const { return scratch_.path(); }

 private:
  test::ScratchDir scratch_{"pipescale-sweep"};
};

TEST_F(SweepTableTest, WritesAHeaderAndOneRowPerPointWithFixedDecimals) {
  RunSummary heavier = two_stage_summary();
  heavier.mode = "simulate";
  heavier.sent = 8000;
  heavier.dropped = 2000;
  heavier.slo_attainment = 0.61234;
  heavier.latency_ms.p99 = 612.3456;
  heavier.stages.pop_back();  // no classify: its cells stay empty
  heavier.goodput_rps = 1234.56;
  heavier.wasted_fraction = 0.04321;  // the lighter run has neither: a folder written before them
  const std::vector<SweepPoint> points{{"1", dir() / "rate_1", two_stage_summary()}, {"2", dir() / "rate_2", heavier}};

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", "client.rate_scale", points).ok());

  EXPECT_EQ(
      test::read_text(dir() / "sweep.csv"),
      "client.rate_scale,mode,sent,completed,dropped,failed,slo_attainment,drop_rate,p50_ms,p90_ms,p99_ms,"
      "p999_ms,hop_p50_us,worker_seconds,goodput_rps,wasted_fraction,detect_dropped,detect_worker_seconds,"
      "classify_dropped,"
      "classify_worker_seconds,run_dir\n"
      "1,run,4000,3900,80,20,0.9500,0.0200,40.500,90.250,210.125,260.000,3.3,90.750,,,60,60.500,20,30.250,rate_1\n"
      "2,simulate,8000,3900,2000,20,0.6123,0.2500,40.500,90.250,612.346,260.000,3.3,60.500,1234.6,0.0432,60,60.500,,,"
      "rate_2\n");
}

TEST_F(SweepTableTest, QuotesCellsWithACommaOrAQuote) {
  const std::vector<SweepPoint> points{{"a,b", dir() / "x", two_stage_summary()},
                                       {"say \"hi\"", dir() / "y", two_stage_summary()}};

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", "stages.detect.cpus", points).ok());

  const std::string text = test::read_text(dir() / "sweep.csv");
  EXPECT_EQ(text.find("\na,b,"), std::string::npos);
  EXPECT_NE(text.find("\n\"a,b\",run,"), std::string::npos) << text;
  EXPECT_NE(text.find("\n\"say \"\"hi\"\"\",run,"), std::string::npos) << text;
}

TEST_F(SweepTableTest, GivesARunOutsideTheCsvFolderAsAnAbsolutePath) {
  const std::vector<SweepPoint> points{{"1", dir() / "elsewhere" / "run", two_stage_summary()}};
  std::filesystem::create_directories(dir() / "sweep");

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep" / "sweep.csv", "run.slo_ms", points).ok());

  const std::string text = test::read_text(dir() / "sweep" / "sweep.csv");
  EXPECT_NE(text.find(',' + (dir() / "elsewhere" / "run").string() + '\n'), std::string::npos) << text;
}

TEST_F(SweepTableTest, GivesADropRateOfZeroWhenNothingWasSent) {
  RunSummary idle = two_stage_summary();
  idle.sent = 0;
  idle.dropped = 0;

  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", "client.rate_scale", {{"0", dir() / "r", idle}}).ok());

  EXPECT_NE(test::read_text(dir() / "sweep.csv").find("\n0,run,0,3900,0,20,0.9500,0.0000,"), std::string::npos);
}

TEST_F(SweepTableTest, SaysWhichFileItCouldNotWrite) {
  const auto written = write_sweep_csv(dir() / "missing" / "sweep.csv", "client.rate_scale", {});

  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message.rfind(
                std::string("cannot write ") + (dir() / "missing" / "sweep.csv").string() + ": ", 0),
            0U);
}

}  // namespace
}  // namespace pipescale::engine

// scripts/plot on a sweep folder: the sweep.csv that write_sweep_csv writes is the one the script
// reads, so these tests write it with the C++ writer and run the script as a user does.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/runtime/sweep_table.hpp"
#include "tests/support/scratch_dir.hpp"

#ifndef PIPESCALE_SOURCE_DIR
#error "PIPESCALE_SOURCE_DIR must name the source tree (for scripts/plot)"
#endif

namespace pipescale::engine {
namespace {

using ::testing::HasSubstr;

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// A run at `rate_scale` of a one-stage pipeline that saturates above 1.
RunSummary run_at(double rate_scale) {
  RunSummary summary;
  summary.transport = "shm";
  summary.slo_ms = 250.0;
  summary.sent = static_cast<std::uint64_t>(4000 * rate_scale);
  summary.dropped = rate_scale > 1.0 ? summary.sent / 5 : 0;
  summary.completed = summary.sent - summary.dropped;
  summary.slo_attainment = rate_scale > 1.0 ? 0.7 : 0.99;
  summary.latency_ms = {30.0, 60.0, 120.0 * rate_scale, 200.0, 260.0, 40.0};
  summary.hop_overhead_us = {3.0, 9.0};
  summary.stages = {{"detect", summary.dropped, {{"queue_full", summary.dropped}}, 30.0 * rate_scale}};
  return summary;
}

class PlotSweepTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }

  // Runs scripts/plot on the scratch folder; returns its exit status and keeps its stderr.
  int plot() {
    const std::filesystem::path script = std::filesystem::path(PIPESCALE_SOURCE_DIR) / "scripts" / "plot";
    const std::string command = shell_quoted(script.string()) + " " + shell_quoted(dir().string()) + " >" +
                                shell_quoted((dir() / "plot.out").string()) + " 2>" +
                                shell_quoted((dir() / "plot.err").string());
    const int status = std::system(command.c_str());
    err_ = test::read_text(dir() / "plot.err");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // The first bytes of sweep.png, or less when it is shorter.
  [[nodiscard]] std::string png_start() const { return test::read_text(dir() / "sweep.png").substr(0, 8); }

  [[nodiscard]] std::filesystem::path dir() const { return scratch_.path(); }

  std::string err_;

 private:
  test::ScratchDir scratch_{"pipescale-plot"};
};

const std::string kPngSignature("\x89PNG\r\n\x1a\n", 8);

TEST_F(PlotSweepTest, DrawsANumericSweepIntoAPng) {
  std::vector<SweepRun> runs;
  for (const char* scale : {"1.5", "0.5", "1", "2"})
    runs.push_back({{scale}, 0, 1, dir() / scale, run_at(std::atof(scale))});
  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"client.rate_scale"}, runs).ok());

  ASSERT_EQ(plot(), 0) << err_;

  EXPECT_GT(std::filesystem::file_size(dir() / "sweep.png"), kPngSignature.size());
  EXPECT_EQ(png_start(), kPngSignature);
}

TEST_F(PlotSweepTest, DrawsACategoricalSweepIntoAPng) {
  RunSummary grpc = run_at(1.0);
  grpc.transport = "grpc";
  const std::vector<SweepRun> runs{{{"shm"}, 0, 1, dir() / "shm", run_at(1.0)}, {{"grpc"}, 0, 1, dir() / "grpc", grpc}};
  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"run.transport"}, runs).ok());

  ASSERT_EQ(plot(), 0) << err_;

  EXPECT_EQ(png_start(), kPngSignature);
}

TEST_F(PlotSweepTest, ExitsTwoNamingTheFileWhenACellIsNotANumber) {
  test::write_text(dir() / "sweep.csv",
                   "client.rate_scale,mode,slo_attainment,drop_rate,p99_ms\n1,run,0.99,0.0,fast\n");

  EXPECT_EQ(plot(), 2);

  EXPECT_THAT(err_, HasSubstr((dir() / "sweep.csv").string() + " line 2: p99_ms is 'fast', expected a number"));
  EXPECT_FALSE(std::filesystem::exists(dir() / "sweep.png"));
}

TEST_F(PlotSweepTest, ExitsTwoNamingTheFileWhenTheSweepIsEmpty) {
  test::write_text(dir() / "sweep.csv", "");

  EXPECT_EQ(plot(), 2);

  EXPECT_THAT(err_, HasSubstr((dir() / "sweep.csv").string() + " is empty"));
}

}  // namespace
}  // namespace pipescale::engine

// Model latency through the binary: a Worker that keeps time (a fixed 10 ms batch ends within
// microseconds of its drawn time), a lognormal profile whose achieved times have the profile's
// median and p99, live and simulated, and malformed samples files refused. One stage, one Worker,
// batch 1: a few seconds each, run serially with the other pipelines.
#include <chrono>
#include <filesystem>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/binary_support.hpp"
#include "tests/support/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::write_text;
using ::testing::HasSubstr;

// The execution error p50 the fixed 10 ms case must stay within: the requirement itself. Ten runs
// on a 2-core machine at load 11 measured 0.1 us each (roles/worker/README.md, "Keeping time"),
// since the median batch's Worker has a core even there; the p99 is not asserted, being the
// moments it has none.
constexpr double kErrorP50BoundUs = 20.0;

// The first data row of stages.csv, by column name.
std::map<std::string, double> first_stage_row(const fs::path& run_dir) {
  std::istringstream csv(read_text(run_dir / "stages.csv"));
  std::string header;
  std::string row;
  std::getline(csv, header);
  std::getline(csv, row);
  std::map<std::string, double> values;
  std::istringstream names(header);
  std::istringstream cells(row);
  std::string name;
  std::string cell;
  while (std::getline(names, name, ',') && std::getline(cells, cell, ',')) {
    values[name] = std::strtod(cell.c_str(), nullptr);
  }
  return values;
}

class LatencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    write_text(dir_ / "steady.csv", "time_s,rate_rps\n0,70\n");
    write_text(dir_ / "light.csv", "time_s,rate_rps\n0,40\n");
  }

  // One stage, one Worker, batch 1, `profile` its inline profile.
  fs::path config(const std::string& name, const std::string& trace, double duration_s, const std::string& profile) {
    fs::path path = dir_ / (name + ".toml");
    write_text(path, "[run]\nduration_s = " + std::to_string(duration_s) +
                         "\nseed = 3\nslo_ms = 200\n[client]\ntrace_path = \"" + trace +
                         "\"\n[scheduler]\nenabled = false\n[[stages]]\nname = \"model\"\n" + profile +
                         "\nworkers_min = 1\nworkers_max = 1\n");
    return path;
  }

  int run(const std::string& name, std::vector<std::string> args, std::chrono::seconds timeout) {
    const fs::path folder = dir_ / ("process-" + name);
    fs::create_directories(folder);
    Pipescale pipescale(folder, std::move(args));
    const int status = pipescale.wait(timeout);
    last_err_ = pipescale.err();
    return status;
  }

  pipescale::test::ScratchDir scratch_{"pipescale-latency"};
  const fs::path& dir_ = scratch_.path();
  std::string last_err_;
};

TEST_F(LatencyTest, AFixed10MsBatchEndsWithinMicrosecondsOfItsDrawnTime) {
  const fs::path cfg = config("fixed", "steady.csv", 3, "profile = [{ batch_size = 1, latency_ms = 10 }]");
  const fs::path out = dir_ / "fixed-run";
  ASSERT_EQ(run("fixed", {"run", cfg.string(), "--out", out.string()}, std::chrono::seconds(60)), 0) << last_err_;
  const auto stage = first_stage_row(out);
  EXPECT_DOUBLE_EQ(stage.at("drawn_p50_ms"), 10.0);
  EXPECT_GE(stage.at("achieved_p50_ms"), 10.0);
  EXPECT_LE(stage.at("execution_error_p50_us"), kErrorP50BoundUs);
  const std::string summary = read_text(out / "summary.json");
  EXPECT_THAT(summary, HasSubstr("\"execution_by_stage\""));
  EXPECT_THAT(summary, HasSubstr("\"error_us\""));
}

// Median 10 ms, p99 20 ms, at a light load: the achieved batch times (achieved = drawn + the
// small error) have that median within 3 % and that p99 within 10 %.
TEST_F(LatencyTest, ALognormalProfilesAchievedTimesHaveItsMedianAndP99LiveAndSimulated) {
  const std::string profile = "profile = [{ batch_size = 1, latency_ms = 10, p99_ms = 20 }]";
  const fs::path live_cfg = config("lognormal", "light.csv", 5, profile);
  const fs::path live = dir_ / "lognormal-run";
  ASSERT_EQ(run("live", {"run", live_cfg.string(), "--out", live.string()}, std::chrono::seconds(60)), 0) << last_err_;
  const fs::path sim_cfg = config("lognormal-long", "light.csv", 100, profile);
  const fs::path simulated = dir_ / "lognormal-sim";
  ASSERT_EQ(run("sim", {"simulate", sim_cfg.string(), "--out", simulated.string()}, std::chrono::seconds(60)), 0)
      << last_err_;
  for (const fs::path& folder : {live, simulated}) {
    const auto stage = first_stage_row(folder);
    EXPECT_NEAR(stage.at("achieved_p50_ms"), 10.0, 0.3) << folder;
    EXPECT_NEAR(stage.at("achieved_p99_ms"), 20.0, 2.0) << folder;
  }
}

TEST_F(LatencyTest, AMalformedSamplesFileIsRefusedWithExit2NamingFileLineAndColumn) {
  write_text(dir_ / "samples.csv", "batch_size,latency_ms\n1,10\n1,1O\n");
  const fs::path cfg = dir_ / "samples.toml";
  write_text(cfg, "[client]\ntrace_path = \"light.csv\"\n[[stages]]\nlatency_samples_path = \"samples.csv\"\n");
  EXPECT_EQ(run("validate", {"validate", cfg.string()}, std::chrono::seconds(20)), 2);
  EXPECT_THAT(last_err_,
              HasSubstr((dir_ / "samples.csv").string() + ":3:3: latency_ms '1O': expected a finite number"));
  EXPECT_EQ(run("run", {"run", cfg.string(), "--out", (dir_ / "never").string()}, std::chrono::seconds(20)), 2);
  EXPECT_THAT(last_err_, HasSubstr("samples.csv:3:3:"));
}

}  // namespace

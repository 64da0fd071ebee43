// `pipescale sweep` with a grid and replications, simulated, through the binary: the tables, the
// plot, determinism, the progress lines, and `pipescale compare` over two sweep folders. Short
// replays (10 s of the default trace), so that twelve runs and a plot take a few seconds.
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/runtime/sweep_reader.hpp"
#include "tests/integration/binary_support.hpp"
#include "tests/support/scratch_dir.hpp"

#ifndef PIPESCALE_SOURCE_DIR
#error "PIPESCALE_SOURCE_DIR must name the source tree"
#endif

namespace {

namespace fs = std::filesystem;
using pipescale::engine::parse_csv;
using pipescale::test::Pipescale;
using pipescale::test::read_text;

const fs::path kDefaultConfig = fs::path(PIPESCALE_SOURCE_DIR) / "configs" / "default.toml";

class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }

  int run(const std::string& name, std::vector<std::string> args) {
    const fs::path folder = dir_ / ("process-" + name);
    fs::create_directories(folder);
    Pipescale pipescale(folder, std::move(args));
    const int status = pipescale.wait(std::chrono::seconds(60));
    last_out_ = pipescale.out();
    last_err_ = pipescale.err();
    return status;
  }

  // The drop-rule x load grid, three replications each, into `out`.
  int grid(const std::string& name, const fs::path& out, bool plot) {
    std::vector<std::string> args{"sweep",
                                  kDefaultConfig.string(),
                                  "--param",
                                  "stages.detect.drop",
                                  "--values",
                                  "deadline,never",
                                  "--param",
                                  "client.rate_scale",
                                  "--values",
                                  "1,2",
                                  "--replications",
                                  "3",
                                  "--simulate",
                                  "--duration-s",
                                  "10",
                                  "--out",
                                  out.string()};
    if (!plot) args.emplace_back("--no-plot");
    return run(name, std::move(args));
  }

  std::vector<std::vector<std::string>> rows(const fs::path& file) {
    auto parsed = parse_csv(read_text(file));
    EXPECT_TRUE(parsed.ok());
    return parsed ? *parsed : std::vector<std::vector<std::string>>{};
  }

  pipescale::test::ScratchDir scratch_{"pipescale-sweep-it"};
  const fs::path& dir_ = scratch_.path();
  std::string last_out_;
  std::string last_err_;
};

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == name) return c;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST_F(SweepTest, AReplicatedGridWritesOneRowPerPointWithMeansIntervalsAndAPlot) {
  ASSERT_EQ(grid("grid", dir_ / "a", true), 0) << last_err_;

  const auto table = rows(dir_ / "a" / "sweep.csv");
  ASSERT_EQ(table.size(), 5U);
  const auto& header = table.front();
  EXPECT_EQ(header[0], "stages.detect.drop");
  EXPECT_EQ(header[1], "client.rate_scale");
  const std::size_t runs = column(header, "runs");
  const std::size_t mean = column(header, "slo_attainment_mean");
  const std::size_t low = column(header, "slo_attainment_ci_low");
  const std::size_t high = column(header, "slo_attainment_ci_high");
  const std::vector<std::pair<std::string, std::string>> points{
      {"deadline", "1"}, {"deadline", "2"}, {"never", "1"}, {"never", "2"}};
  for (std::size_t p = 0; p < points.size(); ++p) {
    const auto& row = table[p + 1];
    EXPECT_EQ(row[0], points[p].first);
    EXPECT_EQ(row[1], points[p].second);
    EXPECT_EQ(row[runs], "3");
    EXPECT_LE(std::stod(row[low]), std::stod(row[mean]));
    EXPECT_GE(std::stod(row[high]), std::stod(row[mean]));
  }
  // Every run kept: twelve rows, seeds run.seed (1 in the default), 2, 3 at each point.
  const auto per_run = rows(dir_ / "a" / "sweep_runs.csv");
  ASSERT_EQ(per_run.size(), 13U);
  const std::size_t seed = column(per_run.front(), "seed");
  for (std::size_t r = 1; r < per_run.size(); ++r) EXPECT_EQ(per_run[r][seed], std::to_string((r - 1) % 3 + 1));
  EXPECT_TRUE(fs::exists(dir_ / "a" / "04-never_2" / "seed-3" / "summary.json"));
  EXPECT_EQ(read_text(dir_ / "a" / "sweep.png").substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_NE(last_out_.find("[4/4] stages.detect.drop=never client.rate_scale=2 rep 3/3 seed 3: attainment "),
            std::string::npos)
      << last_out_;
}

TEST_F(SweepTest, TheSameSeedGivesTheSameTablesAndCompareFindsEveryIntervalOverlapping) {
  ASSERT_EQ(grid("first", dir_ / "a", false), 0) << last_err_;
  ASSERT_EQ(grid("second", dir_ / "b", false), 0) << last_err_;

  EXPECT_EQ(read_text(dir_ / "a" / "sweep.csv"), read_text(dir_ / "b" / "sweep.csv"));
  EXPECT_EQ(read_text(dir_ / "a" / "sweep_runs.csv"), read_text(dir_ / "b" / "sweep_runs.csv"));

  ASSERT_EQ(run("compare", {"compare", (dir_ / "a").string(), (dir_ / "b").string()}), 0) << last_err_;
  EXPECT_NE(last_out_.find("stages.detect.drop=never client.rate_scale=2"), std::string::npos) << last_out_;
  EXPECT_NE(last_out_.find("overlap"), std::string::npos) << last_out_;
  EXPECT_EQ(last_out_.find("apart"), std::string::npos) << last_out_;
}

TEST_F(SweepTest, CompareRefusesASweepAgainstARunAndSweepsOverDifferentKeys) {
  ASSERT_EQ(run("one", {"sweep", kDefaultConfig.string(), "--param", "client.rate_scale", "--values", "1", "--simulate",
                        "--duration-s", "5", "--no-plot", "--out", (dir_ / "one").string()}),
            0)
      << last_err_;
  ASSERT_EQ(run("other", {"sweep", kDefaultConfig.string(), "--param", "run.slo_ms", "--values", "250", "--simulate",
                          "--duration-s", "5", "--no-plot", "--out", (dir_ / "other").string()}),
            0)
      << last_err_;

  EXPECT_EQ(run("mixed", {"compare", (dir_ / "one").string(), (dir_ / "one" / "01-1").string()}), 2);
  EXPECT_NE(last_err_.find("is a sweep folder"), std::string::npos) << last_err_;
  EXPECT_EQ(run("keys", {"compare", (dir_ / "one").string(), (dir_ / "other").string()}), 2);
  EXPECT_NE(last_err_.find("different keys (A: client.rate_scale; B: run.slo_ms)"), std::string::npos) << last_err_;
}

// The policy grid of configs/studies/policies.sh, shortened: batching x scaling policies by name.
TEST_F(SweepTest, PolicyNamesSweepLikeNumbersIntoOneRowPerPair) {
  ASSERT_EQ(run("policies", {"sweep", kDefaultConfig.string(), "--param", "stages.detect.batching", "--values",
                             "deadline,timeout,aimd", "--param", "scheduler.policy", "--values", "reactive,predictive",
                             "--replications", "3", "--simulate", "--duration-s", "10", "--no-plot", "--out",
                             (dir_ / "policies").string()}),
            0)
      << last_err_;

  const auto table = rows(dir_ / "policies" / "sweep.csv");
  ASSERT_EQ(table.size(), 7U);
  const std::size_t runs = column(table.front(), "runs");
  const std::size_t high = column(table.front(), "slo_attainment_ci_high");
  EXPECT_EQ(table[1][0], "deadline");
  EXPECT_EQ(table[1][1], "reactive");
  EXPECT_EQ(table[6][0], "aimd");
  EXPECT_EQ(table[6][1], "predictive");
  for (std::size_t r = 1; r < table.size(); ++r) {
    EXPECT_EQ(table[r][runs], "3");
    EXPECT_FALSE(table[r][high].empty());
  }
}

TEST_F(SweepTest, AParamWithoutItsValuesStopsTheSweepBeforeAnythingRuns) {
  EXPECT_EQ(run("count", {"sweep", kDefaultConfig.string(), "--param", "client.rate_scale", "--values", "1,2",
                          "--param", "run.slo_ms", "--simulate", "--out", (dir_ / "x").string()}),
            2);
  EXPECT_NE(last_err_.find("2 --param but 1 --values"), std::string::npos) << last_err_;
  EXPECT_EQ(run("bad", {"sweep", kDefaultConfig.string(), "--param", "stages.detect.drop", "--values",
                        "deadline,sometimes", "--simulate", "--out", (dir_ / "x").string()}),
            2);
  EXPECT_NE(last_err_.find("sometimes"), std::string::npos) << last_err_;
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

}  // namespace

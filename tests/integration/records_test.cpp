// The per-request log and the timeline of a results folder, read back as a user would:
// requests.csv.gz has a row per request sent and gives back the summary's percentiles, and
// trace.json is JSON with one batch event per batch the stage counted. A 10 s single-stage
// simulation carries the heavy checks; a 2 s live run checks that a live run writes the same.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/binary_support.hpp"

namespace {

using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::write_text;
namespace fs = std::filesystem;

std::string gunzip(const fs::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return {};
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  gzclose(file);
  return text;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// The CSV as rows of named cells.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& text) {
  std::stringstream in(text);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    EXPECT_EQ(cells.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Nearest rank: the smallest value with at least q of the values at or below it.
double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipescale-records-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write_text(dir_ / "model.csv", "batch_size,latency_ms\n1,10\n8,20\n32,40\n");
    write_text(dir_ / "load.csv", "time_s,rate_rps\n0,150\n4,400\n7,150\n");
    write_text(dir_ / "one.toml",
               "[run]\nduration_s = 10\nseed = 3\nslo_ms = 150\n"
               "[client]\ntrace_path = \"load.csv\"\n"
               "[scheduler]\ninterval_ms = 200\n"
               "[[stages]]\nname = \"model\"\nprofile_path = \"model.csv\"\nworkers_min = 1\nworkers_max = 3\n");
  }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir_, ignored);
  }

  int run(const std::vector<std::string>& args, std::chrono::seconds timeout) {
    Pipescale pipescale(dir_, args);
    const int status = pipescale.wait(timeout);
    if (status != 0) ADD_FAILURE() << pipescale.err();
    return status;
  }

  // Every request sent has its row; the batches on the timeline are the batches the stage cut.
  static void expect_records_agree(const fs::path& out) {
    const auto summary = nlohmann::json::parse(read_text(out / "summary.json"));
    const auto rows = read_csv(gunzip(out / "requests.csv.gz"));
    const auto sent = summary["sent"].get<std::uint64_t>();
    EXPECT_GT(sent, 0U);
    EXPECT_EQ(rows.size(), sent);
    EXPECT_EQ(summary["request_log"]["rows"].get<std::uint64_t>(), sent);
    std::uint64_t completed = 0;
    for (const auto& row : rows) completed += row.at("outcome") == "completed" ? 1U : 0U;
    EXPECT_EQ(completed, summary["completed"].get<std::uint64_t>());

    const auto trace = nlohmann::json::parse(read_text(out / "trace.json"));
    ASSERT_TRUE(trace.contains("traceEvents"));
    std::uint64_t batches = 0;
    for (const auto& event : trace["traceEvents"]) {
      if (event["ph"] == "X" && event.value("cat", "") == "batch") ++batches;
    }
    const auto stages = read_csv(read_text(out / "stages.csv"));
    ASSERT_EQ(stages.size(), 1U);
    EXPECT_EQ(batches, std::stoull(stages[0].at("batches")));
  }

  fs::path dir_;
};

TEST_F(RecordsTest, ASimulatedRunLogsEveryRequestAndItsPercentilesMatchTheSummary) {
  const fs::path out = dir_ / "sim";
  ASSERT_EQ(run({"simulate", (dir_ / "one.toml").string(), "--quiet", "--out", out.string()}, std::chrono::seconds(60)),
            0);
  expect_records_agree(out);

  const auto summary = nlohmann::json::parse(read_text(out / "summary.json"));
  std::vector<double> latencies;
  for (const auto& row : read_csv(gunzip(out / "requests.csv.gz"))) {
    if (row.at("outcome") == "completed" && row.at("counted") == "1")
      latencies.push_back(std::stod(row.at("latency_ms")));
  }
  ASSERT_EQ(latencies.size(), summary["latency_ms"]["count"].get<std::size_t>());
  // The summary's histogram knows each value to within 1/128 (0.8 %) of itself.
  const double p50 = summary["latency_ms"]["p50"].get<double>();
  const double p99 = summary["latency_ms"]["p99"].get<double>();
  EXPECT_NEAR(percentile(latencies, 0.50), p50, 0.01 * p50);
  EXPECT_NEAR(percentile(latencies, 0.99), p99, 0.01 * p99);
}

TEST_F(RecordsTest, ASampledLogKeepsAboutItsFractionAndSaysSo) {
  const fs::path out = dir_ / "sampled";
  ASSERT_EQ(run({"simulate", (dir_ / "one.toml").string(), "--quiet", "--set", "run.request_log_sample=0.25", "--out",
                 out.string()},
                std::chrono::seconds(60)),
            0);
  const auto summary = nlohmann::json::parse(read_text(out / "summary.json"));
  const auto rows = read_csv(gunzip(out / "requests.csv.gz"));
  const double sent = summary["sent"].get<double>();
  EXPECT_EQ(summary["request_log"]["rows"].get<std::size_t>(), rows.size());
  EXPECT_DOUBLE_EQ(summary["request_log"]["sample"].get<double>(), 0.25);
  // Binomial(sent, 0.25): five standard deviations either side.
  EXPECT_NEAR(static_cast<double>(rows.size()), 0.25 * sent, 5.0 * std::sqrt(sent * 0.25 * 0.75));
}

TEST_F(RecordsTest, ThePlotsDrawTheBreakdownPerStageAndTheLatencyCdf) {
  const fs::path out = dir_ / "plotted";
  ASSERT_EQ(run({"simulate", (dir_ / "one.toml").string(), "--quiet", "--duration-s", "3", "--out", out.string()},
                std::chrono::seconds(60)),
            0);
  const std::string plot = std::string(PIPESCALE_SOURCE_DIR) + "/scripts/plot " + out.string() + " > /dev/null";
  ASSERT_EQ(std::system(plot.c_str()), 0);
  EXPECT_GT(fs::file_size(out / "plots" / "latency_breakdown.png"), 1000U);
  EXPECT_GT(fs::file_size(out / "plots" / "latency_cdf.png"), 1000U);
}

TEST_F(RecordsTest, ALiveRunWritesTheSameRecords) {
  const fs::path out = dir_ / "live";
  ASSERT_EQ(run({"run", (dir_ / "one.toml").string(), "--duration-s", "2", "--quiet", "--out", out.string()},
                std::chrono::seconds(90)),
            0);
  expect_records_agree(out);
}

}  // namespace

// Workloads through the binary, live and simulated: a trace of requests replayed at its exact
// times, a closed loop of users checked against Little's law, and malformed traces refused by
// validate, run and simulate alike. Each pipeline runs a few seconds.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/binary_support.hpp"

namespace {

namespace fs = std::filesystem;
using pipescale::test::count;
using pipescale::test::json_number;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::write_text;

// Requests in each second of the trace: 2,000 in all.
const std::vector<int> kPerSecond = {200, 600, 400, 800};

class WorkloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipescale-workload-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write_text(dir_ / "model.csv", "batch_size,latency_ms\n1,4\n8,8\n");
    std::ostringstream trace;
    trace << "# synthetic: " << kPerSecond.size() << " seconds of evenly spaced requests\ntime_s,context_tokens\n";
    for (std::size_t s = 0; s < kPerSecond.size(); ++s) {
      for (int k = 0; k < kPerSecond[s]; ++k) {
        trace << static_cast<double>(s) + (k + 0.5) / kPerSecond[s] << ',' << k << '\n';
      }
    }
    write_text(dir_ / "requests.csv", trace.str());
  }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir_, ignored);
  }

  // One stage, two Workers at most, the Scheduler on; `client` is the [client] table, `stage`
  // more keys of the stage.
  fs::path config(const std::string& name, const std::string& client, int duration_s,
                  const std::string& stage = "") const {
    const std::string text = "[run]\nduration_s = " + std::to_string(duration_s) +
                             "\nseed = 3\nslo_ms = 1000\n[client]\n" + client +
                             "[scheduler]\ninterval_ms = 200\n"
                             "[[stages]]\nname = \"model\"\nprofile_path = \"model.csv\"\nworkers_min = 1\n"
                             "workers_max = 2\n" +
                             stage;
    write_text(dir_ / name, text);
    return dir_ / name;
  }

  int run(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    Pipescale pipescale(dir_, args);
    const int status = pipescale.wait(timeout);
    last_err_ = pipescale.err();
    return status;
  }

  // The `offered` column of timeseries.csv, by second.
  static std::vector<int> offered(const fs::path& out) {
    std::istringstream rows(read_text(out / "timeseries.csv"));
    std::string line;
    std::getline(rows, line);  // header: second,offered,...
    std::vector<int> per_second;
    while (std::getline(rows, line)) {
      const std::size_t first = line.find(',');
      per_second.push_back(std::stoi(line.substr(first + 1, line.find(',', first + 1) - first - 1)));
    }
    return per_second;
  }

  fs::path dir_;
  std::string last_err_;
};

TEST_F(WorkloadTest, ARequestsTraceOffersExactlyItsCountEachSecondLiveAndSimulated) {
  const fs::path file = config("replay.toml", "trace_path = \"requests.csv\"\ntrace_format = \"requests\"\n", 5);
  for (const std::string command : {"simulate", "run"}) {
    const fs::path out = dir_ / command;
    ASSERT_EQ(run({command, file.string(), "--out", out.string(), "--quiet"}), 0) << command << ": " << last_err_;
    const std::string summary = read_text(out / "summary.json");
    EXPECT_EQ(count(summary, "sent"), 2000u) << command;
    EXPECT_EQ(count(summary, "completed"), 2000u) << command;
    const std::vector<int> per_second = offered(out);
    ASSERT_GE(per_second.size(), kPerSecond.size()) << command;
    for (std::size_t s = 0; s < per_second.size(); ++s) {
      EXPECT_EQ(per_second[s], s < kPerSecond.size() ? kPerSecond[s] : 0) << command << ", second " << s;
    }
  }
}

// N users, no think time: N requests are always in the system, so throughput x mean latency = N.
// Batches of one: with batching, fewer users than the batch size would wait in the Frontend until
// their deadline, and a latency that long against the window's 4 s would bias the throughput
// (it counts the requests sent in the window, engine/runtime/README.md).
TEST_F(WorkloadTest, AClosedLoopKeepsLittlesLawLiveAndSimulated) {
  constexpr int kUsers = 6;
  const fs::path file =
      config("closed.toml", "mode = \"closed\"\nusers = " + std::to_string(kUsers) + "\n", 4, "max_batch = 1\n");
  for (const std::string command : {"simulate", "run"}) {
    const fs::path out = dir_ / command;
    ASSERT_EQ(run({command, file.string(), "--out", out.string(), "--quiet"}), 0) << command << ": " << last_err_;
    const std::string summary = read_text(out / "summary.json");
    EXPECT_EQ(count(summary, "dropped") + count(summary, "failed"), 0u) << command << summary;
    const auto throughput = json_number(summary, "throughput_rps");
    const auto mean_ms = json_number(pipescale::test::between(summary, "\"latency_ms\": {", '}'), "mean");
    ASSERT_TRUE(throughput.has_value() && mean_ms.has_value()) << summary;
    const double in_system = *throughput * *mean_ms / 1000.0;
    std::printf("%s: throughput %.1f/s x mean latency %.3f ms = %.3f (users %d)\n", command.c_str(), *throughput,
                *mean_ms, in_system, kUsers);
    EXPECT_NEAR(in_system, kUsers, 0.05 * kUsers) << command;
  }
}

TEST_F(WorkloadTest, RefusesEachMalformedTraceNamingFileLineAndColumnWithExitTwo) {
  struct Bad {
    std::string name;
    std::string text;
    std::string where;  // file:line:column
  };
  const std::vector<Bad> bads = {{"bad_number.csv", "time_s\n0.5\n1.x\n", ":3:1: time_s '1.x'"},
                                 {"missing_column.csv", "time_s,context_tokens\n0.5,3\n1.25\n", ":3:5: missing column"},
                                 {"decreasing.csv", "time_s\n0.5\n1.0\n0.75\n", ":4:1: time_s '0.75'"},
                                 {"empty.csv", "", ":1:1: no requests"}};
  for (const Bad& bad : bads) {
    write_text(dir_ / bad.name, bad.text);
    const fs::path file = config("bad.toml", "trace_path = \"" + bad.name + "\"\ntrace_format = \"requests\"\n", 2);
    for (const std::string command : {"validate", "simulate", "run"}) {
      const fs::path out = dir_ / ("never-" + command);
      std::vector<std::string> args = {command, file.string()};
      if (command != "validate") args.insert(args.end(), {"--out", out.string()});
      EXPECT_EQ(run(args), 2) << command << " " << bad.name;
      EXPECT_NE(last_err_.find((dir_ / bad.name).string() + bad.where), std::string::npos)
          << command << " " << bad.name << ": " << last_err_;
      EXPECT_FALSE(fs::exists(out)) << command;
    }
  }
}

}  // namespace

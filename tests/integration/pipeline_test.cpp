// Whole pipelines: the pipescale binary run as a user runs it, on small configs written by each
// test, with the results folder read back. Each run is a few seconds of trace; the tests run one
// at a time (RUN_SERIAL), since each starts a dozen processes on a small machine.
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/binary_support.hpp"

namespace {

using pipescale::test::between;
using pipescale::test::count;
using pipescale::test::json_number;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::segments_in_dev_shm;
using pipescale::test::wait_for_progress;
using pipescale::test::write_text;
namespace fs = std::filesystem;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipescale-it-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write_text(dir_ / "fast.csv", "batch_size,latency_ms\n1,2\n8,4\n16,6\n");
    write_text(dir_ / "slow.csv", "batch_size,latency_ms\n1,20\n4,30\n8,40\n");
    write_text(dir_ / "steady.csv", "time_s,rate_rps\n0,150\n");
  }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir_, ignored);
  }

  // A two-stage pipeline over `transport`, at a steady 150 requests/s.
  std::string small_config(const std::string& transport = "shm", int duration_s = 3) const {
    return "[run]\nduration_s = " + std::to_string(duration_s) + "\nseed = 5\nslo_ms = 200\ntransport = \"" +
           transport +
           "\"\n"
           "[client]\ntrace_path = \"steady.csv\"\n"
           "[scheduler]\ninterval_ms = 200\n"
           "[[stages]]\nname = \"first\"\nprofile_path = \"fast.csv\"\nworkers_min = 1\nworkers_max = 2\n"
           "[[stages]]\nname = \"second\"\nprofile_path = \"slow.csv\"\nworkers_min = 1\nworkers_max = 2\n";
  }

  // Starts `pipescale run` on `text` and waits until it is under way (its first progress line);
  // nullptr, with the failure recorded, if it never gets there.
  std::unique_ptr<Pipescale> start_under_way(const std::string& name, const std::string& text, const fs::path& out) {
    auto pipescale = std::make_unique<Pipescale>(
        dir_, std::vector<std::string>{"run", config(name, text).string(), "--out", out.string()});
    if (!wait_for_progress(*pipescale)) {
      ADD_FAILURE() << "the run never got under way: " << pipescale->err();
      return nullptr;
    }
    return pipescale;
  }

  fs::path config(const std::string& name, const std::string& text) const {
    write_text(dir_ / name, text);
    return dir_ / name;
  }

  // Runs to the end; returns the exit status.
  int run(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(40)) {
    Pipescale pipescale(dir_, args);
    const int status = pipescale.wait(timeout);
    last_out_ = pipescale.out();
    last_err_ = pipescale.err();
    return status;
  }

  static void expect_accounted(const std::string& summary) {
    const std::uint64_t sent = count(summary, "sent");
    EXPECT_GT(sent, 0U);
    EXPECT_EQ(sent, count(summary, "completed") + count(summary, "dropped") + count(summary, "failed")) << summary;
  }

  fs::path dir_;
  std::string last_out_;
  std::string last_err_;
};

TEST_F(PipelineTest, SmallPipelineAccountsForEveryRequest) {
  const fs::path out = dir_ / "run";
  ASSERT_EQ(run({"run", config("small.toml", small_config()).string(), "--out", out.string(), "--quiet"}), 0)
      << last_out_ << last_err_;
  const std::string summary = read_text(out / "summary.json");
  expect_accounted(summary);
  EXPECT_EQ(count(summary, "failed"), 0U) << summary;
  EXPECT_EQ(count(summary, "unknown_returns"), 0U);
  // About 3 s at 150/s (Poisson): far from 0 and from twice that.
  EXPECT_GT(count(summary, "sent"), 300U);
  EXPECT_LT(count(summary, "sent"), 600U);
  for (const char* file : {"config.toml", "placement.json", "timeseries.csv", "stages.csv"}) {
    EXPECT_TRUE(fs::exists(out / file)) << file;
  }
  EXPECT_NE(last_out_.find("SLO attainment"), std::string::npos) << last_out_;
  // The hop histogram saw every hop of every completed request: 3 per request in 2 stages, plus
  // the batch hops measured by the Workers.
  EXPECT_GE(count(summary.substr(summary.find("\"hop_overhead_us\"")), "count"), 3 * count(summary, "completed"));
}

TEST_F(PipelineTest, OverloadDropsWithStageAndReason) {
  // One slow Worker at most, ten times the load it can take.
  const std::string text =
      "[run]\nduration_s = 3\nslo_ms = 100\n"
      "[client]\ntrace_path = \"overload.csv\"\n"
      "[[stages]]\nname = \"only\"\nprofile_path = \"slow.csv\"\nworkers_min = 1\nworkers_max = 1\n";
  write_text(dir_ / "overload.csv", "time_s,rate_rps\n0,2000\n");
  const fs::path out = dir_ / "run";
  ASSERT_EQ(run({"run", config("overload.toml", text).string(), "--out", out.string(), "--quiet"}), 0) << last_err_;
  const std::string summary = read_text(out / "summary.json");
  expect_accounted(summary);
  EXPECT_EQ(count(summary, "failed"), 0U) << summary;
  const std::uint64_t dropped = count(summary, "dropped");
  EXPECT_GT(dropped, count(summary, "sent") / 2) << summary;
  const std::string stage = summary.substr(summary.find("\"drops_by_stage\""));
  EXPECT_EQ(count(stage, "total"), dropped);
  EXPECT_EQ(count(stage, "deadline_unreachable") + count(stage, "deadline_expired"), dropped) << stage;
}

TEST_F(PipelineTest, StepInLoadRaisesAndLowersActiveWorkers) {
  // 40/s, then 800/s for 3 s, then 40/s: the slow stage needs 1 Worker, then 4, then 1 again.
  const std::string text =
      "[run]\nduration_s = 9\nslo_ms = 150\n"
      "[client]\ntrace_path = \"step.csv\"\n"
      "[scheduler]\ninterval_ms = 100\nscale_down_delay_s = 1\n"
      "[[stages]]\nname = \"only\"\nprofile_path = \"slow.csv\"\nworkers_min = 1\nworkers_max = 6\n";
  write_text(dir_ / "step.csv", "time_s,rate_rps\n0,40\n2,800\n5,40\n");
  const fs::path out = dir_ / "run";
  ASSERT_EQ(run({"run", config("step.toml", text).string(), "--out", out.string(), "--quiet"}), 0) << last_err_;
  expect_accounted(read_text(out / "summary.json"));
  std::istringstream rows(read_text(out / "timeseries.csv"));
  std::string line;
  std::getline(rows, line);
  std::vector<std::string> header;
  for (std::stringstream cells(line); std::getline(cells, line, ',');) header.push_back(line);
  const auto column =
      static_cast<std::size_t>(std::find(header.begin(), header.end(), "only_active_workers") - header.begin());
  ASSERT_LT(column, header.size());
  std::vector<int> active;
  while (std::getline(rows, line)) {
    std::vector<std::string> cells;
    for (std::stringstream each(line); std::getline(each, line, ',');) cells.push_back(line);
    if (column < cells.size() && !cells[column].empty()) active.push_back(std::stoi(cells[column]));
  }
  ASSERT_GE(active.size(), 8U);
  const int before = active[1];
  const int peak = *std::max_element(active.begin() + 2, active.begin() + 6);
  const int after = active[8];
  EXPECT_EQ(before, 1);
  EXPECT_GE(peak, 3);
  EXPECT_LT(after, peak);
}

TEST_F(PipelineTest, SigintMidRunStillWritesTheSummary) {
  const fs::path out = dir_ / "run";
  const auto run = start_under_way("long.toml", small_config("shm", 60), out);
  ASSERT_NE(run, nullptr);
  Pipescale& pipescale = *run;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  pipescale.signal(SIGINT);
  EXPECT_EQ(pipescale.wait(std::chrono::seconds(30)), 130) << pipescale.err();
  const std::string summary = read_text(out / "summary.json");
  ASSERT_FALSE(summary.empty());
  EXPECT_NE(summary.find("\"interrupted\": true"), std::string::npos) << summary;
  expect_accounted(summary);
  EXPECT_LT(count(summary, "sent"), 150U * 30);  // stopped well before the end
  EXPECT_TRUE(fs::exists(out / "timeseries.csv"));
}

// Checks every process of placement.json against the PUs the kernel lets it run on; returns
// each process's planned PUs by name ("0", "1", ...).
std::map<std::string, std::string> expect_affinity_matches_plan(const std::string& placement) {
  std::map<std::string, std::string> cpus;
  // Each process is an object {"name": ..., ..., "cpus": [...], ..., "pid": N, ...}.
  for (std::size_t at = placement.find("{\"name\": "); at != std::string::npos;
       at = placement.find("{\"name\": ", at + 1)) {
    const std::string name = between(placement, "\"name\": \"", '"', at);
    const std::string pid = between(placement, "\"pid\": ", ',', at);
    std::string expected = between(placement, "\"cpus\": [", ']', at);
    std::erase(expected, ' ');
    const std::string status = read_text("/proc/" + pid + "/status");
    std::string allowed = between(status, "Cpus_allowed_list:", '\n');
    std::erase(allowed, '\t');
    std::erase(allowed, ' ');
    EXPECT_EQ(allowed, expected) << name << " (pid " << pid << ")";
    cpus[name] = expected;
  }
  return cpus;
}

TEST_F(PipelineTest, EveryProcessRunsOnTheCpusOfThePlacement) {
  const fs::path out = dir_ / "run";
  const auto run = start_under_way("long.toml", small_config("shm", 60), out);
  ASSERT_NE(run, nullptr);
  Pipescale& pipescale = *run;
  const std::string placement = read_text(out / "placement.json");
  EXPECT_EQ(expect_affinity_matches_plan(placement).size(), 2U + 2 + 4) << placement;  // client, scheduler, 2+4
  pipescale.signal(SIGINT);
  EXPECT_EQ(pipescale.wait(std::chrono::seconds(30)), 130);
}

TEST_F(PipelineTest, ADeadRoleEndsTheRunNamedAndEveryRequestIsAccounted) {
  const fs::path out = dir_ / "run";
  std::string text = small_config("shm", 60);
  text.replace(text.find("[run]\n"), 6, "[run]\non_role_failure = \"stop\"\n");
  const auto run = start_under_way("long.toml", text, out);
  ASSERT_NE(run, nullptr);
  Pipescale& pipescale = *run;
  // worker0.0 is the first stage's first Worker: active from the start, holding batches.
  const std::string placement = read_text(out / "placement.json");
  const std::size_t entry = placement.find("{\"name\": \"worker0.0\"");
  ASSERT_NE(entry, std::string::npos) << placement;
  const pid_t worker = std::stoi(between(placement, "\"pid\": ", ',', entry));
  ASSERT_EQ(::kill(worker, SIGKILL), 0);
  EXPECT_EQ(pipescale.wait(std::chrono::seconds(30)), 1) << pipescale.err();
  EXPECT_NE(pipescale.err().find("worker0.0 (pid " + std::to_string(worker) + ") was killed by signal 9"),
            std::string::npos)
      << pipescale.err();
  const std::string summary = read_text(out / "summary.json");
  EXPECT_NE(summary.find("\"role_failures\": [\"worker0.0"), std::string::npos) << summary;
  expect_accounted(summary);
}

TEST_F(PipelineTest, ExplicitCpusPinEachProcessWhereTheConfigSays) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(::sched_getaffinity(0, sizeof allowed, &allowed), 0);
  if (!CPU_ISSET(0, &allowed) || !CPU_ISSET(1, &allowed)) GTEST_SKIP() << "needs PUs 0 and 1";
  const fs::path out = dir_ / "run";
  std::string text = small_config("shm", 60);
  text.replace(text.find("[[stages]]"), 10, "[placement.client]\ncpus = \"1\"\n[[stages]]");
  text.replace(text.find("workers_max = 2"), 15, "workers_max = 2\ncpus = \"0\"");
  const auto run = start_under_way("pinned.toml", text, out);
  ASSERT_NE(run, nullptr);
  Pipescale& pipescale = *run;
  const std::string placement = read_text(out / "placement.json");
  const auto cpus = expect_affinity_matches_plan(placement);
  EXPECT_EQ(cpus.at("client"), "1") << placement;
  for (const char* process : {"frontend0", "worker0.0", "worker0.1"}) EXPECT_EQ(cpus.at(process), "0") << process;
  pipescale.signal(SIGINT);
  EXPECT_EQ(pipescale.wait(std::chrono::seconds(30)), 130);
}

TEST_F(PipelineTest, PlanPinsAStageAndTheRingsItReadsToTheRequestedNode) {
  const fs::path file = config("plan.toml", small_config());
  ASSERT_EQ(
      run({"plan", file.string(), "--topology", "numa:2 core:8 pu:2", "--json", "--set", "stages.second.numa_node=1"}),
      0)
      << last_err_;
  std::set<std::string> second;
  for (std::size_t at = last_out_.find("{\"name\": "); at != std::string::npos;
       at = last_out_.find("{\"name\": ", at + 1)) {
    if (between(last_out_, "\"stage_name\": \"", '"', at) != "second" ||
        last_out_.find("\"stage_name\"", at) > last_out_.find('}', at)) {
      continue;
    }
    const std::string name = between(last_out_, "\"name\": \"", '"', at);
    const int cpu = std::stoi(between(last_out_, "\"cpus\": [", ']', at));
    EXPECT_GE(cpu, 16) << name;  // hwloc numbers node 1's PUs 16-31 in this topology
    EXPECT_LE(cpu, 31) << name;
    EXPECT_EQ(between(last_out_, "\"numa_node\": ", ',', at), "1") << name;
    second.insert(name);
  }
  EXPECT_EQ(second, (std::set<std::string>{"frontend1", "worker1.0", "worker1.1"}));
  int rings = 0;
  for (std::size_t at = last_out_.find("{\"ring\": "); at != std::string::npos;
       at = last_out_.find("{\"ring\": ", at + 1)) {
    if (second.count(between(last_out_, "\"consumer\": \"", '"', at)) == 0) continue;
    EXPECT_EQ(between(last_out_, "\"numa_node\": ", '}', at), "1") << between(last_out_, "\"ring\": \"", '"', at);
    ++rings;
  }
  EXPECT_GT(rings, 0);
  EXPECT_EQ(run({"plan", file.string(), "--topology", "numa:2 core:8 pu:2", "--set", "stages.second.numa_node=2"}), 2);
  EXPECT_NE(last_err_.find("stages.second.numa_node = 2"), std::string::npos) << last_err_;
}

TEST_F(PipelineTest, GrpcGivesTheSameAccounting) {
  const fs::path shm = dir_ / "shm";
  const fs::path grpc = dir_ / "grpc";
  ASSERT_EQ(run({"run", config("shm.toml", small_config("shm")).string(), "--out", shm.string(), "--quiet"}), 0)
      << last_err_;
  ASSERT_EQ(run({"run", config("grpc.toml", small_config("grpc")).string(), "--out", grpc.string(), "--quiet"}), 0)
      << last_err_;
  const std::string a = read_text(shm / "summary.json");
  const std::string b = read_text(grpc / "summary.json");
  expect_accounted(a);
  expect_accounted(b);
  // The same seed gives the same send times, whatever carries them.
  EXPECT_EQ(count(a, "sent"), count(b, "sent"));
  EXPECT_EQ(count(a, "failed"), 0U);
  EXPECT_EQ(count(b, "failed"), 0U) << b;
  EXPECT_NE(b.find("\"transport\": \"grpc\""), std::string::npos);
}

TEST_F(PipelineTest, BadConfigsExitTwoNamingTheProblemAndLeaveNothing) {
  struct Case {
    std::string name;
    std::string text;
    std::string expected;  // in stderr
  };
  const std::string stages = "[[stages]]\nprofile_path = \"fast.csv\"\n";
  write_text(dir_ / "broken.csv", "batch_size,latency_ms\n1,5\n8,oops\n");
  const std::vector<Case> cases = {
      {"unknown_key", "[run]\nslo_msec = 10\n[client]\ntrace_path = \"steady.csv\"\n" + stages, "slo_msec"},
      {"wrong_type", "[run]\nslo_ms = \"fast\"\n[client]\ntrace_path = \"steady.csv\"\n" + stages, "run.slo_ms"},
      {"missing_trace", "[client]\ntrace_path = \"nowhere.csv\"\n" + stages, "nowhere.csv"},
      {"malformed_profile", "[client]\ntrace_path = \"steady.csv\"\n[[stages]]\nprofile_path = \"broken.csv\"\n",
       "broken.csv"},
      {"missing_node", "[client]\ntrace_path = \"steady.csv\"\n" + stages + "numa_node = 7\n",
       "stages.stage1.numa_node = 7"},
  };
  for (const Case& bad : cases) {
    const std::set<std::string> before = segments_in_dev_shm();
    const fs::path out = dir_ / ("out-" + bad.name);
    EXPECT_EQ(run({"run", config(bad.name + ".toml", bad.text).string(), "--out", out.string()}), 2) << bad.name;
    EXPECT_NE(last_err_.find(bad.expected), std::string::npos) << bad.name << ": " << last_err_;
    EXPECT_FALSE(fs::exists(out)) << bad.name << ": a results folder was created";
    EXPECT_EQ(segments_in_dev_shm(), before) << bad.name << ": a segment was left behind";
  }
  EXPECT_EQ(run({"validate", (dir_ / "unknown_key.toml").string()}), 2);
}

}  // namespace

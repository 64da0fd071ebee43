// Injected faults through the pipescale binary: each action applied at its time in a live run of
// a small two-stage pipeline and recorded in summary.json and timeseries.csv, and the same faults
// simulated at exactly their times. Each live run is 4 s of trace.
#include <cmath>
#include <filesystem>
#include <gtest/gtest.h>
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
using Json = nlohmann::json;

// How late the supervisor may apply a step: it turns every 20 ms or sooner, but on a 2-core
// machine shared with other work a process can wait a second for a CPU.
constexpr double kLateS = 1.0;

class InjectedFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    dir_ = scratch_.path();
    write_text(dir_ / "fast.csv", "batch_size,latency_ms\n1,2\n8,4\n16,6\n");
    write_text(dir_ / "slow.csv", "batch_size,latency_ms\n1,20\n4,30\n8,40\n");
    write_text(dir_ / "steady.csv", "time_s,rate_rps\n0,150\n");
  }

  // Two stages at a steady 150 requests/s for 4 s, then `faults`.
  fs::path config(const std::string& name, const std::string& faults) const {
    write_text(dir_ / name,
               "[run]\nduration_s = 4\nseed = 5\nslo_ms = 200\n"
               "[client]\ntrace_path = \"steady.csv\"\n"
               "[scheduler]\ninterval_ms = 200\n"
               "[[stages]]\nname = \"first\"\nprofile_path = \"fast.csv\"\nworkers_min = 1\nworkers_max = 2\n"
               "[[stages]]\nname = \"second\"\nprofile_path = \"slow.csv\"\nworkers_min = 1\nworkers_max = 2\n" +
                   faults);
    return dir_ / name;
  }

  int run(const std::vector<std::string>& args) {
    Pipescale pipescale(dir_, args);
    const int status = pipescale.wait(std::chrono::seconds(60));
    last_err_ = pipescale.err();
    return status;
  }

  static Json summary(const fs::path& out) { return Json::parse(read_text(out / "summary.json")); }

  // timeseries.csv's faults_active column, by second.
  static std::vector<int> faults_active(const fs::path& out) {
    std::istringstream csv(read_text(out / "timeseries.csv"));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line.substr(line.rfind(',') + 1), "faults_active");
    std::vector<int> column;
    while (std::getline(csv, line)) column.push_back(std::stoi(line.substr(line.rfind(',') + 1)));
    return column;
  }

  pipescale::test::ScratchDir scratch_{"pipescale-faults"};  // removed unless the test failed
  fs::path dir_;
  std::string last_err_;
};

// stop worker0.0 over [1, 1.5), slow worker1.0 x3 over [1.5, 2.5), drop client-frontend0 over [2.5, 2.8).
const std::string kPassingFaults =
    "[[faults]]\nat_s = 1\ntarget = \"stages.first.worker\"\naction = \"stop\"\nduration_s = 0.5\n"
    "[[faults]]\nat_s = 1.5\ntarget = \"worker1.0\"\naction = \"slow\"\nfactor = 3\nduration_s = 1\n"
    "[[faults]]\nat_s = 2.5\ntarget = \"client-frontend0\"\naction = \"drop_link\"\nduration_s = 0.3\n";

void expect_applied(const Json& fault, double at_s, double ended_s, double late_s) {
  ASSERT_TRUE(fault["applied_s"].is_number()) << fault;
  EXPECT_GE(fault["applied_s"].get<double>(), at_s - 1e-9) << fault;  // never early
  EXPECT_LE(fault["applied_s"].get<double>(), at_s + late_s) << fault;
  ASSERT_TRUE(fault["ended_s"].is_number()) << fault;
  EXPECT_GE(fault["ended_s"].get<double>(), ended_s - 1e-9) << fault;
  EXPECT_LE(fault["ended_s"].get<double>(), ended_s + late_s) << fault;
}

double lasted_s(const Json& fault) { return fault["ended_s"].get<double>() - fault["applied_s"].get<double>(); }

void expect_recorded(const Json& s, double late_s) {
  ASSERT_EQ(s["faults"].size(), 3U) << s["faults"];
  const Json& stop = s["faults"][0];
  EXPECT_EQ(stop["process"], "worker0.0");  // workers_min = 1: the only candidate
  EXPECT_EQ(stop["action"], "stop");
  expect_applied(stop, 1.0, 1.5, late_s);
  const Json& slow = s["faults"][1];
  EXPECT_EQ(slow["factor"], 3.0);
  expect_applied(slow, 1.5, 2.5, late_s);
  const Json& drop = s["faults"][2];
  EXPECT_EQ(drop["link"], "client-frontend0");
  expect_applied(drop, 2.5, 2.8, late_s);
  EXPECT_EQ(s["sent"].get<std::uint64_t>(),
            s["completed"].get<std::uint64_t>() + s["dropped"].get<std::uint64_t>() + s["failed"].get<std::uint64_t>());
  // The effects, where the fault was in force long enough for the 150 requests/s to meet it: the
  // Client's sends failed with UNAVAILABLE (about 45 in 0.3 s), and second's batches (20 to 40 ms
  // for up to 8) took three times their time.
  if (lasted_s(drop) >= 0.2) {
    EXPECT_GT(s["failed"].get<std::uint64_t>(), 10U) << s;
  }
  if (lasted_s(slow) >= 0.5) {
    EXPECT_GT(s["execution_by_stage"]["second"]["drawn_ms"]["p99"].get<double>(), 60.0) << s["execution_by_stage"];
  }
}

// faults_active recomputed from the records of lasting faults: each counts in every second that
// [applied_s, ended_s) meets.
std::vector<int> expected_active(const Json& s, std::size_t seconds) {
  std::vector<int> active(seconds, 0);
  for (const Json& fault : s["faults"]) {
    const double from = fault["applied_s"].get<double>();
    const double to = fault["ended_s"].is_number() ? fault["ended_s"].get<double>() : from;
    for (std::size_t k = 0; k < seconds; ++k) {
      const auto second = static_cast<double>(k);
      if (from < second + 1.0 && to > second) ++active[k];
    }
  }
  return active;
}

TEST_F(InjectedFaultsTest, ALiveRunAppliesStopSlowAndDropLinkAtTheirTimesAndRecordsThem) {
  const fs::path out = dir_ / "live";
  ASSERT_EQ(run({"run", config("faults.toml", kPassingFaults).string(), "--out", out.string(), "--quiet"}), 0)
      << last_err_;
  const Json s = summary(out);
  expect_recorded(s, kLateS);
  const std::vector<int> active = faults_active(out);
  EXPECT_EQ(active, expected_active(s, active.size()));
  EXPECT_EQ(active.at(0), 0);
  EXPECT_NE(last_err_.find("fault at "), std::string::npos) << last_err_;
}

TEST_F(InjectedFaultsTest, TheSameFaultsSimulatedActAtExactlyTheirTimes) {
  const fs::path out = dir_ / "sim";
  ASSERT_EQ(run({"simulate", config("faults.toml", kPassingFaults).string(), "--out", out.string(), "--quiet"}), 0)
      << last_err_;
  const Json s = summary(out);
  expect_recorded(s, 1e-6);
  const std::vector<int> active = faults_active(out);
  EXPECT_EQ(active, expected_active(s, active.size()));
  ASSERT_GE(active.size(), 4U);
  EXPECT_EQ(active[0], 0);
  EXPECT_EQ(active[1], 2);  // the stop over [1, 1.5), the slow from 1.5 s
  EXPECT_EQ(active[2], 2);  // the slow to 2.5 s, the drop from 2.5 s
  EXPECT_EQ(active[3], 0);
}

TEST_F(InjectedFaultsTest, ALiveKillIsAppliedAtItsTimeAndTheRunNamesTheLostRole) {
  const fs::path out = dir_ / "kill";
  const fs::path file =
      config("kill.toml", "[[faults]]\nat_s = 1\ntarget = \"stages.second.worker\"\naction = \"kill\"\n");
  const int status = run({"run", file.string(), "--out", out.string(), "--quiet"});
  const Json s = summary(out);
  ASSERT_EQ(s["faults"].size(), 1U);
  const Json& kill = s["faults"][0];
  EXPECT_EQ(kill["process"], "worker1.0");
  ASSERT_TRUE(kill["lost_s"].is_number()) << kill;
  EXPECT_GE(kill["lost_s"].get<double>(), 1.0);
  EXPECT_LE(kill["lost_s"].get<double>(), 1.0 + kLateS);
  EXPECT_EQ(kill["ended_s"], nullptr);
  bool named = false;
  for (const Json& failure : s["role_failures"]) named = named || failure.get<std::string>().rfind("worker1.0", 0) == 0;
  if (status != 0) {
    EXPECT_TRUE(named) << s["role_failures"];  // the run stopped: it says which role died
  }
  EXPECT_NE(last_err_.find("worker1.0 (pid "), std::string::npos) << last_err_;
  const std::vector<int> active = faults_active(out);
  const auto second = static_cast<std::size_t>(kill["applied_s"].get<double>());
  ASSERT_GT(active.size(), second);
  EXPECT_EQ(active[second], 1);  // a kill counts in the second it was applied, and only there
}

}  // namespace

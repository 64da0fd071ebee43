// Faults in whole pipelines (engine/runtime/README.md, "Supervision" and "What survives what"):
// a role stopped or killed mid-run, through the pipescale binary on a small two-stage pipeline.
// Each run is a few seconds of trace at a steady 150 requests/s.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/binary_support.hpp"

namespace {

using pipescale::test::between;
using pipescale::test::count;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::write_text;
namespace fs = std::filesystem;

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    dir_ = scratch_.path();
    out_ = dir_ / "run";
    write_text(dir_ / "fast.csv", "batch_size,latency_ms\n1,2\n8,4\n16,6\n");
    write_text(dir_ / "slow.csv", "batch_size,latency_ms\n1,20\n4,30\n8,40\n");
    write_text(dir_ / "steady.csv", "time_s,rate_rps\n0,150\n");
  }

  // Two stages, two Workers each (one active at this load), warm-up 100 ms. A liveness timeout of
  // 1 s rather than the default 0.5 s: CI boxes run these beside other work.
  void start(const std::string& on_role_failure = "replace", int duration_s = 6) {
    const std::string text = "[run]\nduration_s = " + std::to_string(duration_s) +
                             "\nseed = 5\nslo_ms = 200\non_role_failure = \"" + on_role_failure +
                             "\"\nliveness_timeout_ms = 1000\n"
                             "[client]\ntrace_path = \"steady.csv\"\n"
                             "[scheduler]\ninterval_ms = 200\n"
                             "[[stages]]\nname = \"first\"\nprofile_path = \"fast.csv\"\nworkers_min = 1\n"
                             "workers_max = 2\nwarmup_ms = 100\n"
                             "[[stages]]\nname = \"second\"\nprofile_path = \"slow.csv\"\nworkers_min = 1\n"
                             "workers_max = 2\nwarmup_ms = 100\n";
    write_text(dir_ / "faults.toml", text);
    run_ = std::make_unique<Pipescale>(
        dir_, std::vector<std::string>{"run", (dir_ / "faults.toml").string(), "--out", out_.string()});
    ASSERT_TRUE(pipescale::test::wait_for_progress(*run_)) << run_->err();
  }

  [[nodiscard]] pid_t pid_of(const std::string& process) const {
    const std::string placement = read_text(out_ / "placement.json");
    const std::size_t entry = placement.find("{\"name\": \"" + process + "\"");
    if (entry == std::string::npos) return 0;
    return std::stoi(between(placement, "\"pid\": ", ',', entry));
  }

  // sent = completed + dropped + failed + lost, nothing answered twice.
  static void expect_accounted(const std::string& summary) {
    const std::uint64_t sent = count(summary, "sent");
    EXPECT_GT(sent, 0U);
    EXPECT_EQ(sent, count(summary, "completed") + count(summary, "dropped") + count(summary, "failed") +
                        count(summary, "lost"))
        << summary;
    EXPECT_EQ(count(summary, "unknown_returns"), 0U) << summary;
  }

  // From `from_s` on (the last row, the drain, left out): completed at least 80% of offered.
  void expect_recovered_from(int from_s) const {
    std::istringstream rows(read_text(out_ / "timeseries.csv"));
    std::string line;
    std::getline(rows, line);
    std::vector<std::pair<double, double>> seconds;
    while (std::getline(rows, line)) {
      std::istringstream cells(line);
      std::string second;
      std::string offered;
      std::string completed;
      std::getline(cells, second, ',');
      std::getline(cells, offered, ',');
      std::getline(cells, completed, ',');
      if (std::stoi(second) >= from_s) seconds.emplace_back(std::stod(offered), std::stod(completed));
    }
    ASSERT_GE(seconds.size(), 2U);
    seconds.pop_back();
    for (const auto& [offered, completed] : seconds) EXPECT_GE(completed, 0.8 * offered);
  }

  // A role lost 2 s into the run: named, replaced, the run reaches its end with exit 0.
  void expect_replaced(const std::string& process, pid_t pid, const std::string& how) {
    EXPECT_EQ(run_->wait(std::chrono::seconds(40)), 0) << run_->err();
    EXPECT_NE(run_->err().find(process + " (pid " + std::to_string(pid) + ") " + how), std::string::npos)
        << run_->err();
    const std::string summary = read_text(out_ / "summary.json");
    EXPECT_NE(summary.find("\"role_failures\": [\"" + process), std::string::npos) << summary;
    EXPECT_NE(summary.find("\"replacements\": [{\"process\": \"" + process), std::string::npos) << summary;
    EXPECT_NE(summary.find("\"valid\": true"), std::string::npos) << summary;
    EXPECT_EQ(count(summary, "lost"), 0U);
    expect_accounted(summary);
  }

  pipescale::test::ScratchDir scratch_{"pipescale-faults"};  // removed unless the test failed
  fs::path dir_;
  fs::path out_;
  std::unique_ptr<Pipescale> run_;
};

TEST_F(FaultsTest, AStoppedWorkerIsDeclaredHungReplacedAndCompletionsRecover) {
  start();
  const pid_t worker = pid_of("worker0.0");
  ASSERT_GT(worker, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(::kill(worker, SIGSTOP), 0);
  expect_replaced("worker0.0", worker, "hung: no heartbeat for");
  expect_recovered_from(4);  // stopped at about 1 s, so 2 s later and on
}

TEST_F(FaultsTest, AKilledWorkerIsReplacedAndCompletionsRecover) {
  start();
  const pid_t worker = pid_of("worker1.0");
  ASSERT_GT(worker, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(::kill(worker, SIGKILL), 0);
  expect_replaced("worker1.0", worker, "was killed by signal 9");
  expect_recovered_from(4);
}

TEST_F(FaultsTest, AKilledFrontendIsReplacedAndTheRunReachesItsEnd) {
  start();
  const pid_t frontend = pid_of("frontend1");
  ASSERT_GT(frontend, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(::kill(frontend, SIGKILL), 0);
  expect_replaced("frontend1", frontend, "was killed by signal 9");
  expect_recovered_from(4);
}

TEST_F(FaultsTest, AKilledSchedulerIsReplacedAndTheRunReachesItsEnd) {
  start();
  const pid_t scheduler = pid_of("scheduler");
  ASSERT_GT(scheduler, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(::kill(scheduler, SIGKILL), 0);
  expect_replaced("scheduler", scheduler, "was killed by signal 9");
}

TEST_F(FaultsTest, AKilledClientEndsTheRunWithTheLostCountedAndTheRatesInvalid) {
  start();
  const pid_t client = pid_of("client");
  ASSERT_GT(client, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(::kill(client, SIGKILL), 0);
  EXPECT_EQ(run_->wait(std::chrono::seconds(40)), 1) << run_->err();
  const std::string summary = read_text(out_ / "summary.json");
  EXPECT_NE(summary.find("\"valid\": false"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"invalid_reasons\": [\"the Client died\"]"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"slo_attainment\": null"), std::string::npos) << summary;
  EXPECT_NE(run_->out().find("SLO attainment n/a (invalid: the Client died)"), std::string::npos) << run_->out();
  const std::uint64_t sent = count(summary, "sent");
  EXPECT_EQ(sent,
            count(summary, "completed") + count(summary, "dropped") + count(summary, "failed") + count(summary, "lost"))
      << summary;
  EXPECT_EQ(summary.find("\"replacements\": [{"), std::string::npos) << summary;  // never replaced
}

TEST_F(FaultsTest, StopEndsTheRunAtTheFirstLostRoleAsBefore) {
  start("stop", 30);
  const pid_t worker = pid_of("worker0.0");
  ASSERT_GT(worker, 0);
  ASSERT_EQ(::kill(worker, SIGSTOP), 0);
  EXPECT_EQ(run_->wait(std::chrono::seconds(30)), 1) << run_->err();
  EXPECT_NE(run_->err().find("worker0.0 (pid " + std::to_string(worker) + ") hung: no heartbeat for"),
            std::string::npos)
      << run_->err();
  const std::string summary = read_text(out_ / "summary.json");
  EXPECT_NE(summary.find("\"replacements\": []"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"interrupted\": false"), std::string::npos) << summary;
  EXPECT_LT(count(summary, "sent"), 150U * 15);  // stopped well before the end
  expect_accounted(summary);
}

}  // namespace

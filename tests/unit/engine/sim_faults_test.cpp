// The simulator's fault schedule: each action at its virtual time, undone after its duration, a
// long stop declared hung at at_s + the liveness timeout, and what is in force ended at the run's end.
#include "engine/simulate/sim_faults.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace pipescale::engine {
namespace {

constexpr std::int64_t kStart = 5'000'000'000;  // the run's start, virtual
constexpr std::int64_t kMs = 1'000'000;

PipelineConfig pipeline(std::vector<FaultConfig> faults) {
  PipelineConfig config;
  config.run.duration_s = 60.0;
  config.stages.resize(2);
  config.stages[0].name = std::string("a");  // moved in: GCC 12 warns falsely on assigning a literal here
  config.stages[1].name = std::string("b");  // moved in: GCC 12 warns falsely on assigning a literal here
  config.faults = std::move(faults);
  return config;
}

// Every action the schedule takes, as "<virtual ms from start> <action> <target> <value>".
struct Log {
  std::vector<std::string> lines;
  std::int64_t now = 0;
  SimFaultActions actions() {
    auto at = [this] { return std::to_string((now - kStart) / kMs) + " "; };
    return {[this, at](const std::string& p) { lines.push_back(at() + "lose " + p); },
            [this, at](const std::string& p, bool s) { lines.push_back(at() + "stop " + p + (s ? " 1" : " 0")); },
            [this, at](const std::string& p, std::uint32_t f) {
              lines.push_back(at() + "slow " + p + " " + std::to_string(f));
            },
            [this, at](const std::string& l, bool d) { lines.push_back(at() + "drop " + l + (d ? " 1" : " 0")); }};
  }
};

// Walks the schedule event by event, as the simulation does, until the run ends at end_ms.
Log walk(SimFaults& faults, std::int64_t end_ms) {
  Log log;
  faults.start(kStart);
  const SimFaultActions actions = log.actions();
  for (std::int64_t next = faults.next_ns(); next != 0 && next <= kStart + end_ms * kMs; next = faults.next_ns()) {
    log.now = next;
    faults.apply_due(next, actions);
  }
  log.now = kStart + end_ms * kMs;
  faults.finish(log.now, actions);
  return log;
}

TEST(SimFaults, AppliesEachActionAtItsTimeAndUndoesItAfterItsDuration) {
  const PipelineConfig config = pipeline({{2.0, "worker1.0", FaultAction::kSlow, 1.5, 3.0},
                                          {1.0, "frontend0-worker0.0", FaultAction::kDropLink, 0.25, 1.0},
                                          {3.0, "worker0.0", FaultAction::kStop, 0.5, 1.0},
                                          {4.0, "stages.b.worker", FaultAction::kKill, 0.0, 1.0}});
  SimFaults faults(config, 0);
  const Log log = walk(faults, 10'000);
  EXPECT_EQ(log.lines,
            (std::vector<std::string>{"1000 drop frontend0-worker0.0 1", "1250 drop frontend0-worker0.0 0",
                                      "2000 slow worker1.0 3000", "3000 stop worker0.0 1", "3500 slow worker1.0 0",
                                      "3500 stop worker0.0 0", "4000 lose worker1.0"}));
  const auto& records = faults.records();
  EXPECT_DOUBLE_EQ(records[0].applied_s, 2.0);
  EXPECT_DOUBLE_EQ(records[0].ended_s, 3.5);
  EXPECT_DOUBLE_EQ(records[2].ended_s, 3.5);
  EXPECT_LT(records[2].lost_s, 0.0);  // a short stop only pauses
  EXPECT_EQ(records[3].resolved, "worker1.0");
  EXPECT_DOUBLE_EQ(records[3].lost_s, 4.0);
  EXPECT_LT(records[3].ended_s, 0.0);
}

TEST(SimFaults, DeclaresAStopLongerThanTheLivenessTimeoutHungAndLost) {
  const PipelineConfig config =
      pipeline({{2.0, "worker0.1", FaultAction::kStop, 3.0, 1.0}, {2.0, "worker0.2", FaultAction::kStop, 0.5, 1.0}});
  SimFaults faults(config, 800 * kMs);
  const Log log = walk(faults, 10'000);
  // worker0.1 stops at 2 s and is declared hung 800 ms later; its stop's end then continues nothing.
  EXPECT_EQ(log.lines, (std::vector<std::string>{"2000 stop worker0.1 1", "2000 stop worker0.2 1",
                                                 "2500 stop worker0.2 0", "2800 lose worker0.1"}));
  EXPECT_DOUBLE_EQ(faults.records()[0].lost_s, 2.8);
  EXPECT_DOUBLE_EQ(faults.records()[0].ended_s, 5.0);
  EXPECT_EQ(faults.records()[0].note, "worker0.1 was declared hung and lost");
  EXPECT_LT(faults.records()[1].lost_s, 0.0);
}

TEST(SimFaults, EndsWhatIsInForceWhenTheRunEndsAndSkipsWhatNeverBegan) {
  const PipelineConfig config =
      pipeline({{1.0, "worker1.1", FaultAction::kSlow, 30.0, 2.0}, {20.0, "worker1.1", FaultAction::kKill, 0.0, 1.0}});
  SimFaults faults(config, 0);
  const Log log = walk(faults, 4'000);
  EXPECT_EQ(log.lines, (std::vector<std::string>{"1000 slow worker1.1 2000", "4000 slow worker1.1 0"}));
  EXPECT_DOUBLE_EQ(faults.records()[0].ended_s, 4.0);
  EXPECT_LT(faults.records()[1].applied_s, 0.0);
}

TEST(SimFaults, HasNoStepBeforeTheRunStarts) {
  SimFaults faults(pipeline({{0.0, "worker0.0", FaultAction::kKill, 0.0, 1.0}}), 0);
  EXPECT_EQ(faults.next_ns(), 0);
  faults.start(kStart);
  EXPECT_EQ(faults.next_ns(), kStart);
}

}  // namespace
}  // namespace pipescale::engine

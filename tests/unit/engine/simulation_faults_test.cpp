// Injected faults in whole simulated pipelines: one stage, one Worker, 5 ms per request, a
// request every 50 ms (uniform arrivals at 20/s), no hop delay, so every figure is hand-computed.
#include <filesystem>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

#include "base/metrics/latency_histogram.hpp"
#include "engine/config/config_loader.hpp"
#include "engine/simulate/simulation.hpp"
#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

constexpr std::int64_t kMs = 1'000'000;

PipelineConfig with_fault(const test::ScratchDir& dir, const std::string& fault) {
  test::write_text(dir.path() / "trace.csv", "time_s,rate_rps\n0,20\n");
  std::ostringstream toml;
  toml << "[run]\nduration_s = 10\nseed = 7\nslo_ms = 60000\n"
       << "[client]\ntrace_path = \"trace.csv\"\narrival = \"uniform\"\n"
       << "[scheduler]\nenabled = false\n"
       << "[[stages]]\nname = \"server\"\nprofile = [{ batch_size = 1, latency_ms = 5 }]\n"
       << "workers_min = 1\nworkers_max = 1\n"
       << "[[faults]]\n"
       << fault;
  test::write_text(dir.path() / "config.toml", toml.str());
  auto config = load_config(dir.path() / "config.toml");
  EXPECT_TRUE(config.ok()) << (config ? "" : config.error().message);
  return config ? *config : PipelineConfig{};
}

struct Outcome {
  LatencySummary latency;
  std::uint64_t sent = 0, completed = 0, dropped = 0, failed = 0;
  FaultRecord record;
};

Outcome simulate(const PipelineConfig& config) {
  Outcome out;
  auto simulation = Simulation::create(config, {});
  EXPECT_TRUE(simulation.ok()) << (simulation ? "" : simulation.error().message);
  if (!simulation) return out;
  auto ran = (*simulation)->run();
  EXPECT_TRUE(ran.ok()) << (ran ? "" : ran.error().message);
  const roles::ClientStats& client = *(*simulation)->board().client;
  LatencyHistogram latency;
  client.latency_bins.merge_into(latency);
  out.latency = latency.summary();
  out.sent = client.sent.get();
  out.completed = client.completed.get();
  out.dropped = client.dropped.get();
  out.failed = client.failed.get();
  out.record = (*simulation)->fault_records().at(0);
  return out;
}

TEST(SimulationFaults, ASlowWorkerTakesFactorTimesItsModelTimeForTheDuration) {
  test::ScratchDir dir("pipescale-simfault");
  const Outcome out = simulate(with_fault(dir,
                                          "at_s = 2\ntarget = \"worker0.0\"\naction = \"slow\"\nfactor = 3\n"
                                          "duration_s = 2\n"));
  EXPECT_EQ(out.sent, 200U);
  EXPECT_EQ(out.completed, out.sent);
  EXPECT_EQ(out.latency.min_ns, 5 * kMs);   // before and after: as drawn
  EXPECT_EQ(out.latency.max_ns, 15 * kMs);  // meanwhile: 3 x 5 ms, and 15 ms < the 50 ms between requests
  EXPECT_DOUBLE_EQ(out.record.applied_s, 2.0);
  EXPECT_DOUBLE_EQ(out.record.ended_s, 4.0);
}

TEST(SimulationFaults, ADroppedLinkFailsItsCallsWithUnavailableForTheDuration) {
  test::ScratchDir dir("pipescale-simfault");
  const Outcome out = simulate(with_fault(dir,
                                          "at_s = 2\ntarget = \"client-frontend0\"\naction = \"drop_link\"\n"
                                          "duration_s = 1\n"));
  EXPECT_EQ(out.sent, 200U);
  EXPECT_EQ(out.failed, 20U);  // one second of sends at 20/s
  EXPECT_EQ(out.completed, 180U);
  EXPECT_EQ(out.latency.max_ns, 5 * kMs);
}

TEST(SimulationFaults, AShortStopPausesTheWorkerAndItCatchesUp) {
  test::ScratchDir dir("pipescale-simfault");
  const Outcome out =
      simulate(with_fault(dir, "at_s = 2\ntarget = \"worker0.0\"\naction = \"stop\"\nduration_s = 0.5\n"));
  EXPECT_EQ(out.completed, out.sent);
  // The first request after 2 s waits for the resume at 2.5 s, then its 5 ms: at most 505 ms.
  EXPECT_GT(out.latency.max_ns, 450 * kMs);
  EXPECT_LE(out.latency.max_ns, 505 * kMs);
  EXPECT_LT(out.record.lost_s, 0.0);
}

TEST(SimulationFaults, AKilledWorkerIsLostAndTheStageServesNoMore) {
  test::ScratchDir dir("pipescale-simfault");
  const Outcome out = simulate(with_fault(dir, "at_s = 2\ntarget = \"worker0.0\"\naction = \"kill\"\n"));
  EXPECT_EQ(out.sent, 200U);
  EXPECT_EQ(out.completed, 40U);  // the requests of the first 2 s
  EXPECT_EQ(out.sent, out.completed + out.dropped + out.failed);
  EXPECT_DOUBLE_EQ(out.record.lost_s, 2.0);
}

}  // namespace
}  // namespace pipescale::engine

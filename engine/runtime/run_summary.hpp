#pragma once
// A results folder's summary.json read back: the figures `pipescale compare` sets side by side and
// a sweep tabulates. Only the keys those need are read (engine/runtime/README.md lists them all);
// each must be there with its type, so a damaged or foreign file is refused with the key named
// rather than compared as zeros.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

struct LatencyPercentilesMs {
  double p50 = 0.0;
  double p90 = 0.0;
  double p99 = 0.0;
  double p999 = 0.0;
  double max = 0.0;
  double mean = 0.0;
};

struct HopOverheadUs {
  double p50 = 0.0;
  double p99 = 0.0;
};

struct StageRunSummary {
  std::string name;
  std::uint64_t dropped = 0;  // drops_by_stage.<stage>.total
  // Every other key under drops_by_stage.<stage>, in file order: {"queue_full", 3}, ...
  std::vector<std::pair<std::string, std::uint64_t>> drop_reasons;
  double worker_seconds = 0.0;
};

struct RunSummary {
  std::string mode = "run";  // "run" or "simulate"; folders written before simulation have no key
  std::string transport;
  bool scheduler_enabled = true;
  double slo_ms = 0.0;
  double duration_s = 0.0;
  std::uint64_t sent = 0;
  std::uint64_t completed = 0;
  std::uint64_t completed_within_slo = 0;
  std::uint64_t dropped = 0;
  std::uint64_t failed = 0;
  double slo_attainment = 0.0;  // a fraction, 0 .. 1
  LatencyPercentilesMs latency_ms;
  HopOverheadUs hop_overhead_us;
  std::vector<StageRunSummary> stages;  // in file order
  std::optional<double> hop_delay_us;   // only in simulated runs
  // Folders written before these keys existed have neither.
  std::optional<double> goodput_rps;      // completed within the SLO per second sent
  std::optional<double> wasted_fraction;  // wasted over busy worker-seconds
};

// The stage named `name`, or null when the run has none.
const StageRunSummary* find_stage(const RunSummary& summary, const std::string& name);
// The worker-seconds of every stage, summed.
double total_worker_seconds(const RunSummary& summary);

// Reads RUN_DIR/summary.json. The error names the folder or the file, and for a bad key the key,
// what was expected and what was found: "runs/x/summary.json: key 'latency_ms.p99': expected a
// number, got a string".
Result<RunSummary> read_run_summary(const std::filesystem::path& run_dir);

}  // namespace pipescale::engine

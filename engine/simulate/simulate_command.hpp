#pragma once
// `pipescale simulate`: one experiment on the simulator twin (simulation.hpp). The same config,
// trace and seed as `pipescale run`, the same checks before anything starts, the same results
// folder (config.toml, summary.json with "mode": "simulate", timeseries.csv, stages.csv; no
// placement.json or logs/, since nothing is placed or started), in a fraction of the time.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/simulate/simulation.hpp"

namespace pipescale::engine {

struct SimulateOptions {
  std::filesystem::path config;
  std::vector<std::string> overrides;    // --set KEY=VALUE
  std::optional<double> duration_s;      // --duration-s: run.duration_s
  std::optional<double> hop_delay_us;    // --hop-delay-us: simulate.hop_delay_us
  std::filesystem::path hop_delay_from;  // --hop-delay-from RUN_DIR: that run's hop_overhead_us p50
  std::filesystem::path out_dir;         // empty: runs/sim-<timestamp>
  bool progress = true;
};

// Exit status: 0 done; 1 the simulation failed (the reason on stderr; the folder holds only
// config.toml); 2 bad config or input (nothing written); 3 the results folder could not be written.
int simulate(const SimulateOptions& options);

struct SimulatedRun {
  std::filesystem::path dir;
  std::string table;  // the summary printed at the end
  SimulationResult result;
  double wall_s = 0.0;
};

// One simulation of a config already checked (preflight), its results written to `dir`, a folder
// create_results_dir() made for this config (it holds config.toml already).
Result<SimulatedRun> simulate_into(const PipelineConfig& config, const std::filesystem::path& dir, bool progress);

}  // namespace pipescale::engine

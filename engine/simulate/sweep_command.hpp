#pragma once
// `pipescale sweep CONFIG --param KEY --values V1,V2,... [--param KEY2 --values ...]
// [--replications N]`: one experiment per point of the grid of the swept keys' values (any key
// --set takes, numeric or not: client.rate_scale, run.slo_ms, stages.detect.drop, ...), each run
// N times with seeds run.seed, run.seed+1, ..., live (`pipescale run`) or on the simulator twin
// (--simulate), each run in a results folder of its own under the sweep's folder. Then
// sweep_runs.csv (one row per run), sweep.csv (one row per point: each metric's mean and 95 %
// Student's t confidence interval across the replications) and sweep.png (the headline figures
// against the first key with error bars, one line per value of the other keys).
//
// Every point is checked before the first experiment starts: a value a key refuses stops the
// sweep with nothing run (exit 2).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/simulate/sweep_plan.hpp"

namespace pipescale::engine {

struct SweepOptions {
  std::filesystem::path config;
  std::vector<SweepParam> params;      // the swept keys, the first one the plot's x axis
  std::size_t replications = 1;        // runs per point, seeds run.seed + 0, 1, ...
  bool simulate = false;               // each experiment on the simulator twin instead of live
  std::vector<std::string> overrides;  // --set KEY=VALUE, applied to every experiment before the swept keys
  std::optional<double> duration_s;    // --duration-s: run.duration_s
  std::filesystem::path out_dir;       // empty: runs/sweep-<timestamp>
  std::filesystem::path executable;    // this binary: the live runs' role processes
  std::filesystem::path plot_script;   // scripts/plot.py; empty: no plot
  bool progress = true;
};

// Exit status: 0 every experiment ran; 1 a live run had a role fail (its results and the sweep's
// tables are still written); 2 bad config, key or value (nothing run); 3 set-up failed (or a
// table or the plot could not be written); 130 interrupted (the finished experiments are tabulated).
int sweep(const SweepOptions& options);

}  // namespace pipescale::engine

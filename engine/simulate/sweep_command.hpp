#pragma once
// `pipescale sweep CONFIG --param KEY --values V1,V2,...`: one experiment per value of one config
// key (any key --set takes: client.rate_scale to sweep load, run.slo_ms, scheduler.enabled, ...),
// live (`pipescale run`) or on the simulator twin (--simulate), each in a results folder of its
// own under the sweep's folder; then sweep.csv (one row per value: the key figures of each
// summary.json) and sweep.png (SLO attainment, drop rate and p99 against the value).
//
// Every value is checked before the first experiment starts: a value the key refuses stops the
// sweep with nothing run (exit 2).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pipescale::engine {

struct SweepOptions {
  std::filesystem::path config;
  std::string param;                   // the swept key, as --set spells it
  std::vector<std::string> values;     // in sweep order
  bool simulate = false;               // each experiment on the simulator twin instead of live
  std::vector<std::string> overrides;  // --set KEY=VALUE, applied to every experiment before the swept key
  std::optional<double> duration_s;    // --duration-s: run.duration_s
  std::filesystem::path out_dir;       // empty: runs/sweep-<timestamp>
  std::filesystem::path executable;    // this binary: the live runs' role processes
  std::filesystem::path plot_script;   // scripts/plot.py; empty: no plot
  bool progress = true;
};

// Exit status: 0 every experiment ran; 1 a live run had a role fail (its results and the sweep's
// table are still written); 2 bad config, key or value (nothing run); 3 set-up failed (or the
// table or plot could not be written); 130 interrupted (the finished experiments are tabulated).
int sweep(const SweepOptions& options);

// The folder of the index-th experiment (from 0) of `count`: "03-1.5", its value made safe for a
// file name (anything but letters, digits, '.', '-' and '_' becomes '_').
std::string sweep_run_folder(std::size_t index, std::size_t count, const std::string& value);

}  // namespace pipescale::engine

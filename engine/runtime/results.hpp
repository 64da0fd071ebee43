#pragma once
// The results folder of a run, written from the statistics board once every role has exited:
//
//   config.toml       the effective config (written by the launcher before the run)
//   placement.json    each process: role, stage, pid, cpus; and the wait strategy
//   summary.json      the totals, SLO attainment, latency and hop percentiles, drops by stage
//   timeseries.csv    one row per second of the run
//   stages.csv        one row per stage
//   requests.csv.gz   one row per request (or a seeded sample), run_records.hpp
//   trace.json        the run as a timeline for Perfetto, run_records.hpp
//   tensorboard/      timeseries.csv as TensorBoard scalars (tensorboard_events.hpp)
//   manifest.json     build, command line, config digest, machine, times (manifest.hpp)
//   logs/             each role process's stderr
//
// engine/runtime/README.md documents every field and column.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/metrics/latency_histogram.hpp"
#include "base/result.hpp"
#include "engine/config/config.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/faults.hpp"
#include "engine/runtime/figure_checks.hpp"
#include "engine/runtime/placement_plan.hpp"
#include "engine/runtime/topology.hpp"

namespace pipescale::engine {

// Writes the effective config into the folder as config.toml (making the folder when missing);
// returns the folder's absolute path. results_dir.hpp claims a folder no other run uses.
Result<std::filesystem::path> create_results_dir(const std::filesystem::path& dir, const PipelineConfig& config);

// A lost role's successor (engine/runtime/README.md, "Supervision").
struct Replacement {
  std::string process;
  double at_s = 0.0;  // seconds into the run
  int old_pid = 0;
  int new_pid = 0;
  std::string why;
};

struct RunRecord {
  // "run" for `pipescale run`, "simulate" for `pipescale simulate` (no plan, placement or pids;
  // elapsed_s is virtual time; hop_delay_us is the simulated cost of a message).
  std::string mode = "run";
  double hop_delay_us = 0.0;
  [[nodiscard]] bool simulated() const { return mode == "simulate"; }
  std::filesystem::path dir;
  const PipelineConfig* config = nullptr;
  const Topology* topology = nullptr;
  const PlacementPlan* plan = nullptr;         // null in a simulation
  const PlacementRecord* placement = nullptr;  // what was bound; null until the processes are up
  const Board* board = nullptr;
  std::vector<int> pids;  // topology order; 0 for a process that never started
  bool interrupted = false;
  std::vector<std::string> failures;      // one line per role that failed or died
  std::vector<FaultRecord> faults;        // one per config.faults entry (faults.hpp)
  std::vector<Replacement> replacements;  // each lost role's successor
  // Why the outcome counts cannot be believed (the Client died: what it held is `lost`); empty
  // when they can. Every figure derived from them is then null in summary.json, n/a on screen.
  std::vector<std::string> invalid_reasons;
  std::vector<std::string> data_losses;                // one line per role that closed a corrupt ring
  double elapsed_s = 0.0;                              // from the first send to the end
  std::chrono::system_clock::time_point started_at{};  // wall clock at the start (manifest.json)
};

struct Summary {
  std::uint64_t sent = 0;
  std::uint64_t completed = 0;
  std::uint64_t completed_within_slo = 0;
  std::uint64_t dropped = 0;
  std::uint64_t failed = 0;
  std::uint64_t lost = 0;  // sent - completed - dropped - failed when the Client died; else 0
  double slo_attainment = 0.0;
  double goodput_rps = 0.0;     // completed within the SLO per second of the window they were sent in
  double throughput_rps = 0.0;  // completed per second of the same window (Little's law: x mean latency)
  LatencySummary latency;
  LatencySummary hop;
  FigureValidity validity;  // figure_checks.hpp: impossible figures and lost data make it invalid
};

Summary summarize(const RunRecord& record);
Status write_placement(const RunRecord& record);
// summary.json, timeseries.csv, stages.csv, tensorboard/ and manifest.json; returns the table
// printed at the end, and the summary's validity in `validity` when given.
Result<std::string> write_results(const RunRecord& record, FigureValidity* validity = nullptr);

}  // namespace pipescale::engine

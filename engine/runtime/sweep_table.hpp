#pragma once
// A sweep's two tables. sweep_runs.csv: one row per run (the grid point's values, the
// replication and its seed, the key figures of its summary.json). sweep.csv: one row per grid
// point, each metric's mean over the point's replications and the bounds of its 95 % Student's t
// confidence interval. scripts/plot draws sweep.csv (sweep.png); engine/runtime/README.md lists
// every column.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/runtime/run_summary.hpp"

namespace pipescale::engine {

// One run of a sweep.
struct SweepRun {
  std::vector<std::string> values;  // the swept keys' values as given ("1.5", "never"), in key order
  std::size_t replication = 0;      // from 0; seed = the point's run.seed + replication
  std::uint64_t seed = 0;
  std::filesystem::path run_dir;
  RunSummary summary;
};

// One figure of a run, as sweep_runs.csv writes it (with `decimals`) and sweep.csv averages it.
struct RunMetric {
  std::string name;  // the column ("p99_ms", "detect_dropped")
  int decimals = 0;
  std::optional<double> value;  // none: the run's summary.json does not have it (or no such stage)
};

// The figures of one run, in column order; the per-stage ones for `stages`, in their order.
std::vector<RunMetric> run_metrics(const RunSummary& summary, const std::vector<std::string>& stages);

// The stages of the first run, in its order: the per-stage columns of both tables.
std::vector<std::string> sweep_stages(const std::vector<SweepRun>& runs);

// Writes sweep_runs.csv: a header (the keys, then replication, seed, mode, the metrics, run_dir)
// and one row per run, in the order given. Numbers have fixed decimals, so the same summaries give
// the same bytes.
Status write_sweep_runs_csv(const std::filesystem::path& path, const std::vector<std::string>& keys,
                            const std::vector<SweepRun>& runs);

// Writes sweep.csv: a header (the keys, runs, mode, then <metric>_mean, <metric>_ci_low,
// <metric>_ci_high per metric) and one row per point (runs with equal values), in the order each
// point first appears. The bounds are empty when a point has fewer than two values of the metric.
Status write_sweep_csv(const std::filesystem::path& path, const std::vector<std::string>& keys,
                       const std::vector<SweepRun>& runs);

// RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_cell(const std::string& text);

}  // namespace pipescale::engine

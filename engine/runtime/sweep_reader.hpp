#pragma once
// Reads a sweep folder's sweep.csv (sweep_table.hpp) back: the swept keys, and per point its
// values, its number of runs and each metric's mean and confidence bounds. `pipescale compare`
// uses it to set two sweeps side by side.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

struct SweepStatistic {
  std::optional<double> mean;  // none: an empty cell (no run had the figure)
  std::optional<double> low;   // none: fewer than two runs
  std::optional<double> high;
};

struct SweepTablePoint {
  std::vector<std::string> values;  // one per key, in the table's key order
  std::size_t runs = 0;
  std::map<std::string, SweepStatistic> metrics;  // by metric name ("p99_ms")
};

struct SweepTable {
  std::vector<std::string> keys;  // the header's cells before "runs"
  std::vector<SweepTablePoint> points;
};

// True when DIR holds a sweep.csv: a sweep's folder rather than a run's.
bool is_sweep_dir(const std::filesystem::path& dir);

// Reads DIR/sweep.csv. The error names the file, and the line and column of a bad cell.
Result<SweepTable> read_sweep_table(const std::filesystem::path& dir);

// The rows of a CSV text, RFC 4180 quoting undone; an empty line is no row. Error: an unclosed
// quote.
Result<std::vector<std::vector<std::string>>> parse_csv(const std::string& text);

}  // namespace pipescale::engine

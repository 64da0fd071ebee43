#pragma once
// `pipescale compare SWEEP_DIR_A SWEEP_DIR_B`: two sweeps over the same keys, point by point:
// each headline metric's mean and 95 % confidence interval in A and in B, the difference of the
// means, and whether the two intervals overlap (an overlap means the replications cannot tell
// the two apart at that confidence; intervals apart mean they can). engine/runtime/README.md
// describes every row.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "engine/runtime/compare_command.hpp"
#include "engine/runtime/sweep_reader.hpp"

namespace pipescale::engine {

struct ComparedSweep {
  std::filesystem::path dir;
  SweepTable table;
};

// What two confidence intervals say about B against A.
enum class IntervalVerdict { kUnknown, kOverlap, kBHigher, kBLower };

// kUnknown when a side has no interval (one run), kOverlap when [low, high] share a value.
IntervalVerdict interval_verdict(const SweepStatistic& a, const SweepStatistic& b);

// Error: the sweeps swept different keys (their points cannot be matched).
Status check_same_keys(const ComparedSweep& a, const ComparedSweep& b);

// The table as printed: a header line per sweep, then point | metric | A | B | B - A | intervals,
// A's points in order, then those only B has.
std::string sweep_comparison_table(const ComparedSweep& a, const ComparedSweep& b);
// The same as one JSON object.
std::string sweep_comparison_json(const ComparedSweep& a, const ComparedSweep& b);

// Reads both sweep.csv files and prints the table (or JSON) on `out`, errors on `err`.
// Exit status: 0 printed; 2 a sweep.csv could not be read, or the sweeps swept different keys.
int compare_sweeps(const CompareOptions& options, std::ostream& out, std::ostream& err);

}  // namespace pipescale::engine

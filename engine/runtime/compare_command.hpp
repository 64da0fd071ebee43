#pragma once
// `pipescale compare RUN_DIR_A RUN_DIR_B`: two results folders side by side, row by row with the
// difference B - A and the relative change, as a table or as JSON. engine/runtime/README.md
// describes every row.
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "engine/runtime/manifest.hpp"
#include "engine/runtime/run_summary.hpp"

namespace pipescale::engine {

struct CompareOptions {
  std::filesystem::path run_a;
  std::filesystem::path run_b;
  bool json = false;
};

// One side of a comparison: the folder as the user named it, its summary.json and, when it has one,
// its manifest.json.
struct ComparedRun {
  std::filesystem::path dir;
  RunSummary summary;
  std::optional<ManifestFacts> manifest;
};

// One line per reason the two runs are not the same experiment (different SLOs, different stage
// lists) or may not measure alike (different machines or builds, from their manifests); empty
// when they are comparable.
std::vector<std::string> comparison_warnings(const ComparedRun& a, const ComparedRun& b);
// The table as printed: a header line per run, then metric | A | B | B - A | change.
std::string comparison_table(const ComparedRun& a, const ComparedRun& b);
// The same rows as one JSON object (with the warnings).
std::string comparison_json(const ComparedRun& a, const ComparedRun& b);

// Reads both folders and prints the table (or JSON) on `out`, warnings and errors on `err`.
// Exit status: 0 printed (warnings or not), 2 a folder could not be read (the reader's message).
int compare_runs(const CompareOptions& options, std::ostream& out, std::ostream& err);

}  // namespace pipescale::engine

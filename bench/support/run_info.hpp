#pragma once
// What a benchmark result records about where it was measured (STYLE.md rule 14), and a small
// JSON emitter for the results: the output is a handful of numbers, not worth a dependency.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/metrics/json_writer.hpp"
#include "base/result.hpp"

namespace pipescale::bench {

// PIPESCALE_COMMIT from the environment (scripts/bench sets it, with "-dirty" for local changes),
// else the commit the binary was configured at, else "unknown".
std::string commit_id();

// Writes `text` to `path` (with a final newline); false with errno set on failure.
bool write_text_file(const std::string& path, const std::string& text);

// How every harness ends: the table on stdout, then the JSON on stdout, or in json_path when one
// was given.
Status emit_report(const std::string& table, const std::string& json, const std::string& json_path);

// The deepest cache that the two PUs share ("L3", "L2"), or "none"; from hwloc.
std::string shared_cache(int first_pu, int second_pu);
// Median cost of one CLOCK_MONOTONIC read, which every timed sample includes once.
std::int64_t clock_read_ns();

}  // namespace pipescale::bench

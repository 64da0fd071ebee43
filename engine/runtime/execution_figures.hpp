#pragma once
// How each stage's batches kept time: the Workers' per-batch histograms of the drawn time, the
// achieved time (end - start) and the execution error (achieved - drawn), merged over the stage
// (roles/worker/worker.hpp; the Worker's README says what the error measures). stages.csv and
// summary.json report them; engine/runtime/README.md documents the columns and keys.
#include <cstddef>
#include <string>

#include "base/metrics/json_writer.hpp"
#include "base/metrics/latency_histogram.hpp"
#include "engine/runtime/results.hpp"

namespace pipescale::engine {

struct ExecutionFigures {
  LatencySummary drawn;
  LatencySummary achieved;
  LatencySummary error;
};

ExecutionFigures execution_figures(const Board& board, std::size_t stage);

// The stages.csv columns below, and one row's values for the stage (each with a leading comma).
inline constexpr const char* kExecutionColumns =
    ",drawn_p50_ms,drawn_p99_ms,achieved_p50_ms,achieved_p99_ms,execution_error_p50_us,execution_error_p99_us";
std::string execution_csv_cells(const Board& board, std::size_t stage);

// "execution_by_stage": { name: { "drawn_ms": {p50, p99}, "achieved_ms": {...}, "error_us": {...},
// "batches": n }, ... }
void execution_json(JsonWriter& json, const RunRecord& record);

}  // namespace pipescale::engine

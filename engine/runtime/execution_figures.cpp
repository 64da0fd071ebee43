#include "engine/runtime/execution_figures.hpp"

#include <cstdio>

namespace pipescale::engine {
namespace {

std::string decimals(double value, int places) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", places, value);
  return text;
}

void p50_p99(JsonWriter& json, const char* key, const LatencySummary& summary, double unit_ns) {
  json.key(key).begin_object();
  json.key("p50").value(static_cast<double>(summary.p50_ns) / unit_ns);
  json.key("p99").value(static_cast<double>(summary.p99_ns) / unit_ns);
  json.end_object();
}

}  // namespace

ExecutionFigures execution_figures(const Board& board, std::size_t stage) {
  LatencyHistogram drawn;
  LatencyHistogram achieved;
  LatencyHistogram error;
  for (const roles::WorkerStats* worker : board.workers[stage]) {
    worker->drawn_bins.merge_into(drawn);
    worker->achieved_bins.merge_into(achieved);
    worker->execution_error_bins.merge_into(error);
  }
  return {drawn.summary(), achieved.summary(), error.summary()};
}

std::string execution_csv_cells(const Board& board, std::size_t stage) {
  const ExecutionFigures figures = execution_figures(board, stage);
  const auto ms = [](std::int64_t ns) { return decimals(static_cast<double>(ns) / 1e6, 3); };
  const auto us = [](std::int64_t ns) { return decimals(static_cast<double>(ns) / 1e3, 1); };
  // Appended piece by piece: a chain of operator+ here trips GCC 12's false -Wrestrict at -O3.
  std::string cells;
  for (const std::string& cell : {ms(figures.drawn.p50_ns), ms(figures.drawn.p99_ns), ms(figures.achieved.p50_ns),
                                  ms(figures.achieved.p99_ns), us(figures.error.p50_ns), us(figures.error.p99_ns)}) {
    cells.append(",").append(cell);
  }
  return cells;
}

void execution_json(JsonWriter& json, const RunRecord& record) {
  json.key("execution_by_stage").begin_object();
  for (std::size_t s = 0; s < record.config->stages.size(); ++s) {
    const ExecutionFigures figures = execution_figures(*record.board, s);
    json.key(record.config->stages[s].name).begin_object();
    json.key("batches").value(figures.drawn.count);
    p50_p99(json, "drawn_ms", figures.drawn, 1e6);
    p50_p99(json, "achieved_ms", figures.achieved, 1e6);
    p50_p99(json, "error_us", figures.error, 1e3);
    json.end_object();
  }
  json.end_object();
}

}  // namespace pipescale::engine

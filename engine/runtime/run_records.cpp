#include "engine/runtime/run_records.hpp"

#include "engine/runtime/request_log_csv.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/trace_json.hpp"

namespace pipescale::engine {
namespace {

constexpr const char* kRequestLogFile = "requests.csv.gz";
constexpr const char* kTraceFile = "trace.json";

std::uint32_t logged_rows(const Board& board) {
  return board.request_log == nullptr ? 0 : board.request_log->readable(board.request_log_bytes);
}

}  // namespace

void records_json(JsonWriter& json, const RunRecord& record) {
  const Board& board = *record.board;
  json.key("request_log").begin_object();
  json.key("file").value(kRequestLogFile);
  json.key("rows").value(std::uint64_t{logged_rows(board)});
  json.key("sample").value(record.config->run.request_log_sample, 6);
  json.key("not_logged").value(board.request_log == nullptr ? std::uint64_t{0} : board.request_log->not_logged.get());
  json.end_object();
  json.key("trace").begin_object();
  json.key("file").value(kTraceFile);
  json.key("sample").value(record.config->run.trace_sample, 6);
  json.end_object();
}

Status write_records(const RunRecord& record) {
  const Board& board = *record.board;
  const std::int64_t start_ns = board.control->start_ns.get();
  if (board.request_log != nullptr) {
    RequestLogFormat format;
    format.start_ns = start_ns;
    format.slo_ns = slo_ns(*record.config);
    for (const StageConfig& stage : record.config->stages) format.stage_names.push_back(stage.name);
    auto written = write_request_log(record.dir / kRequestLogFile, format, *board.request_log, board.request_log_bytes);
    if (!written) return written.error();
  }
  auto trace = write_trace_json(record.dir / kTraceFile, {record.config, record.topology, record.board, start_ns});
  if (!trace) return trace.error();
  return Ok{};
}

}  // namespace pipescale::engine

#pragma once
// The per-request and per-batch records of a results folder: requests.csv.gz (request_log_csv.hpp)
// and trace.json (trace_json.hpp), written from the board once every role has exited, and what
// summary.json says about them.
#include "base/metrics/json_writer.hpp"
#include "base/result.hpp"
#include "engine/runtime/results.hpp"

namespace pipescale::engine {

// "request_log": {"file", "rows", "sample", "not_logged"} and "trace": {"file", "sample"}.
void records_json(JsonWriter& json, const RunRecord& record);
// Writes requests.csv.gz and trace.json into record.dir.
Status write_records(const RunRecord& record);

}  // namespace pipescale::engine

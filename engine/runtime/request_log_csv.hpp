#pragma once
// requests.csv.gz: the per-request log (roles/common/request_log.hpp) as a gzip-compressed CSV,
// written once every role has exited. One header line, then one row per logged request in the
// order they were sent. engine/runtime/README.md documents the columns.
//
// The columns are declared in one place, request_log_columns() in request_log_csv.cpp: the
// request's own columns (a name, and how to write the cell from an entry), then seven per stage.
// An optional column (one a trace format carries) is one more line there and a field in
// RequestLogEntry.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "roles/common/request_log.hpp"

namespace pipescale::engine {

// What the rows are written against: times are milliseconds since the run's t = 0 (start_ns).
struct RequestLogFormat {
  std::int64_t start_ns = 0;
  std::int64_t slo_ns = 0;
  std::vector<std::string> stage_names;
};

[[nodiscard]] std::string request_log_header(const RequestLogFormat& format);
// Appends one row (with its newline) for `entry` of `table`.
void append_request_log_row(std::string& out, const RequestLogFormat& format, const roles::RequestLogTable& table,
                            const roles::RequestLogEntry& entry);

// `ns` since start as milliseconds with 6 decimals (exact to the nanosecond), "" for 0 (never reached).
void append_ms_since(std::string& out, std::int64_t ns, std::int64_t start_ns);

// Writes every readable entry of the table (bounded by `region_bytes`) to `path`, gzip level 1 (fast; a ninth of the
// text); returns the number of rows.
Result<std::uint64_t> write_request_log(const std::filesystem::path& path, const RequestLogFormat& format,
                                        const roles::RequestLogTable& table, std::uint64_t region_bytes);

}  // namespace pipescale::engine

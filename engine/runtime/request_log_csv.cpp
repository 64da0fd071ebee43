#include "engine/runtime/request_log_csv.hpp"

#include <zlib.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "ipc/rpc/status.hpp"

namespace pipescale::engine {
namespace {

constexpr std::array<std::string_view, 5> kReasonNames{"", "deadline_unreachable", "deadline_expired", "queue_full",
                                                       "shutting_down"};

void append_int(std::string& out, std::int64_t value) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

// Nanoseconds as milliseconds with 6 decimals, exactly. The magnitude is taken unsigned, so even
// INT64_MIN (a stamp read from shared memory is untrusted) formats without overflow.
void append_ns_as_ms(std::string& out, std::int64_t ns) {
  std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out += '-';
    magnitude = ~magnitude + 1;
  }
  char whole[24];
  out.append(whole, std::to_chars(whole, whole + sizeof whole, magnitude / 1'000'000).ptr);
  char fraction[8] = {'.', '0', '0', '0', '0', '0', '0', '\0'};
  std::uint64_t rest = magnitude % 1'000'000;
  for (int i = 6; i >= 1; --i, rest /= 10) fraction[i] = static_cast<char>('0' + rest % 10);
  out.append(fraction, 7);
}

// `later - earlier` as milliseconds; an empty cell when the difference does not fit (stamps read
// from shared memory are untrusted, and overflow would be undefined).
void append_difference_ms(std::string& out, std::int64_t later, std::int64_t earlier) {
  std::int64_t difference = 0;
  if (!__builtin_sub_overflow(later, earlier, &difference)) append_ns_as_ms(out, difference);
}

// The row being written: the entry and what its cells are written against.
struct Row {
  const RequestLogFormat& format;
  const roles::RequestLogEntry& entry;
  [[nodiscard]] bool completed() const { return entry.outcome == schema::Outcome::Completed && entry.returned != 0; }
  // INT64_MAX (never within an SLO) when corrupt stamps make the difference overflow.
  [[nodiscard]] std::int64_t latency_ns() const {
    std::int64_t latency = 0;
    return __builtin_sub_overflow(entry.returned_ns, entry.intended_send_ns, &latency)
               ? std::numeric_limits<std::int64_t>::max()
               : latency;
  }
};

std::string_view outcome_name(const roles::RequestLogEntry& entry) {
  if (entry.outcome == schema::Outcome::Completed) return "completed";
  if (entry.outcome == schema::Outcome::Dropped) return "dropped";
  return "failed";  // Failed, unreturned, or back while still in flight (the Client counts it failed)
}

void outcome_stage(std::string& out, const Row& row) {
  if (row.entry.unreturned != 0) return;
  if (row.entry.outcome_stage < row.format.stage_names.size()) out += row.format.stage_names[row.entry.outcome_stage];
}

void failure_status(std::string& out, const Row& row) {
  if (row.entry.unreturned != 0) {
    out += "unreturned";
  } else if (row.entry.outcome != schema::Outcome::Completed && row.entry.outcome != schema::Outcome::Dropped) {
    out += ipc::to_string(ipc::status_from_wire(row.entry.failure_status));
  }
}

// A token count the trace gave (-1 in the trace: not given), else an empty cell.
void append_tokens(std::string& out, const Row& row, std::int64_t tokens) {
  if (row.entry.has_tokens != 0 && tokens >= 0) append_int(out, tokens);
}

struct Column {
  std::string_view name;
  void (*write)(std::string& out, const Row& row);
};

// Every column a request has once, in file order. Add an optional column here: a field in
// RequestLogEntry (request_log.hpp), filled by the Client's RequestLogger, and a line below.
constexpr std::array<Column, 14> kRequestColumns{{
    {"id", [](std::string& out, const Row& row) { append_int(out, static_cast<std::int64_t>(row.entry.request_id)); }},
    {"counted", [](std::string& out, const Row& row) { out += row.entry.counted != 0 ? '1' : '0'; }},
    {"outcome", [](std::string& out, const Row& row) { out += outcome_name(row.entry); }},
    {"outcome_stage", outcome_stage},
    {"drop_reason",
     [](std::string& out, const Row& row) {
       if (row.entry.outcome == schema::Outcome::Dropped)
         out += kReasonNames[static_cast<std::size_t>(row.entry.drop_reason) % kReasonNames.size()];
     }},
    {"failure_status", failure_status},
    {"intended_ms", [](std::string& out,
                       const Row& row) { append_difference_ms(out, row.entry.intended_send_ns, row.format.start_ns); }},
    {"sent_ms", [](std::string& out,
                   const Row& row) { append_difference_ms(out, row.entry.actual_send_ns, row.format.start_ns); }},
    {"decided_ms",
     [](std::string& out, const Row& row) { append_ms_since(out, row.entry.decided_ns, row.format.start_ns); }},
    {"end_ms",
     [](std::string& out, const Row& row) {
       if (row.entry.returned != 0) append_difference_ms(out, row.entry.returned_ns, row.format.start_ns);
     }},
    {"latency_ms",
     [](std::string& out, const Row& row) {
       if (row.entry.returned != 0) append_difference_ms(out, row.entry.returned_ns, row.entry.intended_send_ns);
     }},
    {"within_slo", [](std::string& out,
                      const Row& row) { out += row.completed() && row.latency_ns() <= row.format.slo_ns ? '1' : '0'; }},
    {"context_tokens", [](std::string& out, const Row& row) { append_tokens(out, row, row.entry.context_tokens); }},
    {"generated_tokens", [](std::string& out, const Row& row) { append_tokens(out, row, row.entry.generated_tokens); }},
}};

constexpr std::array<std::string_view, 7> kStageColumns{"arrived_ms", "batched_ms", "started_ms", "finished_ms",
                                                        "batch_id",   "worker_id",  "batch_size"};

void append_visit(std::string& out, const RequestLogFormat& format, const schema::StageVisit& visit) {
  const schema::StageTimestamps& t = visit.timestamps();
  append_ms_since(out, t.arrived_ns(), format.start_ns);
  out += ',';
  append_ms_since(out, t.batched_ns(), format.start_ns);
  out += ',';
  append_ms_since(out, t.started_ns(), format.start_ns);
  out += ',';
  append_ms_since(out, t.finished_ns(), format.start_ns);
  out += ',';
  if (visit.batch_id() != 0) append_int(out, static_cast<std::int64_t>(visit.batch_id()));
  out += ',';
  if (visit.worker_id() != 0) append_int(out, static_cast<std::int64_t>(visit.worker_id()));
  out += ',';
  if (visit.batch_size() != 0) append_int(out, visit.batch_size());
}

}  // namespace

void append_ms_since(std::string& out, std::int64_t ns, std::int64_t start_ns) {
  if (ns != 0) append_difference_ms(out, ns, start_ns);
}

std::string request_log_header(const RequestLogFormat& format) {
  std::string out;
  for (const Column& column : kRequestColumns) {
    if (!out.empty()) out += ',';
    out += column.name;
  }
  for (const std::string& stage : format.stage_names) {
    for (std::string_view column : kStageColumns) out.append(",").append(stage).append("_").append(column);
  }
  return out + '\n';
}

void append_request_log_row(std::string& out, const RequestLogFormat& format, const roles::RequestLogTable& table,
                            const roles::RequestLogEntry& entry) {
  const Row row{format, entry};
  bool first = true;
  for (const Column& column : kRequestColumns) {
    if (!first) out += ',';
    first = false;
    column.write(out, row);
  }
  const schema::StageVisit* visits = table.visits(entry);
  const std::size_t kept = std::min<std::size_t>(entry.visit_count, table.stage_count.get());
  for (std::size_t s = 0; s < format.stage_names.size(); ++s) {
    out += ',';
    if (s < kept) {
      append_visit(out, format, visits[s]);
    } else {
      out += ",,,,,,";
    }
  }
  out += '\n';
}

Result<std::uint64_t> write_request_log(const std::filesystem::path& path, const RequestLogFormat& format,
                                        const roles::RequestLogTable& table, std::uint64_t region_bytes) {
  gzFile file = gzopen(path.c_str(), "wb1");
  if (file == nullptr) return Error{"cannot write " + path.string()};
  std::string chunk = request_log_header(format);
  const std::uint32_t rows = table.readable(region_bytes);
  bool ok = true;
  for (std::uint32_t i = 0; i < rows && ok; ++i) {
    append_request_log_row(chunk, format, table, table.entry(i));
    if (chunk.size() >= (1U << 20) || i + 1 == rows) {
      ok = gzwrite(file, chunk.data(), static_cast<unsigned>(chunk.size())) == static_cast<int>(chunk.size());
      chunk.clear();
    }
  }
  if (rows == 0 && ok) ok = gzwrite(file, chunk.data(), static_cast<unsigned>(chunk.size())) > 0;
  if (gzclose(file) != Z_OK) ok = false;
  if (!ok) return Error{"cannot write " + path.string()};
  return std::uint64_t{rows};
}

}  // namespace pipescale::engine

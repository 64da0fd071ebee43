#include "roles/client/trace/request_trace.hpp"

#include <chrono>
#include <cmath>
#include <string>

#include "roles/client/trace/trace_csv.hpp"

namespace pipescale::roles {
namespace {

// The column of each field this reader keeps; -1 when the file has none.
struct RequestColumns {
  int time = 0;
  int context = -1;
  int generated = -1;
  std::size_t count = 0;  // fields per row; 0: any (a file without header)
};

Result<RequestColumns> request_header(const TraceCsvReader& reader, const TraceLine& line) {
  RequestColumns columns;
  columns.time = -1;
  columns.count = line.fields.size();
  for (std::size_t i = 0; i < line.fields.size(); ++i) {
    const std::string_view name = line.fields[i].text;
    const int index = static_cast<int>(i);
    if (name == "time_s") columns.time = index;
    if (name == "context_tokens") columns.context = index;
    if (name == "generated_tokens") columns.generated = index;
    if (name == "rate_rps") {
      return Error{reader.error(line.number, line.fields[i].column,
                                "column rate_rps: a rate trace, not one of requests (trace_format = \"rate\")")};
    }
  }
  if (columns.time < 0) {
    std::string message = "header '";
    message.append(join_fields(line.fields))
        .append(
            "' has no time_s column: expected a header naming time_s, or rows whose first field is a time in seconds");
    return Error{reader.error(line.number, 1, message)};
  }
  return columns;
}

// The row's field `index` of those the header named, or an error at the end of a short row.
Result<const TraceField*> field_at(const TraceCsvReader& reader, const TraceLine& line, std::size_t index,
                                   std::string_view name) {
  if (index < line.fields.size()) return &line.fields[index];
  return Error{reader.error(line.number, line.end_column,
                            "missing column " + std::string(name) + " (field " + std::to_string(index + 1) +
                                "): the row has only " + std::to_string(line.fields.size()))};
}

Status check_width(const TraceCsvReader& reader, const TraceLine& line, const RequestColumns& columns) {
  if (columns.count == 0 || line.fields.size() <= columns.count) return Ok{};
  return Error{reader.error(line, line.fields[columns.count],
                            "the row has " + std::to_string(line.fields.size()) + " fields, the header " +
                                std::to_string(columns.count) + ": expected one per header column")};
}

Result<std::int64_t> token_count(const TraceCsvReader& reader, const TraceLine& line, int index,
                                 std::string_view name) {
  if (index < 0) return std::int64_t{-1};
  auto field = field_at(reader, line, static_cast<std::size_t>(index), name);
  if (!field) return field.error();
  std::int64_t count = 0;
  if (!parse_count((*field)->text, count)) {
    return Error{reader.error(
        line, **field, std::string(name) + " " + quote_field((*field)->text) + ": expected a whole number >= 0")};
  }
  return count;
}

Status check_order(const TraceCsvReader& reader, const TraceLine& line, const TraceField& field, std::int64_t t_ns,
                   const RequestTrace& trace, std::string_view name) {
  if (trace.times_ns.empty() || t_ns >= trace.times_ns.back()) return Ok{};
  return Error{reader.error(line, field,
                            std::string(name) + " " + quote_field(field.text) +
                                ": expected a time at or after the previous row's (times must not decrease)")};
}

Status read_request_row(const TraceCsvReader& reader, const TraceLine& line, const RequestColumns& columns,
                        RequestTrace& trace) {
  if (auto width = check_width(reader, line, columns); !width) return width;
  auto time = field_at(reader, line, static_cast<std::size_t>(columns.time), "time_s");
  if (!time) return time.error();
  double t_s = 0.0;
  if (!parse_finite_number((*time)->text, t_s) || t_s < 0.0 || t_s > 1e9) {
    return Error{
        reader.error(line, **time, "time_s " + quote_field((*time)->text) + ": expected a number of seconds >= 0")};
  }
  const std::int64_t t_ns = std::llround(t_s * 1e9);
  if (auto order = check_order(reader, line, **time, t_ns, trace, "time_s"); !order) return order;
  auto context = token_count(reader, line, columns.context, "context_tokens");
  if (!context) return context.error();
  auto generated = token_count(reader, line, columns.generated, "generated_tokens");
  if (!generated) return generated.error();
  trace.times_ns.push_back(t_ns);
  if (columns.context >= 0 || columns.generated >= 0) trace.tokens.push_back({*context, *generated});
  return Ok{};
}

// 1970-01-01 to the date, in days (the proleptic Gregorian calendar).
std::optional<std::int64_t> days_since_epoch(int year, unsigned month, unsigned day) {
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date}.time_since_epoch().count();
}

bool digits(std::string_view text, std::size_t at, std::size_t n, int& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// The fraction after the seconds and the zone at the end: ns into the second, less the offset.
std::optional<std::int64_t> fraction_and_zone(std::string_view rest) {
  std::int64_t ns = 0;
  std::size_t i = 0;
  if (i < rest.size() && rest[i] == '.') {
    std::int64_t scale = 100'000'000;
    for (++i; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i) {
      ns += (rest[i] - '0') * scale;
      scale /= 10;
    }
  }
  rest.remove_prefix(i);
  if (rest.empty() || rest == "Z") return ns;
  int hours = 0;
  int minutes = 0;
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' || !digits(rest, 1, 2, hours) ||
      !digits(rest, 4, 2, minutes)) {
    return std::nullopt;
  }
  const std::int64_t offset_ns = (hours * 3600LL + minutes * 60LL) * 1'000'000'000LL;
  return rest[0] == '+' ? ns - offset_ns : ns + offset_ns;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp_ns(std::string_view text) {
  double seconds = 0.0;
  if (parse_finite_number(text, seconds)) {
    if (seconds < 0.0 || seconds > 1e10) return std::nullopt;
    return std::llround(seconds * 1e9);
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || !digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != ' ' && text[10] != 'T') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  const auto days = days_since_epoch(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const auto fraction = fraction_and_zone(text.substr(19));
  // Nanoseconds since 1970 in 64 bits reach about 292 years either way: a date outside
  // 1680..2260 is refused rather than overflowing (found by fuzz_trace).
  constexpr std::int64_t kLastDay = 106'000;
  if (!days || !fraction || *days < -kLastDay || *days > kLastDay) return std::nullopt;
  return ((*days * 24 + hour) * 60 + minute) * 60'000'000'000LL + second * 1'000'000'000LL + *fraction;
}

Result<RequestTrace> parse_requests_trace(std::string_view text, std::string_view source_name) {
  TraceCsvReader reader(text, source_name);
  TraceLine line;
  RequestTrace trace;
  RequestColumns columns;
  bool first = true;
  while (reader.next(line)) {
    if (first) {
      first = false;
      double ignored = 0.0;
      if (!parse_finite_number(line.fields[0].text, ignored)) {
        auto header = request_header(reader, line);
        if (!header) return header.error();
        columns = *header;
        continue;
      }
    }
    if (auto row = read_request_row(reader, line, columns, trace); !row) return row.error();
  }
  if (trace.times_ns.empty()) return Error{reader.error_at_end("no requests: expected rows with a time_s column")};
  return trace;
}

Result<RequestTrace> parse_azure_llm_trace(std::string_view text, std::string_view source_name) {
  TraceCsvReader reader(text, source_name);
  TraceLine line;
  if (!reader.next(line))
    return Error{reader.error_at_end("empty: expected the header TIMESTAMP,ContextTokens,GeneratedTokens")};
  if (join_fields(line.fields) != "TIMESTAMP,ContextTokens,GeneratedTokens") {
    std::string message = "header '";
    message.append(join_fields(line.fields))
        .append("': expected TIMESTAMP,ContextTokens,GeneratedTokens (the Azure LLM trace layout)");
    return Error{reader.error(line.number, 1, message)};
  }
  RequestTrace trace;
  std::int64_t first_ns = 0;
  while (reader.next(line)) {
    const RequestColumns columns{0, 1, 2, 3};
    if (auto width = check_width(reader, line, columns); !width) return width.error();
    const TraceField& stamp = line.fields[0];
    const auto t_ns = parse_timestamp_ns(stamp.text);
    if (!t_ns) {
      return Error{reader.error(line, stamp,
                                "TIMESTAMP " + quote_field(stamp.text) +
                                    ": expected a date and time like 2023-11-16 18:15:46.6805900, or seconds")};
    }
    if (trace.times_ns.empty()) first_ns = *t_ns;
    if (auto order = check_order(reader, line, stamp, *t_ns - first_ns, trace, "TIMESTAMP"); !order) {
      return order.error();
    }
    auto context = token_count(reader, line, 1, "ContextTokens");
    if (!context) return context.error();
    auto generated = token_count(reader, line, 2, "GeneratedTokens");
    if (!generated) return generated.error();
    trace.times_ns.push_back(*t_ns - first_ns);
    trace.tokens.push_back({*context, *generated});
  }
  if (trace.times_ns.empty()) return Error{reader.error_at_end("no requests: expected rows after the header")};
  return trace;
}

}  // namespace pipescale::roles

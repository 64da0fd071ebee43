#pragma once
// The line reader every trace format shares: comma-separated fields that remember their column,
// `#` comments, blank lines skipped, spaces around fields and a trailing '\r' ignored. Every error
// it formats names the source, the line and the column: "trace.csv:7:12: message".
//
// Unlike base/csv's numeric reader, fields may be text (a hash, a timestamp) and a file may have
// hundreds of columns (a day of per-minute counts), so a line is handed over as views into the
// text, one at a time, and nothing is kept.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipescale::roles {

struct TraceField {
  std::string_view text;   // trimmed
  std::size_t column = 1;  // 1-based character column of its first character, as an editor shows it
};

struct TraceLine {
  std::size_t number = 0;      // 1-based
  std::size_t end_column = 1;  // the column just past the line's content
  std::vector<TraceField> fields;
};

class TraceCsvReader {
 public:
  TraceCsvReader(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  // The next line with content (comments and blank lines skipped); false at the end of the text.
  bool next(TraceLine& line);
  // "source:line:column: message".
  [[nodiscard]] std::string error(std::size_t line, std::size_t column, std::string_view message) const;
  [[nodiscard]] std::string error(const TraceLine& line, const TraceField& field, std::string_view message) const {
    return error(line.number, field.column, message);
  }
  // For a file with no (more) rows: the line after the last one read, column 1.
  [[nodiscard]] std::string error_at_end(std::string_view message) const { return error(lines_ + 1, 1, message); }
  [[nodiscard]] std::string_view source() const { return source_; }

 private:
  std::string_view text_;
  std::string_view source_;
  std::size_t position_ = 0;
  std::size_t lines_ = 0;
};

// A finite decimal number (`12`, `0.5`, `1e3`); nan, inf and trailing text are refused.
bool parse_finite_number(std::string_view text, double& out);
// A whole number from 0 to 2^62 written as digits (a count, a token count).
bool parse_count(std::string_view text, std::int64_t& out);
// The fields' texts joined by commas, for messages.
std::string join_fields(const std::vector<TraceField>& fields);
// "'text'" with the text cut to 40 characters, for messages.
std::string quote_field(std::string_view text);

}  // namespace pipescale::roles

#include "base/csv/numeric_csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/text/printable.hpp"

namespace pipescale {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return s.substr(s.size());  // empty, but still where it was on the line
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// The line without its comment and surrounding blanks.
std::string_view content_of(std::string_view line) {
  const auto hash = line.find('#');
  return trim(hash == std::string_view::npos ? line : line.substr(0, hash));
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = s.find(',', start);
    fields.push_back(trim(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::string join(const std::vector<std::string_view>& parts) {
  std::string joined;
  for (const auto& part : parts) {
    if (!joined.empty()) joined += ',';
    joined += part;
  }
  return joined;
}

bool parse_finite(std::string_view text, double& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && std::isfinite(out);
}

bool is_number(std::string_view text) {
  double ignored = 0.0;
  return parse_finite(text, ignored);
}

// The first line: the header (skip it), a row of numbers (a file without header), or an error.
Result<bool> is_header(std::string_view content, std::string_view source_name, std::size_t line_number,
                       const std::vector<std::string_view>& columns) {
  const auto fields = split_commas(content);
  if (fields == columns) return true;
  if (std::all_of(fields.begin(), fields.end(), is_number)) return false;
  // Appended piece by piece: a chain of operator+ here trips GCC 12's false -Wrestrict at -O3.
  std::string message = "'";
  message.append(content).append("': expected the header '").append(join(columns));
  message.append("' or a row of ").append(std::to_string(columns.size())).append(" numbers");
  return Error{csv_error(source_name, line_number, message)};
}

// `line` is the whole line, of which `content` and its fields are views: a field's column is
// its distance from the line's start.
Result<NumericCsvRow> parse_row(std::string_view line, std::string_view content, std::string_view source_name,
                                std::size_t line_number, const std::vector<std::string_view>& columns) {
  const auto fields = split_commas(content);
  const auto column_of = [&](std::string_view field) {
    return static_cast<std::size_t>(field.data() - line.data()) + 1;
  };
  if (fields.size() != columns.size()) {
    return Error{csv_error(source_name, line_number,
                           "row '" + std::string(content) + "' has " + std::to_string(fields.size()) +
                               " fields: expected " + std::to_string(columns.size()) + " (" + join(columns) + ")")};
  }
  NumericCsvRow row;
  row.line_number = line_number;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    double value = 0.0;
    if (!parse_finite(fields[i], value)) {
      return Error{csv_error(source_name, line_number, column_of(fields[i]),
                             std::string(columns[i]) + " '" + std::string(fields[i]) + "': expected a finite number")};
    }
    row.values.push_back(value);
    row.texts.emplace_back(fields[i]);
    row.columns.push_back(column_of(fields[i]));
  }
  return row;
}

}  // namespace

std::string format_number(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string csv_error(std::string_view source_name, std::size_t line_number, std::string_view message) {
  return printable(source_name) + ":" + std::to_string(line_number) + ": " + printable(message);
}

std::string csv_error(std::string_view source_name, std::size_t line_number, std::size_t column,
                      std::string_view message) {
  return printable(source_name) + ":" + std::to_string(line_number) + ":" + std::to_string(column) + ": " +
         printable(message);
}

Result<std::vector<NumericCsvRow>> parse_numeric_csv(std::string_view text, std::string_view source_name,
                                                     const std::vector<std::string_view>& columns) {
  std::vector<NumericCsvRow> rows;
  bool first_seen = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto newline = text.find('\n', start);
    const auto line = text.substr(start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    start = newline == std::string_view::npos ? text.size() : newline + 1;
    ++line_number;
    const auto content = content_of(line);
    if (content.empty()) continue;
    if (!first_seen) {
      first_seen = true;
      auto header = is_header(content, source_name, line_number, columns);
      if (!header) return header.error();
      if (header.value()) continue;
    }
    auto row = parse_row(line, content, source_name, line_number, columns);
    if (!row) return row.error();
    rows.push_back(std::move(row).value());
  }
  if (rows.empty()) {
    return Error{std::string(source_name) + ": no data rows: expected rows of " + join(columns)};
  }
  return rows;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open: " + std::strerror(errno)};
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return Error{path + ": read failed"};
  return contents.str();
}

}  // namespace pipescale

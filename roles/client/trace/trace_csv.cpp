#include "roles/client/trace/trace_csv.hpp"

#include <charconv>
#include <cmath>

#include "base/text/printable.hpp"

namespace pipescale::roles {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

bool TraceCsvReader::next(TraceLine& line) {
  while (position_ < text_.size()) {
    const std::size_t newline = text_.find('\n', position_);
    const std::size_t end = newline == std::string_view::npos ? text_.size() : newline;
    std::string_view raw = text_.substr(position_, end - position_);
    position_ = newline == std::string_view::npos ? text_.size() : newline + 1;
    ++lines_;
    if (const std::size_t hash = raw.find('#'); hash != std::string_view::npos) raw = raw.substr(0, hash);
    std::size_t last = raw.size();
    while (last > 0 && is_blank(raw[last - 1])) --last;
    raw = raw.substr(0, last);
    if (raw.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    line.number = lines_;
    line.end_column = raw.size() + 1;
    line.fields.clear();
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = raw.find(',', start);
      std::size_t first = start;
      std::size_t stop = comma == std::string_view::npos ? raw.size() : comma;
      while (first < stop && is_blank(raw[first])) ++first;
      std::size_t trimmed_end = stop;
      while (trimmed_end > first && is_blank(raw[trimmed_end - 1])) --trimmed_end;
      line.fields.push_back({raw.substr(first, trimmed_end - first), first + 1});
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return true;
  }
  return false;
}

std::string TraceCsvReader::error(std::size_t line, std::size_t column, std::string_view message) const {
  std::string text = printable(source_);
  text.append(":").append(std::to_string(line)).append(":").append(std::to_string(column)).append(": ");
  return text.append(printable(message));
}

bool parse_finite_number(std::string_view text, double& out) {
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && std::isfinite(out);
}

bool parse_count(std::string_view text, std::int64_t& out) {
  constexpr std::int64_t kMaxCount = std::int64_t{1} << 62;
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && out >= 0 && out <= kMaxCount;
}

std::string join_fields(const std::vector<TraceField>& fields) {
  std::string joined;
  for (const TraceField& field : fields) {
    if (!joined.empty()) joined += ',';
    joined += field.text;
  }
  return joined;
}

std::string quote_field(std::string_view text) {
  constexpr std::size_t kShown = 40;
  std::string quoted = "'";
  quoted.append(text.substr(0, kShown));
  if (text.size() > kShown) quoted += "...";
  return quoted + "'";
}

}  // namespace pipescale::roles

#include "engine/config/profile.hpp"

#include <algorithm>

#include "base/csv/numeric_csv.hpp"
#include "engine/config/config_tree.hpp"
#include "roles/common/latency_profile.hpp"

namespace pipescale::engine::config_detail {
namespace {

roles::ProfileEntry entry_of(const ProfilePoint& point) {
  return {static_cast<double>(point.first), point.second, std::to_string(point.first), format_double(point.second)};
}

// Three columns when the first row that is not blank or a comment has three fields.
std::vector<std::string_view> profile_columns(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, newline - start);
    line = line.substr(0, std::min(line.find('#'), line.size()));
    start = newline + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (std::count(line.begin(), line.end(), ',') == 2) return {"batch_size", "latency_ms", "p99_ms"};
    break;
  }
  return {"batch_size", "latency_ms"};
}

}  // namespace

std::string p99_problem(const ProfilePoint& median, double p99_ms) {
  if (p99_ms >= median.second && p99_ms <= kMaxLatencyMs) return {};
  return "p99_ms '" + format_double(p99_ms) + "': expected at least the point's latency_ms (" +
         format_double(median.second) + ", the median) and at most " + format_double(kMaxLatencyMs);
}

std::vector<ProfilePoint> read_profile_csv(const std::filesystem::path& path, std::vector<std::size_t>& lines,
                                           std::vector<ProfilePoint>& p99, std::vector<std::string>& problems) {
  std::vector<ProfilePoint> points;
  Result<std::string> text = read_text_file(path.string());
  if (!text) {
    problems.push_back(text.error().message);
    return points;
  }
  const std::vector<std::string_view> columns = profile_columns(text.value());
  Result<std::vector<NumericCsvRow>> rows = parse_numeric_csv(text.value(), path.string(), columns);
  if (!rows) {
    problems.push_back(rows.error().message);
    return points;
  }
  for (const NumericCsvRow& row : rows.value()) {
    const roles::ProfileEntry entry{row.values[0], row.values[1], row.texts[0], row.texts[1]};
    if (std::string problem = roles::profile_value_problem(entry); !problem.empty()) {
      problems.push_back(csv_error(path.string(), row.line_number, problem));
      continue;
    }
    points.emplace_back(static_cast<int>(row.values[0]), row.values[1]);
    lines.push_back(row.line_number);
    if (columns.size() == 3) {
      if (std::string wrong = p99_problem(points.back(), row.values[2]); !wrong.empty()) {
        problems.push_back(csv_error(path.string(), row.line_number, row.columns[2], wrong));
      }
      p99.emplace_back(points.back().first, row.values[2]);
    }
  }
  return points;
}

std::vector<ShapeProblem> profile_shape_problems(const std::vector<ProfilePoint>& points) {
  std::vector<ShapeProblem> problems;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const roles::ProfileEntry entry = entry_of(points[i]);
    const roles::ProfileEntry previous = i == 0 ? roles::ProfileEntry{} : entry_of(points[i - 1]);
    std::string problem = roles::profile_order_problem(i == 0 ? nullptr : &previous, entry);
    if (!problem.empty()) problems.push_back({i, std::move(problem)});
  }
  return problems;
}

}  // namespace pipescale::engine::config_detail

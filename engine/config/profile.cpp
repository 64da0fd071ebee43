#include "engine/config/profile.hpp"

#include "base/csv/numeric_csv.hpp"
#include "engine/config/config_tree.hpp"
#include "roles/common/latency_profile.hpp"

namespace pipescale::engine::config_detail {
namespace {

roles::ProfileEntry entry_of(const ProfilePoint& point) {
  return {static_cast<double>(point.first), point.second, std::to_string(point.first), format_double(point.second)};
}

}  // namespace

std::vector<ProfilePoint> read_profile_csv(const std::filesystem::path& path, std::vector<std::size_t>& lines,
                                           std::vector<std::string>& problems) {
  std::vector<ProfilePoint> points;
  Result<std::string> text = read_text_file(path.string());
  if (!text) {
    problems.push_back(text.error().message);
    return points;
  }
  Result<std::vector<NumericCsvRow>> rows =
      parse_numeric_csv(text.value(), path.string(), {"batch_size", "latency_ms"});
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

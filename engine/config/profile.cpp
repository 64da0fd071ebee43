#include "engine/config/profile.hpp"

#include <cmath>

#include "base/csv/numeric_csv.hpp"
#include "engine/config/config_tree.hpp"

namespace pipescale::engine::config_detail {
namespace {

// One row's problem with its values, or an empty string.
std::string row_problem(const NumericCsvRow& row) {
  const double batch_size = row.values[0];
  const double latency_ms = row.values[1];
  if (batch_size != std::floor(batch_size) || batch_size < 1.0 || batch_size > kMaxBatchSize) {
    return "batch_size '" + row.texts[0] + "': expected " + std::string(kBatchSizeExpectation);
  }
  if (!(latency_ms > 0.0) || latency_ms > kMaxLatencyMs) {
    return "latency_ms '" + row.texts[1] + "': expected " + std::string(kLatencyExpectation);
  }
  return {};
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
    if (std::string problem = row_problem(row); !problem.empty()) {
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
  if (!points.empty() && points.front().first != 1) {
    problems.push_back({0, "expected the first batch_size to be 1, got " + std::to_string(points.front().first)});
  }
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].first <= points[i - 1].first) {
      problems.push_back({i, "expected batch sizes in increasing order, got " + std::to_string(points[i].first) +
                                 " after " + std::to_string(points[i - 1].first)});
    } else if (points[i].second < points[i - 1].second) {
      problems.push_back({i, "expected latency_ms not to fall as batches grow, got " + format_double(points[i].second) +
                                 " at batch_size " + std::to_string(points[i].first) + " after " +
                                 format_double(points[i - 1].second) + " at " + std::to_string(points[i - 1].first)});
    }
  }
  return problems;
}

}  // namespace pipescale::engine::config_detail

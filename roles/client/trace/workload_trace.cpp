#include "roles/client/trace/workload_trace.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "base/csv/numeric_csv.hpp"
#include "roles/client/trace/trace_csv.hpp"

namespace pipescale::roles {

namespace {

// Where a point came from, for messages: "file.csv:7:3: " or "name: point 3: ".
std::string locate_point(std::string_view source_name, std::size_t index) {
  return std::string(source_name) + ": point " + std::to_string(index) + ": ";
}

struct PointWhere {
  std::string time;  // the prefix of a message about the time field
  std::string rate;  // ... and about the rate field
};

Status check_point(const TracePoint& point, const TracePoint* previous, const PointWhere& where,
                   const std::string& time_text, const std::string& rate_text) {
  if (previous == nullptr && point.time_s != 0.0) {
    return Error{where.time + "time_s '" + time_text + "': expected 0 (the first row starts the trace)"};
  }
  if (previous != nullptr && !(point.time_s > previous->time_s)) {
    return Error{where.time + "time_s '" + time_text + "': expected a time after the previous row's " +
                 format_number(previous->time_s) + " (times must increase strictly)"};
  }
  if (!(point.rate_rps >= 0.0) || !std::isfinite(point.rate_rps)) {
    return Error{where.rate + "rate_rps '" + rate_text + "': expected a finite rate >= 0"};
  }
  return Ok{};
}

constexpr std::string_view kColumns[2] = {"time_s", "rate_rps"};

bool is_rate_header(const TraceLine& line) {
  return line.fields.size() == 2 && line.fields[0].text == kColumns[0] && line.fields[1].text == kColumns[1];
}

bool all_numbers(const TraceLine& line) {
  double ignored = 0.0;
  for (const TraceField& field : line.fields) {
    if (!parse_finite_number(field.text, ignored)) return false;
  }
  return true;
}

// One row's two numbers, or an error naming the line and the column at fault.
Result<TracePoint> read_rate_row(const TraceCsvReader& reader, const TraceLine& line) {
  if (line.fields.size() < 2) {
    return Error{reader.error(line.number, line.end_column,
                              "missing column rate_rps: the row has 1 field, expected 2 (time_s,rate_rps)")};
  }
  if (line.fields.size() > 2) {
    return Error{reader.error(line, line.fields[2],
                              "row '" + join_fields(line.fields) + "' has " + std::to_string(line.fields.size()) +
                                  " fields: expected 2 (time_s,rate_rps)")};
  }
  double values[2] = {0.0, 0.0};
  for (std::size_t i = 0; i < 2; ++i) {
    if (!parse_finite_number(line.fields[i].text, values[i])) {
      return Error{reader.error(
          line, line.fields[i],
          std::string(kColumns[i]) + " '" + std::string(line.fields[i].text) + "': expected a finite number")};
    }
  }
  return TracePoint{values[0], values[1]};
}

}  // namespace

Result<WorkloadTrace> WorkloadTrace::parse(std::string_view csv_text, std::string_view source_name,
                                           std::optional<double> duration_s) {
  auto points = parse_points(csv_text, source_name);
  if (!points) return points.error();
  return finish(std::move(*points), source_name, duration_s);
}

Result<std::vector<TracePoint>> WorkloadTrace::parse_points(std::string_view csv_text, std::string_view source_name) {
  TraceCsvReader reader(csv_text, source_name);
  TraceLine line;
  std::vector<TracePoint> points;
  bool first = true;
  while (reader.next(line)) {
    if (first) {
      first = false;
      if (is_rate_header(line)) continue;
      if (!all_numbers(line)) {
        // Appended piece by piece: a chain of operator+ here trips GCC 12's false -Wrestrict at -O3.
        std::string message = "'";
        message.append(join_fields(line.fields))
            .append("': expected the header 'time_s,rate_rps' or a row of 2 numbers");
        return Error{reader.error(line.number, 1, message)};
      }
    }
    auto point = read_rate_row(reader, line);
    if (!point) return point.error();
    const PointWhere where{reader.error(line, line.fields[0], ""), reader.error(line, line.fields[1], "")};
    if (auto status = check_point(*point, points.empty() ? nullptr : &points.back(), where,
                                  std::string(line.fields[0].text), std::string(line.fields[1].text));
        !status) {
      return status.error();
    }
    points.push_back(*point);
  }
  if (points.empty()) return Error{reader.error_at_end("no data rows: expected rows of time_s,rate_rps")};
  return points;
}

Result<WorkloadTrace> WorkloadTrace::load(const std::string& path, std::optional<double> duration_s) {
  auto text = read_text_file(path);
  if (!text) return text.error();
  return parse(text.value(), path, duration_s);
}

Result<WorkloadTrace> WorkloadTrace::from_points(std::vector<TracePoint> points, std::string_view source_name,
                                                 std::optional<double> duration_s) {
  if (points.empty()) return Error{std::string(source_name) + ": no points: expected at least one"};
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& point = points[i];
    const std::string where = locate_point(source_name, i + 1);
    if (auto status = check_point(point, i == 0 ? nullptr : &points[i - 1], {where, where}, format_number(point.time_s),
                                  format_number(point.rate_rps));
        !status) {
      return status.error();
    }
  }
  return finish(std::move(points), source_name, duration_s);
}

Result<WorkloadTrace> WorkloadTrace::finish(std::vector<TracePoint> points, std::string_view source_name,
                                            std::optional<double> duration_s) {
  if (duration_s && !(std::isfinite(*duration_s) && *duration_s > 0.0)) {
    return Error{std::string(source_name) + ": duration_s " + format_number(*duration_s) +
                 ": expected a finite value > 0"};
  }
  const double end_s = duration_s.value_or(points.back().time_s);
  if (!(end_s > 0.0)) {
    return Error{std::string(source_name) +
                 ": the trace has no length: with a single row, give a duration (the final row's time ends it)"};
  }
  const auto first_past_end =
      std::find_if(points.begin(), points.end(), [end_s](const TracePoint& p) { return p.time_s >= end_s; });
  points.erase(first_past_end, points.end());
  return WorkloadTrace(std::move(points), end_s);
}

double WorkloadTrace::rate_at(double t_s) const {
  if (!(t_s >= 0.0) || t_s >= duration_s_) return 0.0;
  const auto after =
      std::upper_bound(points_.begin(), points_.end(), t_s, [](double t, const TracePoint& p) { return t < p.time_s; });
  return std::prev(after)->rate_rps;
}

std::int64_t WorkloadTrace::duration_ns() const { return std::llround(duration_s_ * 1e9); }

double WorkloadTrace::expected_count(double from_s, double to_s) const {
  const double lo = std::max(from_s, 0.0);
  const double hi = std::min(to_s, duration_s_);
  double total = 0.0;
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const double seg_end = i + 1 < points_.size() ? points_[i + 1].time_s : duration_s_;
    const double overlap = std::min(hi, seg_end) - std::max(lo, points_[i].time_s);
    if (overlap > 0.0) total += overlap * points_[i].rate_rps;
  }
  return total;
}

}  // namespace pipescale::roles

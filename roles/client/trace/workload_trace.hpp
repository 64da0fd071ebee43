#pragma once
// A workload trace: the Client's request rate over time, piecewise constant. The file format and
// its rules are in roles/client/trace/README.md; in short:
//
//   time_s,rate_rps   # header optional
//   0,100      # 100 requests/s from 0 s ...
//   30,400     # ... 400/s from 30 s ...
//   60,0       # ... and the trace ends here at 60 s (the final row's rate holds for no time)
//
// A row's rate holds from its time until the next row's time, or until the end of the trace. The
// trace ends at the duration given to the parser if there is one (cutting later rows off, or
// holding the final row's rate until then), otherwise at the final row's time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::roles {

struct TracePoint {
  double time_s = 0.0;
  double rate_rps = 0.0;
};

class WorkloadTrace {
 public:
  // `source_name` (the path, or a config key) starts every error message.
  static Result<WorkloadTrace> parse(std::string_view csv_text, std::string_view source_name,
                                     std::optional<double> duration_s = std::nullopt);
  // The file's points, checked, before any duration is applied (the trace window's input).
  static Result<std::vector<TracePoint>> parse_points(std::string_view csv_text, std::string_view source_name);
  static Result<WorkloadTrace> load(const std::string& path, std::optional<double> duration_s = std::nullopt);
  // A trace built in code (a constant rate from the config, a test); the same rules apply, and
  // errors name the point by its 1-based index.
  static Result<WorkloadTrace> from_points(std::vector<TracePoint> points, std::string_view source_name,
                                           std::optional<double> duration_s = std::nullopt);

  // The rate at t: that of the last point at or before t; 0 before 0 and from the end on.
  [[nodiscard]] double rate_at(double t_s) const;
  [[nodiscard]] double duration_s() const { return duration_s_; }
  [[nodiscard]] std::int64_t duration_ns() const;
  // The points in effect: every one starts before duration_s().
  [[nodiscard]] const std::vector<TracePoint>& points() const { return points_; }
  // The integral of the rate over [from_s, to_s]: the expected number of requests.
  [[nodiscard]] double expected_count(double from_s, double to_s) const;

 private:
  WorkloadTrace(std::vector<TracePoint> points, double duration_s)
      : points_(std::move(points)), duration_s_(duration_s) {}

  // Checks the duration, then cuts the (already checked) points to it.
  static Result<WorkloadTrace> finish(std::vector<TracePoint> points, std::string_view source_name,
                                      std::optional<double> duration_s);

  std::vector<TracePoint> points_;
  double duration_s_ = 0.0;
};

}  // namespace pipescale::roles

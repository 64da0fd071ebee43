#include "roles/client/trace/trace_loader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/csv/numeric_csv.hpp"

namespace pipescale::roles {
namespace {

// Repeated, a rate trace keeps its own length (the period); one without a length (a single row)
// is a constant rate, the same repeated or not, and takes the run's.
std::optional<double> rate_duration_s(const std::vector<TracePoint>& points, const TraceSpec& spec) {
  if (!spec.repeat || points.size() < 2) return spec.run_duration_s;
  return std::nullopt;
}

Result<LoadedTrace> rate_trace(const std::vector<TracePoint>& points, std::string_view source_name,
                               const TraceSpec& spec) {
  const auto windowed = window_points(points, spec.window);
  auto trace = WorkloadTrace::from_points(windowed, source_name, rate_duration_s(windowed, spec));
  if (!trace) return trace.error();
  return LoadedTrace(std::move(*trace));
}

Result<LoadedTrace> request_trace(const RequestTrace& trace, std::string_view source_name, const TraceSpec& spec) {
  std::optional<std::int64_t> end_ns;
  if (spec.run_duration_s && !spec.repeat) end_ns = std::llround(*spec.run_duration_s * 1e9);
  RequestTrace windowed = window_requests(trace, spec.window, end_ns);
  if (windowed.times_ns.empty()) {
    return Error{std::string(source_name) + ": no request falls in the window replayed (client.start_s " +
                 format_number(spec.window.start_s) + ", client.duration_s " +
                 (spec.window.duration_s ? format_number(*spec.window.duration_s) : std::string("to the end")) +
                 ", within run.duration_s after client.time_scale)"};
  }
  if (spec.repeat) {
    windowed.period_ns = repeat_period_ns(windowed, spec.window);
    if (windowed.period_ns <= 0) {
      return Error{std::string(source_name) +
                   ": client.repeat: a trace of one request has no period; give client.duration_s, the window's "
                   "length, as the period"};
    }
  }
  return LoadedTrace(std::move(windowed));
}

}  // namespace

std::int64_t repeat_period_ns(const RequestTrace& trace, const TraceWindow& window) {
  if (window.duration_s) return std::llround(*window.duration_s * window.time_scale * 1e9);
  const std::size_t n = trace.times_ns.size();
  if (n < 2) return 0;
  const std::int64_t span = trace.times_ns.back() - trace.times_ns.front();
  return trace.times_ns.back() + span / static_cast<std::int64_t>(n - 1);
}

std::vector<TracePoint> window_points(const std::vector<TracePoint>& points, const TraceWindow& window) {
  const double start = window.start_s;
  const double end = window.duration_s ? start + *window.duration_s : std::numeric_limits<double>::infinity();
  std::vector<TracePoint> out;
  // The rate in effect at the window's start opens it.
  double opening = 0.0;
  for (const TracePoint& point : points) {
    if (point.time_s <= start) opening = point.rate_rps;
  }
  out.push_back({0.0, opening / window.time_scale});
  for (const TracePoint& point : points) {
    if (point.time_s <= start || point.time_s >= end) continue;
    out.push_back({(point.time_s - start) * window.time_scale, point.rate_rps / window.time_scale});
  }
  // A window with an end sends nothing after it, whatever the run's length.
  if (window.duration_s) out.push_back({*window.duration_s * window.time_scale, 0.0});
  return out;
}

RequestTrace window_requests(const RequestTrace& trace, const TraceWindow& window, std::optional<std::int64_t> end_ns) {
  const double start_ns = window.start_s * 1e9;
  const double stop_ns =
      window.duration_s ? start_ns + *window.duration_s * 1e9 : std::numeric_limits<double>::infinity();
  RequestTrace out;
  for (std::size_t i = 0; i < trace.times_ns.size(); ++i) {
    const auto t = static_cast<double>(trace.times_ns[i]);
    if (t < start_ns || t >= stop_ns) continue;
    const std::int64_t replay_ns =
        window.whole() ? trace.times_ns[i] : std::llround((t - start_ns) * window.time_scale);
    if (end_ns && replay_ns >= *end_ns) break;
    out.times_ns.push_back(replay_ns);
    if (!trace.tokens.empty()) out.tokens.push_back(trace.tokens[i]);
  }
  return out;
}

Result<LoadedTrace> parse_trace(std::string_view text, std::string_view source_name, const TraceSpec& spec) {
  switch (spec.format) {
    case TraceFormat::kRate: {
      if (spec.window.whole() && !spec.repeat) {
        auto trace = WorkloadTrace::parse(text, source_name, spec.run_duration_s);
        if (!trace) return trace.error();
        return LoadedTrace(std::move(*trace));
      }
      auto points = WorkloadTrace::parse_points(text, source_name);
      if (!points) return points.error();
      return rate_trace(*points, source_name, spec);
    }
    case TraceFormat::kAzureFunctions: {
      auto points = parse_azure_functions_trace(text, source_name, spec.functions);
      if (!points) return points.error();
      return rate_trace(*points, source_name, spec);
    }
    case TraceFormat::kRequests: {
      auto trace = parse_requests_trace(text, source_name);
      if (!trace) return trace.error();
      return request_trace(*trace, source_name, spec);
    }
    case TraceFormat::kAzureLlm: {
      auto trace = parse_azure_llm_trace(text, source_name);
      if (!trace) return trace.error();
      return request_trace(*trace, source_name, spec);
    }
  }
  return Error{std::string(source_name) + ": unknown trace format"};
}

Result<LoadedTrace> load_trace(const TraceSpec& spec) {
  auto text = read_text_file(spec.path);
  if (!text) return text.error();
  return parse_trace(*text, spec.path, spec);
}

}  // namespace pipescale::roles

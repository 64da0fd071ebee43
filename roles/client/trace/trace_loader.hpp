#pragma once
// Reading a workload trace in any of its formats, with the window and time scale the config asks
// for, into what the Client replays: a rate over time (drawn by an arrival process) or the send
// times of individual requests. The formats are in roles/client/trace/README.md.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "roles/client/trace/azure_functions_trace.hpp"
#include "roles/client/trace/request_trace.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::roles {

// engine/config's `TraceFormat` names the same four as the TOML spells them.
enum class TraceFormat {
  kRate,            // time_s,rate_rps: a rate, piecewise constant
  kRequests,        // one row per request at its time_s
  kAzureFunctions,  // per-minute invocation counts of functions, summed into a rate
  kAzureLlm,        // TIMESTAMP,ContextTokens,GeneratedTokens: one request per row
};

// Which part of the file is replayed, and how fast. Times in the file are cut to
// [start_s, start_s + duration_s), shifted to start at 0 and multiplied by time_scale: 0.01
// replays an hour in 36 s, with rates 100 times as high, so that every request of the window is
// still offered.
struct TraceWindow {
  double time_scale = 1.0;
  double start_s = 0.0;
  std::optional<double> duration_s;  // none: to the end of the file
  [[nodiscard]] bool whole() const { return time_scale == 1.0 && start_s == 0.0 && !duration_s.has_value(); }
};

struct TraceSpec {
  TraceFormat format = TraceFormat::kRate;
  std::string path;
  TraceWindow window;
  FunctionSelection functions;  // azure_functions only
  // The run's length: a rate trace's final rate holds until then; later requests are cut off.
  std::optional<double> run_duration_s;
  // Replayed cyclically (client.repeat): the trace keeps its own length, which is the period (a
  // rate trace's final row's time or its window's end; a request trace's, repeat_period_ns()), and
  // the run's length ends the replay instead.
  bool repeat = false;
};

// A request trace's period when repeated: the window's length when it has an end, else the last
// request's time plus the mean gap between requests (so the cycle keeps the trace's density).
// 0 for a trace of one request without a window: it has no period.
std::int64_t repeat_period_ns(const RequestTrace& trace, const TraceWindow& window);

using LoadedTrace = std::variant<WorkloadTrace, RequestTrace>;

Result<LoadedTrace> load_trace(const TraceSpec& spec);
// The same from text in memory; `source_name` starts every error.
Result<LoadedTrace> parse_trace(std::string_view text, std::string_view source_name, const TraceSpec& spec);

// The window applied to rate points that start at 0 (the final point's rate holds on).
std::vector<TracePoint> window_points(const std::vector<TracePoint>& points, const TraceWindow& window);
// The window applied to request times (ns from the file's start); times at or after `end_ns`
// (after scaling) are cut off.
RequestTrace window_requests(const RequestTrace& trace, const TraceWindow& window, std::optional<std::int64_t> end_ns);

}  // namespace pipescale::roles

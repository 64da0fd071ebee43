#include "engine/runtime/trace_tail.hpp"

#include <variant>

#include "base/csv/numeric_csv.hpp"
#include "engine/config/trace_spec.hpp"

namespace pipescale::engine {
namespace {

// Where the trace ends on its own (without the run's length), in replay seconds; nullopt when it
// cannot be read (the config's check has said why).
std::optional<double> natural_end_s(const PipelineConfig& config, bool& requests) {
  roles::TraceSpec spec = trace_spec(config);
  spec.run_duration_s.reset();
  auto trace = roles::load_trace(spec);
  if (!trace) return std::nullopt;
  if (const auto* times = std::get_if<roles::RequestTrace>(&*trace)) {
    requests = true;
    if (times->times_ns.empty()) return std::nullopt;
    return static_cast<double>(times->times_ns.back()) / 1e9;
  }
  return std::get<roles::WorkloadTrace>(*trace).duration_s();
}

}  // namespace

std::optional<std::string> idle_tail_warning(const PipelineConfig& config) {
  if (config.client.mode != ClientMode::kOpen || config.client.repeat) return std::nullopt;
  bool requests = false;
  const auto end_s = natural_end_s(config, requests);
  const double run_s = config.run.duration_s;
  if (!end_s || *end_s >= run_s) return std::nullopt;
  const std::string tail = " s to the run's end at " + format_number(run_s) + " s (run.duration_s)";
  if (requests) {
    return "client.trace_path: the trace's last request is at " + format_number(*end_s) +
           " s: nothing is sent from then" + tail;
  }
  auto held = roles::load_trace(trace_spec(config));
  if (!held || !std::holds_alternative<roles::WorkloadTrace>(*held)) return std::nullopt;
  const double final_rate = std::get<roles::WorkloadTrace>(*held).rate_at(*end_s) * config.client.rate_scale;
  if (final_rate > 0.0) return std::nullopt;  // the final rate holds: meant as a constant tail
  return "client.trace_path: the trace ends at " + format_number(*end_s) +
         " s and its final rate is 0: nothing is sent from " + format_number(*end_s) + tail;
}

}  // namespace pipescale::engine

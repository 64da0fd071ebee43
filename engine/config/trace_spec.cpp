#include "engine/config/trace_spec.hpp"

namespace pipescale::engine {
namespace {

roles::TraceFormat to_trace_format(TraceFormat format) {
  switch (format) {
    case TraceFormat::kRate: return roles::TraceFormat::kRate;
    case TraceFormat::kRequests: return roles::TraceFormat::kRequests;
    case TraceFormat::kAzureFunctions: return roles::TraceFormat::kAzureFunctions;
    case TraceFormat::kAzureLlm: return roles::TraceFormat::kAzureLlm;
  }
  return roles::TraceFormat::kRate;
}

}  // namespace

roles::TraceSpec trace_spec(const PipelineConfig& config) {
  const ClientConfig& client = config.client;
  roles::TraceSpec spec;
  spec.format = to_trace_format(client.trace_format);
  spec.path = client.trace_path.string();
  spec.window.time_scale = client.time_scale;
  spec.window.start_s = client.start_s;
  if (client.duration_s > 0.0) spec.window.duration_s = client.duration_s;
  spec.functions.names = client.trace_functions;
  spec.functions.top = static_cast<std::size_t>(client.trace_top_functions);
  spec.run_duration_s = config.run.duration_s;
  spec.repeat = client.repeat;
  return spec;
}

}  // namespace pipescale::engine

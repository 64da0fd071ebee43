#pragma once
// The roles' description of the Client's trace, from the config: the file, its format, the
// window and time scale, the functions chosen and the run's length. The loader checks the trace
// with it, and the Client reads it with it, so both read the file the same way.
#include "engine/config/config.hpp"
#include "roles/client/trace/trace_loader.hpp"

namespace pipescale::engine {

roles::TraceSpec trace_spec(const PipelineConfig& config);

}  // namespace pipescale::engine

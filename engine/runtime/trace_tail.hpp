#pragma once
// A run lasts its run.duration_s whatever the trace (roles/client/trace/README.md): when the trace
// ends sooner, a rate trace's final rate holds until the run's end, and a request trace sends
// nothing more. This finds the case a user most likely did not mean, an idle tail: the trace ends
// before the run and nothing is sent from then on.
#include <optional>
#include <string>

#include "engine/config/config.hpp"

namespace pipescale::engine {

// The warning for a run whose trace ends before run.duration_s and sends nothing after it, or
// nullopt (a closed loop, a trace as long as the run, a final rate above 0).
std::optional<std::string> idle_tail_warning(const PipelineConfig& config);

}  // namespace pipescale::engine

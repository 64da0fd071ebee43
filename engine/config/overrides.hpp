#pragma once
// --set KEY=VALUE: changes to the parsed tree, applied before validation so that an overridden
// value meets exactly the checks a written one does, and its errors name the --set argument.
#include <string>
#include <vector>

#include "engine/config/config_errors.hpp"
#include "engine/config/config_tree.hpp"

namespace pipescale::engine::config_detail {

// Applies each "KEY=VALUE" in order (a later one wins). KEY is dotted: "run.slo_ms",
// "stages.detect.workers_max" or "stages.2.workers_max" (an array item by its name or its
// 1-based position). VALUE is a TOML value (200, 1.5, false, "text", [1, 2]); text that is not
// one is taken as a string, so run.transport=grpc works without quotes. An argument that cannot be
// applied (no '=', an empty key part, a stage that does not exist) is reported to `errors`.
void apply_overrides(ConfigNode& root, const std::vector<std::string>& overrides, ErrorList& errors);

}  // namespace pipescale::engine::config_detail

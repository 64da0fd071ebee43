#pragma once
// Writing the effective config back as TOML, every default filled in and every path absolute, so
// that a results folder records exactly what ran and load_config reads it back to an equal config.
#include <string>

#include "engine/config/config.hpp"

namespace pipescale::engine {

std::string to_toml(const PipelineConfig& config);

}  // namespace pipescale::engine

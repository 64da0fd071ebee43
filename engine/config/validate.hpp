#pragma once
// What `pipescale validate CONFIG` prints: every problem of the config, or a one-paragraph
// description of the pipeline it defines.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/config/config.hpp"

namespace pipescale::engine {

struct Validation {
  std::vector<std::string> errors;  // one line each; empty when the config is valid
  std::string summary;              // set when the config is valid

  [[nodiscard]] bool ok() const { return errors.empty(); }
};

Validation validate_config(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

// "2 stages: detect (1 to 4 Workers, batches up to 8, 5 to 20 ms per batch) -> classify (...).
// End-to-end SLO 200 ms. ..." for a config that loaded.
std::string summarize(const PipelineConfig& config);

}  // namespace pipescale::engine

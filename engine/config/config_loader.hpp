#pragma once
// Loading a pipeline config: parse the TOML file, apply the --set overrides, then read and check
// every section. All problems are collected and reported together, one per line, each naming the
// key, where it was written (file and line, or the --set argument), the bad value and what was
// expected. Loading has no side effects: it reads files and writes nothing.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/config/config.hpp"

namespace pipescale::engine {

// The outcome with the problems as a list: `config` is set exactly when `errors` is empty.
struct ConfigReport {
  std::optional<PipelineConfig> config;
  std::vector<std::string> errors;
};

// `overrides` are "KEY=VALUE" strings from --set (see engine/config/README.md). Relative paths in
// the file resolve against the file's folder; relative paths given with --set against the
// working directory.
ConfigReport read_config(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

// The same; the error message holds every problem, one per line.
Result<PipelineConfig> load_config(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

}  // namespace pipescale::engine

#pragma once
// `pipescale run`: the main job. Loads and checks the config (and the trace and profiles it names)
// before anything is created; plans placement; creates the run's segment (every link's rings,
// every process's doorbell, the statistics board); starts each role as its own process of this
// binary (`pipescale role ...`), pinned, with its stderr in the results folder's logs/; walks them
// through the run phases; shows progress once a second; supervises (a role that dies ends the run
// with a message naming it, and the Client still accounts for every request); writes the results
// folder and prints the summary. Ctrl-C or SIGTERM stops early and still writes the results; a
// second Ctrl-C kills the roles at once (the results hold what was published by then).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.hpp"

namespace pipescale::engine {

struct LaunchOptions {
  std::filesystem::path config;
  std::vector<std::string> overrides;  // --set KEY=VALUE
  std::optional<double> duration_s;    // --duration-s: run.duration_s
  std::filesystem::path out_dir;       // empty: runs/<timestamp>
  std::filesystem::path executable;    // this binary, for the role processes
  bool progress = true;
};

// Everything a run reads, checked before anything is created: the config with its overrides
// (and --duration-s), the trace and the profiles it names, and the Scheduler's settings. Problems
// are printed to stderr, one per line, then "pipescale <command>: N problems ...".
std::optional<PipelineConfig> preflight(const std::filesystem::path& config_path, std::vector<std::string> overrides,
                                        std::optional<double> duration_s, const char* command);

// Exit status: 0 the run ended normally; 1 a role failed (results written); 2 bad config or
// input (nothing created); 3 the run could not be set up; 130 interrupted (results written).
int launch(const LaunchOptions& options);

}  // namespace pipescale::engine

#pragma once
// `pipescale run`: the main job. Loads and checks the config (and the trace and profiles it names)
// before anything is created; plans placement; creates the run's segment (every link's rings,
// every process's doorbell, the statistics board); starts each role as its own process of this
// binary (`pipescale role ...`), pinned, with its stderr in the results folder's logs/; walks them
// through the run phases; shows progress once a second; supervises (a role that dies ends the run
// with a message naming it, and the Client still accounts for every request); writes the results
// folder and prints the summary. Ctrl-C or SIGTERM stops early and still writes the results; a
// second Ctrl-C stops every role at once (the Client still counts and publishes what it knows).
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

// SIGINT and SIGTERM count stop requests instead of killing the launcher: the first stops the run
// in order, a second stops every role at once (each still publishes what it has), a third kills
// them. Installed before anything is created, so that a signal at any moment leaves nothing behind.
void install_stop_signal_handlers();
bool stop_requested();
// 128 + the first stop signal's number: 130 for SIGINT, 143 for SIGTERM.
int interrupted_exit_status();
// "SIGINT" or "SIGTERM": the first stop signal.
const char* stop_signal_name();

// Exit status: 0 the run ended normally; 1 a role failed (results written); 2 bad config or
// input (nothing created), or --out names a folder that is not empty; 3 the run could not be set up;
// 130 (SIGINT) or 143 (SIGTERM) interrupted: the results written and marked so, or, when the stop
// came before the run phase, nothing kept at all.
int launch(const LaunchOptions& options);

}  // namespace pipescale::engine

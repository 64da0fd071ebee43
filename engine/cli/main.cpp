// pipescale: the command line. `run` is the main job (engine/runtime/launcher.hpp), `simulate`
// runs the same roles on a virtual clock (engine/simulate), `sweep` runs one experiment per value
// of a config key, `compare` sets two results folders side by side, `validate` checks a config without
// running it, `plan` prints the placement a run would get, and the hidden `role` is how the
// launcher starts each role process from this same binary. Each subcommand has its own file here
// (subcommands.hpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <vector>

#include "engine/cli/subcommands.hpp"
#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/launcher.hpp"

namespace pipescale::engine::cli {

std::filesystem::path self_executable(const char* argv0) {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) return path;
  return std::filesystem::absolute(argv0);
}

}  // namespace pipescale::engine::cli

namespace {

namespace cli = pipescale::engine::cli;
using pipescale::engine::kExitBadInput;
using pipescale::engine::kExitOk;

int run_command_line(int argc, char** argv) {
  CLI::App app{
      "pipescale: latency studies of model-inference pipelines on one multicore box.\n"
      "Every role (Client, Frontends, Workers, Scheduler) runs as its own pinned process; they talk over\n"
      "shared-memory rings (or gRPC, to compare). See README.md and engine/config/README.md."};
  app.require_subcommand(1);
  // In the order --help lists them.
  std::vector<std::unique_ptr<cli::Subcommand>> subcommands;
  subcommands.push_back(cli::add_run_command(app));
  subcommands.push_back(cli::add_simulate_command(app));
  subcommands.push_back(cli::add_sweep_command(app));
  subcommands.push_back(cli::add_validate_command(app));
  subcommands.push_back(cli::add_plan_command(app));
  subcommands.push_back(cli::add_compare_command(app));
  subcommands.push_back(cli::add_role_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? kExitOk : kExitBadInput;
  }
  for (const auto& subcommand : subcommands) {
    if (subcommand->parsed()) return subcommand->execute(argv[0]);
  }
  return kExitBadInput;
}

}  // namespace

namespace {

// `run` takes SIGINT and SIGTERM as stop requests from its first instant: the executable's
// .preinit_array runs once the dynamic loader has mapped and relocated the libraries and before
// any of their initializers (gRPC's, protobuf's, Abseil's take tens of milliseconds), so a signal
// then leaves a message and nothing behind. launch() installs the same handlers again.
void install_run_signal_handlers_early(int argc, char** argv, char** /*envp*/) {
  if (argc > 1 && argv[1] != nullptr && std::strcmp(argv[1], "run") == 0) {
    pipescale::engine::install_stop_signal_handlers();
  }
}

}  // namespace

__attribute__((section(".preinit_array"),
               used)) void (*const kPreinitRunSignalHandlers)(int, char**, char**) = install_run_signal_handlers_early;

int main(int argc, char** argv) {
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "pipescale: %s\n", error.what());
    return 1;
  }
}

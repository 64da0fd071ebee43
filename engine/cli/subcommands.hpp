#pragma once
// The subcommands of the pipescale binary, one file each. Each adds itself and its options to the
// app (in the order --help lists them) and, once the command line has chosen it, runs and returns
// the process's exit status (engine/runtime/exit_status.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>

#ifndef PIPESCALE_DEFAULT_CONFIG
#define PIPESCALE_DEFAULT_CONFIG "configs/default.toml"
#endif
#ifndef PIPESCALE_PLOT_SCRIPT
#define PIPESCALE_PLOT_SCRIPT "scripts/plot.py"
#endif

namespace pipescale::engine::cli {

class Subcommand {
 public:
  Subcommand(const Subcommand&) = delete;
  Subcommand& operator=(const Subcommand&) = delete;
  virtual ~Subcommand() = default;

  [[nodiscard]] bool parsed() const { return command_->parsed(); }
  // argv0 locates this binary, for the commands that start role processes.
  virtual int execute(const char* argv0) = 0;

 protected:
  // The options are bound to the subclass's members: a Subcommand stays where it was made.
  explicit Subcommand(CLI::App* command) : command_(command) {}

  CLI::App* command_;
};

std::unique_ptr<Subcommand> add_run_command(CLI::App& app);
std::unique_ptr<Subcommand> add_simulate_command(CLI::App& app);
std::unique_ptr<Subcommand> add_sweep_command(CLI::App& app);
std::unique_ptr<Subcommand> add_validate_command(CLI::App& app);
std::unique_ptr<Subcommand> add_plan_command(CLI::App& app);
std::unique_ptr<Subcommand> add_compare_command(CLI::App& app);
std::unique_ptr<Subcommand> add_role_command(CLI::App& app);

// This binary, for the role processes a run starts: /proc/self/exe, or argv[0] made absolute.
std::filesystem::path self_executable(const char* argv0);

}  // namespace pipescale::engine::cli

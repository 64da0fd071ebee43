// `pipescale role` (hidden): one role process of a run, started by the launcher from this same
// binary (engine/runtime/role_process.hpp).
#include <cstdio>
#include <string>
#include <utility>

#include "engine/cli/subcommands.hpp"
#include "engine/placement/cpu_list.hpp"
#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/role_process.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::engine::cli {
namespace {

class RoleCommand final : public Subcommand {
 public:
  explicit RoleCommand(CLI::App& app)
      : Subcommand(app.add_subcommand("role", "One role process of a run (started by `pipescale run`)")) {
    command_->group("");
    command_->add_option("--segment", options_.segment)->required();
    command_->add_option("--config", config_)->required();
    command_->add_option("--process", options_.process)->required();
    command_->add_option("--cpus", cpus_);
    command_->add_option("--wait", wait_);
    command_->add_option("--spin-ns", options_.wait.spin_ns);
    command_->add_option("--max-park-ns", options_.wait.max_park_ns);
    command_->add_option("--socket-dir", socket_dir_);
    command_->add_flag("--replacement", options_.replacement, "started in place of a lost process of this name");
  }

  int execute(const char* /*argv0*/) override {
    options_.config = config_;
    options_.socket_dir = socket_dir_;
    const auto kind = ipc::parse_wait_kind(wait_);
    if (!kind) {
      std::fprintf(stderr, "pipescale role: --wait %s: expected spin, spin-then-park or park\n", wait_.c_str());
      return kExitBadInput;
    }
    options_.wait.kind = *kind;
    if (!cpus_.empty()) {
      auto parsed = parse_cpu_list(cpus_);
      if (!parsed) {
        std::fprintf(stderr, "pipescale role: --cpus %s: %s\n", cpus_.c_str(), parsed.error().message.c_str());
        return kExitBadInput;
      }
      options_.cpus = std::move(*parsed);
    }
    return run_role(options_);
  }

 private:
  RoleOptions options_;
  std::string config_;
  std::string cpus_;
  std::string wait_ = "spin-then-park";
  std::string socket_dir_;
};

}  // namespace

std::unique_ptr<Subcommand> add_role_command(CLI::App& app) { return std::make_unique<RoleCommand>(app); }

}  // namespace pipescale::engine::cli

// `pipescale validate`: checks a config without running it (engine/config/validate.hpp).
#include "engine/config/validate.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "engine/cli/subcommands.hpp"
#include "engine/runtime/exit_status.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kValidateHelp =
    "Check a config (and the files it names) without running it; print every problem, or a summary.\n"
    "Exit status 0 when valid, 2 otherwise.";

class ValidateCommand final : public Subcommand {
 public:
  explicit ValidateCommand(CLI::App& app) : Subcommand(app.add_subcommand("validate", kValidateHelp)) {
    command_->add_option("config", config_, "Pipeline config (TOML)")->required();
    command_->add_option("--set", overrides_, "Override any config key (as for run)")->type_name("KEY=VALUE");
  }

  int execute(const char* /*argv0*/) override {
    const auto result = validate_config(config_, overrides_);
    if (!result.ok()) {
      for (const std::string& error : result.errors) std::fprintf(stderr, "error: %s\n", error.c_str());
      return kExitBadInput;
    }
    std::printf("%s\n", result.summary.c_str());
    return kExitOk;
  }

 private:
  std::string config_;
  std::vector<std::string> overrides_;
};

}  // namespace

std::unique_ptr<Subcommand> add_validate_command(CLI::App& app) { return std::make_unique<ValidateCommand>(app); }

}  // namespace pipescale::engine::cli

// `pipescale compare`: two results folders side by side (engine/runtime/compare_command.hpp).
#include <iostream>

#include "engine/cli/subcommands.hpp"
#include "engine/runtime/compare_command.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kCompareHelp =
    "Compare two results folders side by side: a line naming each run (mode, transport, scheduler, SLO), then\n"
    "per metric the value in A, in B, the difference B - A and the relative change: requests sent, completed,\n"
    "dropped and failed, SLO attainment (difference in percentage points), latency p50/p90/p99/p99.9/max,\n"
    "hop overhead p50/p99, drops per stage and reason, worker-seconds per stage. A stage only one run has\n"
    "shows \"-\" on the other side. Warns on stderr when the runs have different SLOs or stages.\n"
    "Exit status 0, or 2 when a folder cannot be read.";

class CompareCommand final : public Subcommand {
 public:
  explicit CompareCommand(CLI::App& app) : Subcommand(app.add_subcommand("compare", kCompareHelp)) {
    command_->add_option("run_dir_a", options_.run_a, "Results folder A (the baseline)")->required();
    command_->add_option("run_dir_b", options_.run_b, "Results folder B")->required();
    command_->add_flag("--json", options_.json, "Print the comparison as JSON");
  }

  int execute(const char* /*argv0*/) override { return compare_runs(options_, std::cout, std::cerr); }

 private:
  CompareOptions options_;
};

}  // namespace

std::unique_ptr<Subcommand> add_compare_command(CLI::App& app) { return std::make_unique<CompareCommand>(app); }

}  // namespace pipescale::engine::cli

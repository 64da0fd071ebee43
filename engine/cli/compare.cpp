// `pipescale compare`: two results folders side by side (engine/runtime/compare_command.hpp).
#include <iostream>

#include "engine/cli/subcommands.hpp"
#include "engine/runtime/compare_command.hpp"
#include "engine/runtime/sweep_compare.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kCompareHelp =
    "Compare two results folders side by side: a line naming each run (mode, transport, scheduler, SLO), then\n"
    "per metric the value in A, in B, the difference B - A and the relative change: requests sent, completed,\n"
    "dropped and failed, SLO attainment (difference in percentage points), latency p50/p90/p99/p99.9/max,\n"
    "hop overhead p50/p99, drops per stage and reason, worker-seconds per stage. A stage only one run has\n"
    "shows \"-\" on the other side. Warns on stderr when the runs have different SLOs or stages.\n"
    "Given two sweep folders (each with a sweep.csv, from `pipescale sweep`), compares them point by point\n"
    "instead: per point of A (matched in B by the swept keys' values) SLO attainment, goodput, drop rate,\n"
    "latency p50/p99 and worker-seconds as mean [95% confidence interval] in A and in B, the difference of the\n"
    "means, and whether the intervals overlap (\"overlap\": the replications cannot tell A from B there) or\n"
    "are apart (\"apart, B higher\" / \"apart, B lower\"); \"-\" when a side ran once (no interval).\n"
    "Exit status 0, or 2 when a folder cannot be read, one is a sweep and the other a run, or two sweeps\n"
    "swept different keys.";

class CompareCommand final : public Subcommand {
 public:
  explicit CompareCommand(CLI::App& app) : Subcommand(app.add_subcommand("compare", kCompareHelp)) {
    command_->add_option("run_dir_a", options_.run_a, "Results folder A (the baseline), or sweep folder A")->required();
    command_->add_option("run_dir_b", options_.run_b, "Results folder B, or sweep folder B")->required();
    command_->add_flag("--json", options_.json, "Print the comparison as JSON");
  }

  int execute(const char* /*argv0*/) override {
    const bool sweep_a = is_sweep_dir(options_.run_a);
    const bool sweep_b = is_sweep_dir(options_.run_b);
    if (sweep_a && sweep_b) return compare_sweeps(options_, std::cout, std::cerr);
    if (sweep_a != sweep_b) {
      std::cerr << "pipescale compare: " << (sweep_a ? options_.run_a : options_.run_b).string()
                << " is a sweep folder (it holds sweep.csv) and "
                << (sweep_a ? options_.run_b : options_.run_a).string() << " is not: compare two runs, or two sweeps\n";
      return 2;
    }
    return compare_runs(options_, std::cout, std::cerr);
  }

 private:
  CompareOptions options_;
};

}  // namespace

std::unique_ptr<Subcommand> add_compare_command(CLI::App& app) { return std::make_unique<CompareCommand>(app); }

}  // namespace pipescale::engine::cli

// `pipescale sweep`: one experiment per point of a grid of config values, replicated
// (engine/simulate/sweep_command.hpp).
#include <cstdio>
#include <optional>
#include <string>

#include "engine/cli/subcommands.hpp"
#include "engine/runtime/exit_status.hpp"
#include "engine/simulate/sweep_command.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kSweepHelp =
    "Run one experiment per point of a grid of config values and tabulate them. Each --param KEY is followed by\n"
    "its --values; give several to sweep their grid (every combination, the first key varying slowest). Any key\n"
    "--set takes can be swept, numeric or not (a policy name such as stages.detect.drop=deadline,never is a\n"
    "category). --replications N runs each point N times with seeds run.seed, run.seed+1, ...\n"
    "Each run gets its own results folder under the sweep's (NN-<values>, or NN-<values>/seed-<seed> with\n"
    "replications). Then sweep_runs.csv (one row per run), sweep.csv (one row per point: runs, and for each\n"
    "figure (SLO attainment, goodput, drops, latency percentiles, worker-seconds, wasted share) its mean and\n"
    "the bounds of its 95% Student's t confidence interval across the replications; the bounds are empty\n"
    "with one run) and sweep.png (goodput, attainment, drop rate and p99 against the first key, with error\n"
    "bars, one line per value of the other keys). One line per finished run shows its point, replication and\n"
    "figures. Live by default; --simulate runs each on the simulator twin. Every point is checked before the\n"
    "first experiment. `pipescale compare` sets two sweep folders side by side.\n"
    "Example: pipescale sweep configs/default.toml --param stages.detect.drop --values deadline,never\n"
    "           --param client.rate_scale --values 1,2 --replications 3 --simulate\n"
    "Exit status: 0 done, 1 a live run had a role fail, 2 bad config, key or value (nothing run), 3 set-up\n"
    "failed, 130 interrupted (the finished experiments are tabulated).";

// "a,b,c" -> {"a", "b", "c"}; an empty piece stays, for check_sweep_params to name.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> values;
  std::size_t start = 0;
  for (std::size_t comma = text.find(','); comma != std::string::npos; comma = text.find(',', start)) {
    values.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  values.push_back(text.substr(start));
  return values;
}

class SweepCommand final : public Subcommand {
 public:
  explicit SweepCommand(CLI::App& app) : Subcommand(app.add_subcommand("sweep", kSweepHelp)) {
    command_->add_option("config", config_, "Pipeline config (TOML)")->required();
    command_
        ->add_option("--param", keys_,
                     "A config key to sweep, as --set spells it (client.rate_scale multiplies the trace's rates); "
                     "repeat it, each followed by its --values, to sweep a grid")
        ->required()
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->type_name("KEY");
    command_->add_option("--values", values_, "The values of the --param before it, comma-separated, in sweep order")
        ->required()
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->type_name("V1,V2,...");
    command_->add_option("--replications", options_.replications, "Runs per point, seeds run.seed, run.seed+1, ...")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    command_->add_flag("--simulate", options_.simulate, "Simulate each experiment instead of running it live");
    command_->add_option("--out", out_dir_,
                         "The sweep's folder, new or empty (default: runs/sweep-<timestamp>, suffixed when taken)");
    command_->add_option("--set", options_.overrides, "Override any other config key, in every experiment")
        ->type_name("KEY=VALUE");
    command_->add_option("--duration-s", duration_s_, "Length of each replay in seconds (overrides run.duration_s)")
        ->check(CLI::PositiveNumber);
    command_->add_flag("--no-plot", no_plot_, "Write the tables only, no sweep.png");
    command_->add_flag("--quiet", quiet_, "No per-second progress lines during live runs");
  }

  int execute(const char* argv0) override {
    if (keys_.size() != values_.size()) {
      std::fprintf(stderr, "pipescale sweep: %zu --param but %zu --values: give each --param its --values\n",
                   keys_.size(), values_.size());
      return kExitBadInput;
    }
    options_.params.clear();
    for (std::size_t k = 0; k < keys_.size(); ++k) options_.params.push_back({keys_[k], split_values(values_[k])});
    options_.config = config_;
    options_.duration_s = duration_s_;
    options_.out_dir = out_dir_;
    options_.executable = self_executable(argv0);
    options_.plot_script = no_plot_ ? std::filesystem::path() : std::filesystem::path(PIPESCALE_PLOT_SCRIPT);
    options_.progress = !quiet_;
    return sweep(options_);
  }

 private:
  SweepOptions options_;
  std::string config_;
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  std::optional<double> duration_s_;
  std::string out_dir_;
  bool quiet_ = false;
  bool no_plot_ = false;
};

}  // namespace

std::unique_ptr<Subcommand> add_sweep_command(CLI::App& app) { return std::make_unique<SweepCommand>(app); }

}  // namespace pipescale::engine::cli

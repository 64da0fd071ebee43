// `pipescale sweep`: one experiment per value of a config key (engine/simulate/sweep_command.hpp).
#include <optional>
#include <string>

#include "engine/cli/subcommands.hpp"
#include "engine/simulate/sweep_command.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kSweepHelp =
    "Run one experiment per value of one config key and tabulate them: each in its own results folder under\n"
    "the sweep's, then sweep.csv (one row per value: SLO attainment, goodput, drops, latency percentiles,\n"
    "worker-seconds and their wasted share) and sweep.png (goodput, attainment, drop rate and p99 against\n"
    "the value). Live by default; --simulate runs each on the simulator twin. Every value is checked\n"
    "before the first experiment.\n"
    "Example: pipescale sweep configs/default.toml --param client.rate_scale --values 0.5,1,1.5,2 --simulate\n"
    "Exit status: 0 done, 1 a live run had a role fail, 2 bad config, key or value (nothing run), 3 set-up\n"
    "failed, 130 interrupted (the finished experiments are tabulated).";

class SweepCommand final : public Subcommand {
 public:
  explicit SweepCommand(CLI::App& app) : Subcommand(app.add_subcommand("sweep", kSweepHelp)) {
    command_->add_option("config", config_, "Pipeline config (TOML)")->required();
    command_
        ->add_option("--param", options_.param,
                     "The config key to sweep, as --set spells it (client.rate_scale multiplies the trace's rates)")
        ->required()
        ->type_name("KEY");
    command_->add_option("--values", options_.values, "The values, comma-separated, in sweep order")
        ->required()
        ->delimiter(',')
        ->type_name("V1,V2,...");
    command_->add_flag("--simulate", options_.simulate, "Simulate each experiment instead of running it live");
    command_->add_option("--out", out_dir_, "The sweep's folder (default: runs/sweep-<timestamp>)");
    command_->add_option("--set", options_.overrides, "Override any other config key, in every experiment")
        ->type_name("KEY=VALUE");
    command_->add_option("--duration-s", duration_s_, "Length of each replay in seconds (overrides run.duration_s)")
        ->check(CLI::PositiveNumber);
    command_->add_flag("--no-plot", no_plot_, "Write sweep.csv only, no sweep.png");
    command_->add_flag("--quiet", quiet_, "No progress line during live runs");
  }

  int execute(const char* argv0) override {
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
  std::optional<double> duration_s_;
  std::string out_dir_;
  bool quiet_ = false;
  bool no_plot_ = false;
};

}  // namespace

std::unique_ptr<Subcommand> add_sweep_command(CLI::App& app) { return std::make_unique<SweepCommand>(app); }

}  // namespace pipescale::engine::cli

// `pipescale simulate`: the same roles on a virtual clock (engine/simulate).
#include <optional>
#include <string>

#include "engine/cli/subcommands.hpp"
#include "engine/simulate/simulate_command.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kSimulateHelp =
    "Simulate a run: the same Client, Frontend, Worker and Scheduler code as `run`, all in this process on a\n"
    "virtual clock, messages delivered in zero virtual time (or --hop-delay-us each). Same config, trace and\n"
    "seed, same results folder (summary.json says \"mode\": \"simulate\"), deterministic to the byte, and a\n"
    "60 s experiment takes a fraction of a second. engine/simulate/README.md says what is modelled and what\n"
    "is not. Exit status: 0 done, 1 the simulation failed, 2 bad configuration (nothing written), 3 the\n"
    "results folder cannot be written.";

class SimulateCommand final : public Subcommand {
 public:
  explicit SimulateCommand(CLI::App& app) : Subcommand(app.add_subcommand("simulate", kSimulateHelp)) {
    command_->add_option("config", config_, "Pipeline config (TOML); default: the shipped one");
    command_->add_option("--duration-s", duration_s_, "Length of the replay in seconds (overrides run.duration_s)")
        ->check(CLI::PositiveNumber);
    command_->add_option("--out", out_dir_,
                         "Results folder, new or empty (default: runs/sim-<timestamp>, suffixed when taken)");
    command_->add_option("--set", options_.overrides, "Override any config key (as for run)")->type_name("KEY=VALUE");
    auto* delay_option = command_
                             ->add_option("--hop-delay-us", hop_delay_us_,
                                          "Virtual time each message (request or reply) takes, in microseconds "
                                          "(simulate.hop_delay_us; default 0)")
                             ->check(CLI::NonNegativeNumber);
    command_
        ->add_option("--hop-delay-from", hop_delay_from_,
                     "Take the hop delay from a live run's results folder: its hop_overhead_us p50")
        ->excludes(delay_option);
    command_->add_flag("--quiet", quiet_, "No progress line");
  }

  int execute(const char* /*argv0*/) override {
    options_.config = config_;
    options_.duration_s = duration_s_;
    options_.hop_delay_us = hop_delay_us_;
    options_.hop_delay_from = hop_delay_from_;
    options_.out_dir = out_dir_;
    options_.progress = !quiet_;
    return simulate(options_);
  }

 private:
  SimulateOptions options_;
  std::string config_ = PIPESCALE_DEFAULT_CONFIG;
  std::optional<double> duration_s_;
  std::optional<double> hop_delay_us_;
  std::string hop_delay_from_;
  std::string out_dir_;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Subcommand> add_simulate_command(CLI::App& app) { return std::make_unique<SimulateCommand>(app); }

}  // namespace pipescale::engine::cli

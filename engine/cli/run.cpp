// `pipescale run`: the main job (engine/runtime/launcher.hpp).
#include <optional>
#include <string>

#include "engine/cli/subcommands.hpp"
#include "engine/runtime/launcher.hpp"

namespace pipescale::engine::cli {
namespace {

constexpr const char* kRunHelp =
    "Run a pipeline: start every role as its own pinned process, replay the trace, show progress once a second,\n"
    "write the results folder (config.toml, manifest.json, placement.json, summary.json, timeseries.csv, stages.csv,\n"
    "tensorboard/, logs/)\n"
    "and print a summary. Ctrl-C (or SIGTERM) stops early and still writes the results, marked interrupted; a\n"
    "second Ctrl-C stops every role at once; a stop before the first request is sent keeps nothing. Exit status:\n"
    "0 done, 1 a role failed (and was not replaced) or the Client died, 2 bad configuration or a non-empty --out\n"
    "(nothing started), 3 set-up failed, 4 the summary holds invalid figures (data lost on a corrupt ring, or a\n"
    "figure failed its checks: summary.json says which), 130 interrupted by SIGINT, 143 by SIGTERM.";

class RunCommand final : public Subcommand {
 public:
  explicit RunCommand(CLI::App& app) : Subcommand(app.add_subcommand("run", kRunHelp)) {
    command_->add_option("config", config_, "Pipeline config (TOML); default: the shipped " PIPESCALE_DEFAULT_CONFIG);
    command_->add_option("--duration-s", duration_s_, "Length of the replay in seconds (overrides run.duration_s)")
        ->check(CLI::PositiveNumber);
    command_->add_option("--out", out_dir_,
                         "Results folder, new or empty (default: runs/<timestamp> under the working directory, "
                         "suffixed -2, -3, ... when taken)");
    command_
        ->add_option("--set", launch_.overrides,
                     "Override any config key, e.g. --set run.slo_ms=200 --set scheduler.enabled=false (repeatable)")
        ->type_name("KEY=VALUE");
    command_
        ->add_option("--metrics-port", metrics_port_,
                     "Serve live metrics for Prometheus at http://127.0.0.1:PORT/metrics (sets run.metrics_port)")
        ->check(CLI::Range(1, 65535));
    command_->add_flag("--quiet", quiet_, "No progress line");
  }

  int execute(const char* argv0) override {
    if (metrics_port_.has_value()) launch_.overrides.push_back("run.metrics_port=" + std::to_string(*metrics_port_));
    launch_.config = config_;
    launch_.duration_s = duration_s_;
    launch_.out_dir = out_dir_;
    launch_.executable = self_executable(argv0);
    launch_.progress = !quiet_;
    return launch(launch_);
  }

 private:
  LaunchOptions launch_;
  std::string config_ = PIPESCALE_DEFAULT_CONFIG;
  std::optional<double> duration_s_;
  std::optional<int> metrics_port_;
  std::string out_dir_;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Subcommand> add_run_command(CLI::App& app) { return std::make_unique<RunCommand>(app); }

}  // namespace pipescale::engine::cli

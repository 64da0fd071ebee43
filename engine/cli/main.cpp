// pipescale: the command line. `run` is the main job (engine/runtime/launcher.hpp), `simulate`
// runs the same roles on a virtual clock (engine/simulate), `sweep` runs one experiment per value
// of a config key, `compare` sets two results folders side by side, `validate` checks a config without
// running it, `plan` prints the placement a run would get, and the hidden `role` is how the
// launcher starts each role process from this same binary.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/validate.hpp"
#include "engine/placement/cpu_list.hpp"
#include "engine/runtime/compare_command.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/plan_command.hpp"
#include "engine/runtime/role_process.hpp"
#include "engine/simulate/simulate_command.hpp"
#include "engine/simulate/sweep_command.hpp"
#include "ipc/wait/wait_strategy.hpp"

#ifndef PIPESCALE_DEFAULT_CONFIG
#define PIPESCALE_DEFAULT_CONFIG "configs/default.toml"
#endif
#ifndef PIPESCALE_PLOT_SCRIPT
#define PIPESCALE_PLOT_SCRIPT "scripts/plot.py"
#endif

namespace {

std::filesystem::path self_executable(const char* argv0) {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) return path;
  return std::filesystem::absolute(argv0);
}

}  // namespace

namespace {

int run_command_line(int argc, char** argv) {
  CLI::App app{
      "pipescale: latency studies of model-inference pipelines on one multicore box.\n"
      "Every role (Client, Frontends, Workers, Scheduler) runs as its own pinned process; they talk over\n"
      "shared-memory rings (or gRPC, to compare). See README.md and engine/config/README.md."};
  app.require_subcommand(1);

  // run
  pipescale::engine::LaunchOptions launch;
  std::string run_config = PIPESCALE_DEFAULT_CONFIG;
  std::optional<double> duration_s;
  std::string out_dir;
  bool quiet = false;
  CLI::App* run = app.add_subcommand(
      "run",
      "Run a pipeline: start every role as its own pinned process, replay the trace, show progress once a second,\n"
      "write the results folder (config.toml, placement.json, summary.json, timeseries.csv, stages.csv, logs/)\n"
      "and print a summary. Ctrl-C stops early and still writes the results. Exit status: 0 done, 1 a role\n"
      "failed, 2 bad configuration (nothing started), 3 set-up failed, 130 interrupted.");
  run->add_option("config", run_config, "Pipeline config (TOML); default: the shipped " PIPESCALE_DEFAULT_CONFIG);
  run->add_option("--duration-s", duration_s, "Length of the replay in seconds (overrides run.duration_s)")
      ->check(CLI::PositiveNumber);
  run->add_option("--out", out_dir, "Results folder (default: runs/<timestamp> under the working directory)");
  run->add_option("--set", launch.overrides,
                  "Override any config key, e.g. --set run.slo_ms=200 --set scheduler.enabled=false (repeatable)")
      ->type_name("KEY=VALUE");
  run->add_flag("--quiet", quiet, "No progress line");

  // simulate
  pipescale::engine::SimulateOptions simulate_options;
  std::string simulate_config = PIPESCALE_DEFAULT_CONFIG;
  std::optional<double> simulate_duration_s;
  std::optional<double> hop_delay_us;
  std::string hop_delay_from;
  std::string simulate_out;
  bool simulate_quiet = false;
  CLI::App* simulate = app.add_subcommand(
      "simulate",
      "Simulate a run: the same Client, Frontend, Worker and Scheduler code as `run`, all in this process on a\n"
      "virtual clock, messages delivered in zero virtual time (or --hop-delay-us each). Same config, trace and\n"
      "seed, same results folder (summary.json says \"mode\": \"simulate\"), deterministic to the byte, and a\n"
      "60 s experiment takes a fraction of a second. engine/simulate/README.md says what is modelled and what\n"
      "is not. Exit status: 0 done, 1 the simulation failed, 2 bad configuration (nothing written), 3 the\n"
      "results folder cannot be written.");
  simulate->add_option("config", simulate_config, "Pipeline config (TOML); default: the shipped one");
  simulate
      ->add_option("--duration-s", simulate_duration_s, "Length of the replay in seconds (overrides run.duration_s)")
      ->check(CLI::PositiveNumber);
  simulate->add_option("--out", simulate_out, "Results folder (default: runs/sim-<timestamp>)");
  simulate->add_option("--set", simulate_options.overrides, "Override any config key (as for run)")
      ->type_name("KEY=VALUE");
  auto* delay_option =
      simulate
          ->add_option(
              "--hop-delay-us", hop_delay_us,
              "Virtual time each message (request or reply) takes, in microseconds (simulate.hop_delay_us; default 0)")
          ->check(CLI::NonNegativeNumber);
  simulate
      ->add_option("--hop-delay-from", hop_delay_from,
                   "Take the hop delay from a live run's results folder: its hop_overhead_us p50")
      ->excludes(delay_option);
  simulate->add_flag("--quiet", simulate_quiet, "No progress line");

  // sweep
  pipescale::engine::SweepOptions sweep_options;
  std::string sweep_config;
  std::optional<double> sweep_duration_s;
  std::string sweep_out;
  bool sweep_quiet = false;
  bool no_plot = false;
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Run one experiment per value of one config key and tabulate them: each in its own results folder under\n"
      "the sweep's, then sweep.csv (one row per value: SLO attainment, drops, latency percentiles,\n"
      "worker-seconds) and sweep.png (attainment, drop rate and p99 against the value). Live by default;\n"
      "--simulate runs each on the simulator twin. Every value is checked before the first experiment.\n"
      "Example: pipescale sweep configs/default.toml --param client.rate_scale --values 0.5,1,1.5,2 --simulate\n"
      "Exit status: 0 done, 1 a live run had a role fail, 2 bad config, key or value (nothing run), 3 set-up\n"
      "failed, 130 interrupted (the finished experiments are tabulated).");
  sweep->add_option("config", sweep_config, "Pipeline config (TOML)")->required();
  sweep
      ->add_option("--param", sweep_options.param,
                   "The config key to sweep, as --set spells it (client.rate_scale multiplies the trace's rates)")
      ->required()
      ->type_name("KEY");
  sweep->add_option("--values", sweep_options.values, "The values, comma-separated, in sweep order")
      ->required()
      ->delimiter(',')
      ->type_name("V1,V2,...");
  sweep->add_flag("--simulate", sweep_options.simulate, "Simulate each experiment instead of running it live");
  sweep->add_option("--out", sweep_out, "The sweep's folder (default: runs/sweep-<timestamp>)");
  sweep->add_option("--set", sweep_options.overrides, "Override any other config key, in every experiment")
      ->type_name("KEY=VALUE");
  sweep->add_option("--duration-s", sweep_duration_s, "Length of each replay in seconds (overrides run.duration_s)")
      ->check(CLI::PositiveNumber);
  sweep->add_flag("--no-plot", no_plot, "Write sweep.csv only, no sweep.png");
  sweep->add_flag("--quiet", sweep_quiet, "No progress line during live runs");

  // validate
  std::string validate_config;
  std::vector<std::string> validate_overrides;
  CLI::App* validate = app.add_subcommand(
      "validate",
      "Check a config (and the files it names) without running it; print every problem, or a summary.\n"
      "Exit status 0 when valid, 2 otherwise.");
  validate->add_option("config", validate_config, "Pipeline config (TOML)")->required();
  validate->add_option("--set", validate_overrides, "Override any config key (as for run)")->type_name("KEY=VALUE");

  // plan
  pipescale::engine::PlanOptions plan_options;
  plan_options.config = PIPESCALE_DEFAULT_CONFIG;
  CLI::App* plan = app.add_subcommand(
      "plan",
      "Print the placement a run of CONFIG would get: the topology (NUMA nodes, cores, PUs), then every process\n"
      "with its PUs, NUMA node and wait strategy, and every ring with the node its memory is bound to. Nothing\n"
      "is started. Exit status 0, or 2 for a bad config, topology or placement request.");
  plan->add_option("config", plan_options.config, "Pipeline config (TOML); default: the shipped one");
  plan->add_option("--topology", plan_options.topology,
                   "Plan for another machine: an hwloc synthetic description (\"numa:2 core:8 pu:2\") or an XML "
                   "export (lstopo --of xml); default: this machine")
      ->type_name("SYNTHETIC_OR_XML");
  plan->add_flag("--json", plan_options.json, "Print the plan as JSON");
  plan->add_option("--set", plan_options.overrides, "Override any config key (as for run)")->type_name("KEY=VALUE");

  // compare
  pipescale::engine::CompareOptions compare_options;
  CLI::App* compare = app.add_subcommand(
      "compare",
      "Compare two results folders side by side: a line naming each run (mode, transport, scheduler, SLO), then\n"
      "per metric the value in A, in B, the difference B - A and the relative change: requests sent, completed,\n"
      "dropped and failed, SLO attainment (difference in percentage points), latency p50/p90/p99/p99.9/max,\n"
      "hop overhead p50/p99, drops per stage and reason, worker-seconds per stage. A stage only one run has\n"
      "shows \"-\" on the other side. Warns on stderr when the runs have different SLOs or stages.\n"
      "Exit status 0, or 2 when a folder cannot be read.");
  compare->add_option("run_dir_a", compare_options.run_a, "Results folder A (the baseline)")->required();
  compare->add_option("run_dir_b", compare_options.run_b, "Results folder B")->required();
  compare->add_flag("--json", compare_options.json, "Print the comparison as JSON");

  // role (hidden: started by the launcher)
  pipescale::engine::RoleOptions role;
  std::string role_config;
  std::string cpus;
  std::string wait = "spin-then-park";
  std::string socket_dir;
  CLI::App* role_command = app.add_subcommand("role", "One role process of a run (started by `pipescale run`)");
  role_command->group("");
  role_command->add_option("--segment", role.segment)->required();
  role_command->add_option("--config", role_config)->required();
  role_command->add_option("--process", role.process)->required();
  role_command->add_option("--cpus", cpus);
  role_command->add_option("--wait", wait);
  role_command->add_option("--spin-ns", role.wait.spin_ns);
  role_command->add_option("--max-park-ns", role.wait.max_park_ns);
  role_command->add_option("--socket-dir", socket_dir);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }

  if (run->parsed()) {
    launch.config = run_config;
    launch.duration_s = duration_s;
    launch.out_dir = out_dir;
    launch.executable = self_executable(argv[0]);
    launch.progress = !quiet;
    return pipescale::engine::launch(launch);
  }
  if (simulate->parsed()) {
    simulate_options.config = simulate_config;
    simulate_options.duration_s = simulate_duration_s;
    simulate_options.hop_delay_us = hop_delay_us;
    simulate_options.hop_delay_from = hop_delay_from;
    simulate_options.out_dir = simulate_out;
    simulate_options.progress = !simulate_quiet;
    return pipescale::engine::simulate(simulate_options);
  }
  if (sweep->parsed()) {
    sweep_options.config = sweep_config;
    sweep_options.duration_s = sweep_duration_s;
    sweep_options.out_dir = sweep_out;
    sweep_options.executable = self_executable(argv[0]);
    sweep_options.plot_script = no_plot ? std::filesystem::path() : std::filesystem::path(PIPESCALE_PLOT_SCRIPT);
    sweep_options.progress = !sweep_quiet;
    return pipescale::engine::sweep(sweep_options);
  }
  if (validate->parsed()) {
    const auto result = pipescale::engine::validate_config(validate_config, validate_overrides);
    if (!result.ok()) {
      for (const std::string& error : result.errors) std::fprintf(stderr, "error: %s\n", error.c_str());
      return 2;
    }
    std::printf("%s\n", result.summary.c_str());
    return 0;
  }
  if (plan->parsed()) return pipescale::engine::print_plan(plan_options);
  if (compare->parsed()) return pipescale::engine::compare_runs(compare_options, std::cout, std::cerr);
  if (role_command->parsed()) {
    role.config = role_config;
    role.socket_dir = socket_dir;
    const auto kind = pipescale::ipc::parse_wait_kind(wait);
    if (!kind) {
      std::fprintf(stderr, "pipescale role: --wait %s: expected spin, spin-then-park or park\n", wait.c_str());
      return 2;
    }
    role.wait.kind = *kind;
    if (!cpus.empty()) {
      auto parsed = pipescale::engine::parse_cpu_list(cpus);
      if (!parsed) {
        std::fprintf(stderr, "pipescale role: --cpus %s: %s\n", cpus.c_str(), parsed.error().message.c_str());
        return 2;
      }
      role.cpus = std::move(*parsed);
    }
    return pipescale::engine::run_role(role);
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "pipescale: %s\n", error.what());
    return 1;
  }
}

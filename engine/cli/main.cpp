// pipescale: the command line. `run` is the main job (engine/runtime/launcher.hpp), `validate`
// checks a config without running it, `plan` prints the placement a run would get, `compare` sets
// two results folders side by side, and the hidden `role` is how the launcher starts each role
// process from this same binary.
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
#include "ipc/wait/wait_strategy.hpp"

#ifndef PIPESCALE_DEFAULT_CONFIG
#define PIPESCALE_DEFAULT_CONFIG "configs/default.toml"
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

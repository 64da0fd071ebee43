#include "engine/simulate/sweep_command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/results.hpp"
#include "engine/runtime/run_summary.hpp"
#include "engine/runtime/sweep_table.hpp"
#include "engine/simulate/simulate_command.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): posix_spawn's environment

namespace pipescale::engine {
namespace {

std::string assignment(const SweepOptions& options, const std::string& value) { return options.param + "=" + value; }

// Runs `python3 SCRIPT DIR`, preferring Debian's python3 (the one python3-matplotlib is for).
Status run_plot(const std::filesystem::path& script, const std::filesystem::path& dir) {
  const std::string python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  std::string script_text = script.string();
  std::string dir_text = dir.string();
  std::string python_text = python;
  char* argv[] = {python_text.data(), script_text.data(), dir_text.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, python_text.c_str(), nullptr, nullptr, argv, environ);
  if (spawned != 0) return Error{"cannot start " + python + ": " + std::strerror(spawned)};
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error{std::string("waiting for the plot: ") + std::strerror(errno)};
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error{python + " " + script_text + " " + dir_text + " failed (exit status " +
                 std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")"};
  }
  return Ok{};
}

std::string table(const SweepOptions& options, const std::vector<SweepPoint>& points) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "  %-20s %12s %10s %10s %10s %10s %10s\n", options.param.c_str(), "attainment %",
                "dropped", "failed", "p50 ms", "p99 ms", "worker-s");
  out += line;
  for (const SweepPoint& point : points) {
    const RunSummary& s = point.summary;
    std::snprintf(line, sizeof line, "  %-20s %12.2f %10llu %10llu %10.2f %10.2f %10.1f\n", point.value.c_str(),
                  s.slo_attainment * 100.0, static_cast<unsigned long long>(s.dropped),
                  static_cast<unsigned long long>(s.failed), s.latency_ms.p50, s.latency_ms.p99,
                  total_worker_seconds(s));
    out += line;
  }
  return out;
}

}  // namespace

std::string sweep_run_folder(std::size_t index, std::size_t count, const std::string& value) {
  const int width = static_cast<int>(std::to_string(count).size());
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%0*zu-", std::max(width, 2), index + 1);
  std::string name = prefix;
  for (const char c : value) {
    const bool safe =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    name += safe ? c : '_';
  }
  return name;
}

namespace {

// Every experiment's config, checked before anything runs; nullopt (the problems printed) if a
// value is empty or a config is refused.
std::optional<std::vector<PipelineConfig>> preflight_all(const SweepOptions& options) {
  if (options.values.empty()) {
    std::fprintf(stderr, "pipescale sweep: --values: expected at least one value, e.g. --values 0.5,1,1.5,2\n");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < options.values.size(); ++i) {
    if (options.values[i].empty()) {
      std::fprintf(stderr, "pipescale sweep: --values: value %zu is empty\n", i + 1);
      return std::nullopt;
    }
  }
  std::vector<PipelineConfig> configs;
  for (const std::string& value : options.values) {
    std::vector<std::string> overrides = options.overrides;
    overrides.push_back(assignment(options, value));
    const std::string command = "sweep (" + assignment(options, value) + ")";
    auto config = preflight(options.config, overrides, options.duration_s, command.c_str());
    if (!config) return std::nullopt;
    configs.push_back(std::move(*config));
  }
  return configs;
}

// One experiment on the simulator twin, into run_dir: kExitOk, or kExitSetup (said why).
int simulate_experiment(const SweepOptions& options, const std::string& value, const PipelineConfig& config,
                        const std::filesystem::path& run_dir) {
  auto made = create_results_dir(run_dir, config);
  if (!made) {
    std::fprintf(stderr, "pipescale sweep: %s\n", made.error().message.c_str());
    return kExitSetup;
  }
  auto run = simulate_into(config, *made, false);
  if (!run) {
    std::fprintf(stderr, "pipescale sweep: %s: %s\n", assignment(options, value).c_str(), run.error().message.c_str());
    return kExitSetup;
  }
  return kExitOk;
}

// One live experiment, into run_dir: launch()'s exit status.
int launch_experiment(const SweepOptions& options, const std::string& value, const std::filesystem::path& run_dir) {
  LaunchOptions launch_options;
  launch_options.config = options.config;
  launch_options.overrides = options.overrides;
  launch_options.overrides.push_back(assignment(options, value));
  launch_options.duration_s = options.duration_s;
  launch_options.out_dir = run_dir;
  launch_options.executable = options.executable;
  launch_options.progress = options.progress;
  return launch(launch_options);
}

// Runs every experiment in order, each into its own folder under dir, and appends the summary of
// each that finished to `points`. Returns kExitOk, kExitFailed (a live run had a role fail: its
// results are written, so it is tabulated and the sweep goes on), or the status that stopped it.
int run_experiments(const SweepOptions& options, const std::vector<PipelineConfig>& configs,
                    const std::filesystem::path& dir, std::vector<SweepPoint>& points) {
  int status = kExitOk;
  for (std::size_t i = 0; i < options.values.size(); ++i) {
    const std::string& value = options.values[i];
    const std::filesystem::path run_dir = dir / sweep_run_folder(i, options.values.size(), value);
    std::printf("[%zu/%zu] %s\n", i + 1, options.values.size(), assignment(options, value).c_str());
    std::fflush(stdout);
    const int ran = options.simulate ? simulate_experiment(options, value, configs[i], run_dir)
                                     : launch_experiment(options, value, run_dir);
    if (ran == kExitFailed) {
      status = kExitFailed;  // its results are written: tabulate it and go on
    } else if (ran != kExitOk) {
      // Interrupted (its partial results are no point of the curve) or not set up: stop here.
      return ran;
    }
    auto summary = read_run_summary(run_dir);
    if (!summary) {
      std::fprintf(stderr, "pipescale sweep: %s\n", summary.error().message.c_str());
      return kExitSetup;
    }
    points.push_back({value, run_dir, std::move(*summary)});
  }
  return status;
}

// sweep.csv, the table on stdout and the plot; returns the sweep's exit status given the
// experiments' `status`.
int tabulate(const SweepOptions& options, const std::filesystem::path& dir, const std::vector<SweepPoint>& points,
             int status) {
  if (auto written = write_sweep_csv(dir / "sweep.csv", options.param, points); !written) {
    std::fprintf(stderr, "pipescale sweep: %s\n", written.error().message.c_str());
    return kExitSetup;
  }
  std::printf("%s", table(options, points).c_str());
  std::printf("  table: %s\n", (dir / "sweep.csv").string().c_str());
  if (!options.plot_script.empty()) {
    if (auto plotted = run_plot(options.plot_script, dir); !plotted) {
      std::fprintf(stderr, "pipescale sweep: sweep.csv is written, but the plot failed: %s\n",
                   plotted.error().message.c_str());
      return status == kExitOk ? kExitSetup : status;
    }
    std::printf("  plot: %s\n", (dir / "sweep.png").string().c_str());
  }
  std::fflush(stdout);
  return status;
}

}  // namespace

int sweep(const SweepOptions& options) {
  // Every experiment's config, checked before anything runs.
  const auto configs = preflight_all(options);
  if (!configs) return kExitBadInput;

  const std::filesystem::path dir = options.out_dir.empty() ? default_results_dir("sweep-") : options.out_dir;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::fprintf(stderr, "pipescale sweep: cannot create %s: %s\n", dir.string().c_str(), error.message().c_str());
    return kExitSetup;
  }
  std::printf("pipescale sweep: %s over %zu values, %s, results in %s\n", options.param.c_str(), options.values.size(),
              options.simulate ? "simulated" : "live", dir.string().c_str());
  std::fflush(stdout);

  std::vector<SweepPoint> points;
  const int status = run_experiments(options, *configs, dir, points);
  if (points.empty()) return status == kExitOk ? kExitSetup : status;
  return tabulate(options, dir, points, status);
}

}  // namespace pipescale::engine

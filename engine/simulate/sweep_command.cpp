#include "engine/simulate/sweep_command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/metrics/confidence_interval.hpp"
#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/results.hpp"
#include "engine/runtime/results_dir.hpp"
#include "engine/runtime/run_summary.hpp"
#include "engine/runtime/sweep_table.hpp"
#include "engine/simulate/simulate_command.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): posix_spawn's environment

namespace pipescale::engine {
namespace {

// One point of the grid, checked: its values and its config (the swept keys applied).
struct PlannedPoint {
  std::vector<std::string> values;
  PipelineConfig config;
};

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

// "97.31 ± 0.42", or the mean alone when there is no interval (one run).
std::string mean_cell(const std::vector<double>& sample, int decimals) {
  const MeanInterval interval = mean_interval(sample);
  char text[64];
  if (interval.high) {
    std::snprintf(text, sizeof text, "%.*f ± %.*f", decimals, interval.mean, decimals, *interval.high - interval.mean);
  } else {
    std::snprintf(text, sizeof text, "%.*f", decimals, interval.mean);
  }
  return text;
}

// The rows of the summary table on stdout: per point, the headline figures' means and 95 % half-widths.
std::vector<std::vector<std::string>> table_rows(const SweepOptions& options, const std::vector<SweepRun>& runs) {
  std::vector<std::vector<std::string>> rows{{"point", "runs", "attainment %", "goodput /s", "p99 ms", "dropped"}};
  for (std::size_t i = 0; i < runs.size();) {
    std::size_t end = i;
    std::vector<double> attainment, goodput, p99, dropped;
    for (; end < runs.size() && runs[end].values == runs[i].values; ++end) {
      const RunSummary& s = runs[end].summary;
      attainment.push_back(s.slo_attainment * 100.0);
      if (s.goodput_rps) goodput.push_back(*s.goodput_rps);
      p99.push_back(s.latency_ms.p99);
      dropped.push_back(static_cast<double>(s.dropped));
    }
    rows.push_back({sweep_point_name(options.params, runs[i].values), std::to_string(end - i), mean_cell(attainment, 2),
                    goodput.empty() ? std::string("-") : mean_cell(goodput, 1), mean_cell(p99, 1),
                    mean_cell(dropped, 0)});
    i = end;
  }
  return rows;
}

// The rows in columns: the point left-aligned, the figures right-aligned. "±" is two bytes and
// one column wide, so widths count code points.
std::string table(const SweepOptions& options, const std::vector<SweepRun>& runs) {
  const auto rows = table_rows(options, runs);
  const auto width = [](const std::string& text) {
    std::size_t columns = 0;
    for (const char c : text) columns += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
    return columns;
  };
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string fill(widths[c] - width(row[c]), ' ');
      line.append(c == 0 ? " " : "  ").append(c == 0 ? row[c] + fill : fill + row[c]);
    }
    out += line + '\n';
  }
  return out;
}

// Every point's config, checked before anything runs; nullopt (the problems printed) if a value
// is refused.
std::optional<std::vector<PlannedPoint>> preflight_all(const SweepOptions& options) {
  if (auto checked = check_sweep_params(options.params); !checked) {
    std::fprintf(stderr, "pipescale sweep: %s\n", checked.error().message.c_str());
    return std::nullopt;
  }
  std::vector<PlannedPoint> points;
  for (std::vector<std::string>& values : sweep_grid(options.params)) {
    std::vector<std::string> overrides = options.overrides;
    const std::string name = sweep_point_name(options.params, values);
    for (std::string& assignment : sweep_assignments(options.params, values))
      overrides.push_back(std::move(assignment));
    const std::string command = "sweep (" + name + ")";
    auto config = preflight(options.config, overrides, options.duration_s, command.c_str());
    if (!config) return std::nullopt;
    points.push_back({std::move(values), std::move(*config)});
  }
  return points;
}

// One experiment on the simulator twin, into run_dir: kExitOk, or kExitSetup (said why).
int simulate_experiment(const std::string& name, const PipelineConfig& config, const std::filesystem::path& run_dir) {
  auto made = create_results_dir(run_dir, config);
  if (!made) {
    std::fprintf(stderr, "pipescale sweep: %s\n", made.error().message.c_str());
    return kExitSetup;
  }
  auto run = simulate_into(config, *made, false);
  if (!run) {
    std::fprintf(stderr, "pipescale sweep: %s: %s\n", name.c_str(), run.error().message.c_str());
    return kExitSetup;
  }
  return kExitOk;
}

// One live experiment, into run_dir: launch()'s exit status.
int launch_experiment(const SweepOptions& options, const std::vector<std::string>& values, std::uint64_t seed,
                      const std::filesystem::path& run_dir) {
  LaunchOptions launch_options;
  launch_options.config = options.config;
  launch_options.overrides = options.overrides;
  for (std::string& assignment : sweep_assignments(options.params, values)) {
    launch_options.overrides.push_back(std::move(assignment));
  }
  launch_options.overrides.push_back("run.seed=" + std::to_string(seed));
  launch_options.duration_s = options.duration_s;
  launch_options.out_dir = run_dir;
  launch_options.executable = options.executable;
  launch_options.progress = options.progress;
  return launch(launch_options);
}

// "[3/6] k=v k2=v2 rep 2/3 seed 43": which run this is.
std::string run_label(const SweepOptions& options, std::size_t index, std::size_t count, const SweepRun& run) {
  char text[96];
  std::snprintf(text, sizeof text, "[%zu/%zu] ", index + 1, count);
  std::string label = text;
  label += sweep_point_name(options.params, run.values);
  if (options.replications > 1) {
    std::snprintf(text, sizeof text, " rep %zu/%zu", run.replication + 1, options.replications);
    label += text;
  }
  std::snprintf(text, sizeof text, " seed %llu", static_cast<unsigned long long>(run.seed));
  return label + text;
}

void print_outcome(const std::string& label, const RunSummary& s) {
  char figures[160];
  std::snprintf(figures, sizeof figures, ": attainment %.2f %%, p99 %.1f ms, dropped %llu", s.slo_attainment * 100.0,
                s.latency_ms.p99, static_cast<unsigned long long>(s.dropped));
  std::printf("%s%s", label.c_str(), figures);
  if (s.goodput_rps) std::printf(", goodput %.1f/s", *s.goodput_rps);
  std::printf("\n");
  std::fflush(stdout);
}

// Runs one replication of one point into run.run_dir and reads its summary into `run`. Returns
// kExitOk, kExitFailed (a live run had a role fail: its results are written, so it is tabulated)
// or the status that must stop the sweep.
int run_one(const SweepOptions& options, const PlannedPoint& point, const std::string& label, SweepRun& run) {
  int ran = kExitOk;
  if (options.simulate) {
    PipelineConfig config = point.config;
    config.run.seed = run.seed;
    ran = simulate_experiment(label, config, run.run_dir);
  } else {
    std::printf("%s: running live\n", label.c_str());
    std::fflush(stdout);
    ran = launch_experiment(options, point.values, run.seed, run.run_dir);
  }
  // Interrupted (its partial results are no point of the curve) or not set up: stop here.
  if (ran != kExitOk && ran != kExitFailed) return ran;
  auto summary = read_run_summary(run.run_dir);
  if (!summary) {
    std::fprintf(stderr, "pipescale sweep: %s\n", summary.error().message.c_str());
    return kExitSetup;
  }
  run.summary = std::move(*summary);
  print_outcome(label, run.summary);
  return ran;
}

// Runs every replication of every point in order, each into its own folder under dir, and
// appends each that finished to `runs`. Returns kExitOk, kExitFailed, or the status that stopped it.
int run_experiments(const SweepOptions& options, const std::vector<PlannedPoint>& points,
                    const std::filesystem::path& dir, std::vector<SweepRun>& runs) {
  int status = kExitOk;
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t r = 0; r < options.replications; ++r) {
      SweepRun run;
      run.values = points[i].values;
      run.replication = r;
      run.seed = points[i].config.run.seed + r;
      run.run_dir = sweep_run_dir(dir, i, points.size(), run.values, options.replications, run.seed);
      const int ran = run_one(options, points[i], run_label(options, i, points.size(), run), run);
      if (ran != kExitOk && ran != kExitFailed) return ran;
      if (ran == kExitFailed) status = kExitFailed;  // its results are written: tabulate it and go on
      runs.push_back(std::move(run));
    }
  }
  return status;
}

// sweep_runs.csv, sweep.csv, the table on stdout and the plot; returns the sweep's exit status
// given the experiments' `status`.
int tabulate(const SweepOptions& options, const std::filesystem::path& dir, const std::vector<SweepRun>& runs,
             int status) {
  std::vector<std::string> keys;
  for (const SweepParam& param : options.params) keys.push_back(param.key);
  Status written = write_sweep_runs_csv(dir / "sweep_runs.csv", keys, runs);
  if (written) written = write_sweep_csv(dir / "sweep.csv", keys, runs);
  if (!written) {
    std::fprintf(stderr, "pipescale sweep: %s\n", written.error().message.c_str());
    return kExitSetup;
  }
  std::printf("%s", table(options, runs).c_str());
  std::printf("  (mean ± half the 95 %% confidence interval over the replications)\n");
  std::printf("  table: %s\n  runs: %s\n", (dir / "sweep.csv").string().c_str(),
              (dir / "sweep_runs.csv").string().c_str());
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
  if (options.replications == 0) {
    std::fprintf(stderr, "pipescale sweep: --replications: expected at least 1\n");
    return kExitBadInput;
  }
  const auto points = preflight_all(options);
  if (!points) return kExitBadInput;

  const ClaimOutcome claim = claim_results_dir(options.out_dir, "sweep-");
  if (!claim.dir) {
    std::fprintf(stderr, "pipescale sweep: %s\n", claim.refusal.message.c_str());
    return claim.refusal.bad_input ? kExitBadInput : kExitSetup;
  }
  const std::filesystem::path dir = claim.dir->path;
  std::string keys;
  for (const SweepParam& param : options.params) keys.append(keys.empty() ? "" : " x ").append(param.key);
  std::printf("pipescale sweep: %s, %zu points x %zu replications, %s, results in %s\n", keys.c_str(), points->size(),
              options.replications, options.simulate ? "simulated" : "live", dir.string().c_str());
  std::fflush(stdout);

  std::vector<SweepRun> runs;
  const int status = run_experiments(options, *points, dir, runs);
  if (runs.empty()) return status == kExitOk ? kExitSetup : status;
  return tabulate(options, dir, runs, status);
}

}  // namespace pipescale::engine

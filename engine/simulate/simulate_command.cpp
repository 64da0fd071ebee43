#include "engine/simulate/simulate_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/results.hpp"
#include "engine/runtime/results_dir.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/run_summary.hpp"

namespace pipescale::engine {
namespace {

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

Result<SimulatedRun> simulate_into(const PipelineConfig& config, const std::filesystem::path& dir, bool progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  const auto started_at = std::chrono::system_clock::now();
  SimulationOptions options;
  options.hop_delay_ns = std::llround(config.simulate.hop_delay_us * 1e3);
  options.liveness_timeout_ns = std::llround(config.run.liveness_timeout_ms * 1e6);
  const bool tty = progress && ::isatty(STDOUT_FILENO) != 0;
  if (tty) {
    options.progress = [](double second, double duration) {
      std::printf("\r  simulated %.0f / %.0f s", std::min(second, duration), duration);
      std::fflush(stdout);
    };
  }
  auto simulation = Simulation::create(config, options);
  if (!simulation) return simulation.error();
  auto outcome = (*simulation)->run();
  if (tty) std::printf("\n");
  if (!outcome) return outcome.error();

  RunRecord record;
  record.mode = "simulate";
  record.hop_delay_us = config.simulate.hop_delay_us;
  record.dir = dir;
  record.config = &config;
  record.topology = &(*simulation)->topology();
  record.board = &(*simulation)->board();
  record.elapsed_s = static_cast<double>(outcome->elapsed_ns) / 1e9;
  record.started_at = started_at;
  record.faults = (*simulation)->fault_records();
  auto table = write_results(record);
  if (!table) return table.error();

  SimulatedRun run;
  run.dir = dir;
  run.table = std::move(*table);
  run.result = *outcome;
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return run;
}

int simulate(const SimulateOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.hop_delay_us.has_value()) overrides.push_back("simulate.hop_delay_us=" + number(*options.hop_delay_us));
  if (!options.hop_delay_from.empty()) {
    auto live = read_run_summary(options.hop_delay_from);
    if (!live) {
      std::fprintf(stderr, "pipescale simulate: --hop-delay-from: %s\n", live.error().message.c_str());
      return kExitBadInput;
    }
    std::printf("pipescale simulate: hop delay %.1f us, the hop_overhead_us p50 of %s (%s)\n",
                live->hop_overhead_us.p50, options.hop_delay_from.string().c_str(), live->mode.c_str());
    overrides.push_back("simulate.hop_delay_us=" + number(live->hop_overhead_us.p50));
  }
  auto config = preflight(options.config, overrides, options.duration_s, "simulate");
  if (!config) return kExitBadInput;

  const ClaimOutcome claim = claim_results_dir(options.out_dir, "sim-");
  if (!claim.dir) {
    std::fprintf(stderr, "pipescale simulate: %s\n", claim.refusal.message.c_str());
    return claim.refusal.bad_input ? kExitBadInput : kExitSetup;
  }
  std::printf("pipescale simulate: %zu processes on a virtual clock, hop delay %.1f us, results in %s\n",
              make_topology(*config).processes.size(), config->simulate.hop_delay_us, claim.dir->path.string().c_str());
  std::fflush(stdout);
  auto made = create_results_dir(claim.dir->path, *config);
  if (!made) {
    std::fprintf(stderr, "pipescale simulate: %s\n", made.error().message.c_str());
    return kExitSetup;
  }
  auto run = simulate_into(*config, *made, options.progress);
  if (!run) {
    std::fprintf(stderr, "pipescale simulate: %s\n", run.error().message.c_str());
    return kExitFailed;
  }
  std::printf("%s", run->table.c_str());
  const double virtual_s = static_cast<double>(run->result.elapsed_ns) / 1e9;
  const std::uint64_t messages = run->result.network.requests + run->result.network.replies;
  std::printf(
      "  simulated %.1f s (drain included) in %.2f s of wall time (%.0f x real time): %llu instants, %llu "
      "steps, %llu messages\n",
      virtual_s, run->wall_s, run->wall_s > 0 ? virtual_s / run->wall_s : 0.0,
      static_cast<unsigned long long>(run->result.instants), static_cast<unsigned long long>(run->result.steps),
      static_cast<unsigned long long>(messages));
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace pipescale::engine

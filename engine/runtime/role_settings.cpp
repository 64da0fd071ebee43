#include "engine/runtime/role_settings.hpp"

#include <string>
#include <utility>
#include <vector>

#include "engine/runtime/run_settings.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::engine {

Result<roles::LatencyProfile> stage_profile(const StageConfig& stage) {
  return roles::LatencyProfile::from_pairs(stage.profile, "stages." + stage.name + ".profile", stage.max_batch);
}

Result<ClientSetup> client_setup(const PipelineConfig& config) {
  auto trace = roles::WorkloadTrace::load(config.client.trace_path.string(), config.run.duration_s);
  if (!trace) return trace.error();
  roles::ArrivalOptions arrival;
  arrival.kind = to_arrival_kind(config.client.arrival);
  arrival.gamma_cv = config.client.arrival_cv;
  arrival.seed = config.run.seed;
  arrival.rate_scale = config.client.rate_scale;
  auto arrivals = roles::ArrivalProcess::create(*trace, arrival);
  if (!arrivals) return arrivals.error();

  roles::ClientSettings settings;
  settings.stage_count = static_cast<std::uint16_t>(config.stages.size());
  settings.slo_ns = slo_ns(config);
  settings.drain_timeout_ns = drain_timeout_ns(config);
  settings.warmup_ns = static_cast<std::int64_t>(config.run.warmup_s * 1e9);
  settings.expected_requests = static_cast<std::size_t>(
      trace->expected_count(0.0, config.run.duration_s) * config.client.rate_scale * 1.2 + 1024.0);
  return ClientSetup{std::move(*arrivals), settings};
}

Result<roles::FrontendSettings> frontend_settings(const PipelineConfig& config, std::size_t stage) {
  roles::FrontendSettings settings;
  settings.stage = static_cast<std::uint16_t>(stage);
  settings.stage_count = static_cast<std::uint16_t>(config.stages.size());
  std::vector<std::int64_t> fastest;
  for (const StageConfig& each : config.stages) {
    auto profile = stage_profile(each);
    if (!profile) return profile.error();
    fastest.push_back(profile->fastest_ns());
  }
  const std::vector<std::int64_t> budgets = roles::split_slo_ns(slo_ns(config), fastest);
  for (std::size_t later = stage + 1; later < config.stages.size(); ++later) {
    settings.path.later_stages_fastest_ns += fastest[later];
    settings.later_budgets_ns += budgets[later];
  }
  settings.initial_batch_size = config.stages[stage].max_batch;
  settings.initial_workers = config.stages[stage].workers_min;
  settings.report_interval_ns = static_cast<std::int64_t>(config.scheduler.interval_ms * 1e6);
  const StageConfig& own = config.stages[stage];
  settings.budget_ns = budgets[stage];
  settings.batching = own.batching;
  settings.dispatch = own.dispatch;
  settings.drop = own.drop;
  settings.max_queue_delay_ns = static_cast<std::int64_t>(own.max_queue_delay_us * 1e3);
  settings.aimd_backoff = own.aimd_backoff;
  // Each stage draws from its own stream: the run's seed mixed with the stage (splitmix64's constant).
  settings.dispatch_seed = config.run.seed ^ (0x9E3779B97F4A7C15ULL * (stage + 1));
  return settings;
}

roles::WorkerSettings worker_settings(const PipelineConfig& config, const ProcessSpec& worker) {
  roles::WorkerSettings settings;
  settings.stage = static_cast<std::uint16_t>(worker.stage);
  settings.stage_count = static_cast<std::uint16_t>(config.stages.size());
  settings.worker_id = worker.worker_id;
  settings.warmup_ns = static_cast<std::int64_t>(config.stages[static_cast<std::size_t>(worker.stage)].warmup_ms * 1e6);
  return settings;
}

Result<roles::SchedulerPolicy> scheduler_policy(const PipelineConfig& config) {
  std::vector<roles::SchedulerStage> stages;
  for (const StageConfig& stage : config.stages) {
    auto profile = stage_profile(stage);
    if (!profile) return profile.error();
    stages.push_back({std::move(*profile),
                      {stage.workers_min, stage.workers_max},
                      static_cast<std::int64_t>(stage.warmup_ms * 1e6)});
  }
  roles::SchedulerSettings settings;
  settings.policy = config.scheduler.policy;
  settings.forecast_alpha = config.scheduler.forecast_alpha;
  settings.forecast_beta = config.scheduler.forecast_beta;
  settings.slo_ns = slo_ns(config);
  settings.headroom = config.scheduler.headroom;
  settings.scale_down_delay_ns = static_cast<std::int64_t>(config.scheduler.scale_down_delay_s * 1e9);
  return roles::SchedulerPolicy::create(std::move(stages), settings);
}

}  // namespace pipescale::engine

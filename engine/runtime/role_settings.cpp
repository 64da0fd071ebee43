#include "engine/runtime/role_settings.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "engine/runtime/run_settings.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::engine {

Result<roles::LatencyProfile> stage_profile(const StageConfig& stage) {
  return roles::LatencyProfile::from_pairs(stage.profile, "stages." + stage.name + ".profile", stage.max_batch);
}

namespace {

// Requests the Client reserves for: the trace's expected count, scaled, with a fifth to spare.
std::size_t expected_requests(const roles::WorkloadTrace& trace, const PipelineConfig& config) {
  return static_cast<std::size_t>(trace.expected_count(0.0, config.run.duration_s) * config.client.rate_scale * 1.2 +
                                  1024.0);
}

}  // namespace

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
  settings.expected_requests = expected_requests(*trace, config);
  return ClientSetup{std::move(*arrivals), settings};
}

namespace {

roles::DropPolicy to_drop_policy(DropRule rule) {
  switch (rule) {
    case DropRule::kDeadline: return roles::DropPolicy::kDeadline;
    case DropRule::kStartNow: return roles::DropPolicy::kStartNow;
    case DropRule::kNever: return roles::DropPolicy::kNever;
  }
  return roles::DropPolicy::kDeadline;
}

}  // namespace

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
  settings.drop = to_drop_policy(config.stages[stage].drop);
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
    stages.push_back({std::move(*profile), {stage.workers_min, stage.workers_max}});
  }
  roles::SchedulerSettings settings;
  settings.enabled = config.scheduler.enabled;
  settings.slo_ns = slo_ns(config);
  settings.headroom = config.scheduler.headroom;
  settings.scale_down_delay_ns = static_cast<std::int64_t>(config.scheduler.scale_down_delay_s * 1e9);
  return roles::SchedulerPolicy::create(std::move(stages), settings);
}

}  // namespace pipescale::engine

namespace pipescale::engine {

BoardSize board_size(const PipelineConfig& config) {
  BoardSize size;
  size.rows = time_series_rows(config);
  size.stage_count = static_cast<std::uint32_t>(config.stages.size());
  auto trace = roles::WorkloadTrace::load(config.client.trace_path.string(), config.run.duration_s);
  if (!trace) return size;  // checked before any run starts; a board without tables still works
  const auto expected = static_cast<double>(expected_requests(*trace, config));
  const double logged = expected * config.run.request_log_sample;
  if (logged > 0.0) {
    const double entries = logged + 6.0 * std::sqrt(logged) + 64.0;  // the draw's spread, and some
    const std::uint64_t fits_entries = kMaxRequestLogBytes / roles::RequestLogTable::entry_bytes(size.stage_count);
    const auto fits = static_cast<double>(fits_entries);
    size.request_log_entries = static_cast<std::uint32_t>(std::min(entries, fits));
  }
  const double reports = config.run.duration_s * 1e3 / std::max(1.0, config.scheduler.interval_ms) + 64.0;
  size.timeline_records =
      static_cast<std::uint32_t>(std::min(expected + reports + 1024.0, static_cast<double>(kMaxTimelineRecords)));
  return size;
}

}  // namespace pipescale::engine

#include "engine/runtime/role_settings.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/config/trace_spec.hpp"
#include "engine/runtime/run_settings.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::engine {

Result<roles::LatencyProfile> stage_profile(const StageConfig& stage) {
  return roles::LatencyProfile::from_pairs(stage.profile, "stages." + stage.name + ".profile", stage.max_batch);
}

Result<roles::LatencyModel> stage_latency_model(const StageConfig& stage) {
  if (!stage.latency_samples_path.empty()) {
    auto samples = roles::load_latency_samples(stage.latency_samples_path.string());
    if (!samples) return samples.error();
    return roles::LatencyModel::from_samples(*samples, stage.latency_samples_path.string(), stage.max_batch);
  }
  auto profile = stage_profile(stage);
  if (!profile) return profile.error();
  if (stage.profile_p99.empty()) return roles::LatencyModel(std::move(*profile));
  return roles::LatencyModel::lognormal(std::move(*profile), stage.profile_p99, "stages." + stage.name + ".profile");
}

namespace {

// A closed loop sends as fast as its users get answers, which no trace bounds: the Client reserves
// its bookkeeping (and the request log its table) for 200 requests per user and second, a 5 ms
// round trip, up to 2^24 requests. A run that sends more grows the bookkeeping, the one case where
// the Client allocates while it sends (engine/runtime/README.md, "Little's law in a closed loop").
std::size_t closed_loop_expected_requests(const PipelineConfig& config) {
  const double expected = static_cast<double>(config.client.users) * config.run.duration_s * 200.0;
  return static_cast<std::size_t>(std::min(expected, 16777216.0)) + 1024;
}

// What the open-loop Client sends from: the trace read as the config's check read it.
Result<roles::RequestSource> open_loop_source(const PipelineConfig& config, std::size_t& expected_requests) {
  auto trace = roles::load_trace(trace_spec(config));
  if (!trace) return trace.error();
  // Repeated (client.repeat), the trace is replayed ceil(run / period) times.
  const auto cycles = [&config](double period_s) {
    return config.client.repeat && period_s > 0.0 ? std::ceil(config.run.duration_s / period_s) : 1.0;
  };
  if (auto* requests = std::get_if<roles::RequestTrace>(&*trace)) {
    const double period_s = static_cast<double>(requests->period_ns) / 1e9;
    expected_requests = static_cast<std::size_t>(
        std::min(static_cast<double>(requests->times_ns.size()) * cycles(period_s), 16777216.0));
    return roles::RequestSource(std::move(*requests));
  }
  const auto& rate = std::get<roles::WorkloadTrace>(*trace);
  roles::ArrivalOptions arrival;
  arrival.kind = to_arrival_kind(config.client.arrival);
  arrival.gamma_cv = config.client.arrival_cv;
  arrival.seed = config.run.seed;
  arrival.rate_scale = config.client.rate_scale;
  arrival.repeat = config.client.repeat;
  auto arrivals = roles::ArrivalProcess::create(rate, arrival);
  if (!arrivals) return arrivals.error();
  const double one_pass = config.client.repeat ? rate.expected_count(0.0, rate.duration_s()) * cycles(rate.duration_s())
                                               : rate.expected_count(0.0, config.run.duration_s);
  double expected = one_pass * config.client.rate_scale * 1.2 + 1024.0;
  // A soak reserves at most 2^24 up front, as a closed loop does; beyond, the bookkeeping grows.
  if (config.client.repeat) expected = std::min(expected, 16777216.0 + 1024.0);
  expected_requests = static_cast<std::size_t>(expected);
  return roles::RequestSource(std::move(*arrivals));
}

}  // namespace

Result<ClientSetup> client_setup(const PipelineConfig& config) {
  roles::ClientSettings settings;
  settings.stage_count = static_cast<std::uint16_t>(config.stages.size());
  settings.slo_ns = slo_ns(config);
  settings.drain_timeout_ns = drain_timeout_ns(config);
  settings.warmup_ns = static_cast<std::int64_t>(config.run.warmup_s * 1e9);
  if (config.client.mode == ClientMode::kClosed) {
    settings.closed_users = static_cast<std::uint32_t>(config.client.users);
    settings.think_mean_ns = static_cast<std::int64_t>(config.client.think_ms * 1e6);
    settings.think_seed = config.run.seed;
    settings.expected_requests = closed_loop_expected_requests(config);
    return ClientSetup{roles::RequestSource::none(), settings};
  }
  auto source = open_loop_source(config, settings.expected_requests);
  if (!source) return source.error();
  return ClientSetup{std::move(*source), settings};
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
  settings.latency_seed = roles::derived_seed(config.run.seed, worker.worker_id);
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

namespace pipescale::engine {

BoardSize board_size(const PipelineConfig& config) {
  BoardSize size;
  size.rows = time_series_rows(config);
  size.stage_count = static_cast<std::uint32_t>(config.stages.size());
  auto client = client_setup(config);
  if (!client) return size;  // checked before any run starts; a board without tables still works
  // A closed loop's expectation is closed_loop_expected_requests(); a full log counts what it
  // could not keep.
  const auto expected = static_cast<double>(client->settings.expected_requests);
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

#include "roles/scheduler/scheduler_policy.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "roles/common/policy_registry.hpp"

namespace pipescale::roles {

namespace {

constexpr double kNsPerS = 1e9;
// Worker counts within this of an integer are that integer: 100 rps * 0.02 s is 2, not 3.
constexpr double kCountTolerance = 1e-9;

}  // namespace

double LoadEstimator::observe(std::int64_t now_ns, double rate_rps) {
  const double rate = rate_rps > 0.0 ? rate_rps : 0.0;  // also maps NaN to 0
  if (rate >= estimate_rps_) {
    estimate_rps_ = rate;
    in_lower_stretch_ = false;
    return estimate_rps_;
  }
  if (!in_lower_stretch_) {
    in_lower_stretch_ = true;
    lower_since_ns_ = now_ns;
    lower_peak_rps_ = rate;
  }
  lower_peak_rps_ = std::max(lower_peak_rps_, rate);
  if (now_ns - lower_since_ns_ >= delay_ns_) {
    estimate_rps_ = lower_peak_rps_;
    in_lower_stretch_ = rate < estimate_rps_;
    lower_since_ns_ = now_ns;
    lower_peak_rps_ = rate;
  }
  return estimate_rps_;
}

std::vector<std::int64_t> split_slo_ns(std::int64_t slo_ns, const std::vector<std::int64_t>& fastest_ns) {
  std::vector<std::int64_t> budgets(fastest_ns.size(), 0);
  if (fastest_ns.empty()) return budgets;
  double total = 0.0;
  for (const auto weight : fastest_ns) total += static_cast<double>(std::max<std::int64_t>(weight, 0));
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i + 1 < fastest_ns.size(); ++i) {
    const double share = total > 0.0 ? static_cast<double>(std::max<std::int64_t>(fastest_ns[i], 0)) / total
                                     : 1.0 / static_cast<double>(fastest_ns.size());
    budgets[i] = std::llround(static_cast<double>(slo_ns) * share);
    assigned += budgets[i];
  }
  budgets.back() = slo_ns - assigned;
  return budgets;
}

int choose_batch_size(const LatencyProfile& profile, std::int64_t budget_ns, double rate_rps) {
  if (!(rate_rps > 0.0) || !std::isfinite(rate_rps)) return 1;
  const double interval_ns = kNsPerS / rate_rps;
  int chosen = 1;
  // L(b) + (b - 1) / rate grows with b, so the first b that does not fit ends the search.
  for (int b = 2; b <= profile.max_batch(); ++b) {
    const double cost_ns = static_cast<double>(profile.latency_ns(b)) + (b - 1) * interval_ns;
    if (cost_ns > static_cast<double>(budget_ns)) break;
    chosen = b;
  }
  return chosen;
}

int choose_worker_count(const LatencyProfile& profile, int batch_size, double rate_rps, double headroom,
                        WorkerBounds bounds) {
  const double rate = rate_rps > 0.0 ? rate_rps : 0.0;
  const double latency_s = static_cast<double>(profile.latency_ns(batch_size)) / kNsPerS;
  const double needed = rate * latency_s / batch_size * headroom;
  // Clamp before converting, so an absurd rate cannot overflow the int.
  const double capped = std::min(std::ceil(needed - kCountTolerance), static_cast<double>(bounds.max));
  return std::clamp(static_cast<int>(capped), bounds.min, bounds.max);
}

StageDecision decide_stage(const LatencyProfile& profile, std::int64_t budget_ns, double rate_rps, double headroom,
                           WorkerBounds bounds) {
  const int batch_size = choose_batch_size(profile, budget_ns, rate_rps);
  return {batch_size, choose_worker_count(profile, batch_size, rate_rps, headroom, bounds)};
}

StageDecision static_baseline(const LatencyProfile& profile, WorkerBounds bounds) {
  return {profile.max_batch(), bounds.min};
}

namespace {

Status check_settings(const std::vector<SchedulerStage>& stages, const SchedulerSettings& settings) {
  if (stages.empty()) return Error{"scheduler: no stages: expected at least one"};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const WorkerBounds& w = stages[i].workers;
    if (w.min < 1 || w.max < w.min) {
      return Error{"scheduler: stage " + std::to_string(i + 1) + ": workers_min " + std::to_string(w.min) +
                   ", workers_max " + std::to_string(w.max) + ": expected 1 <= workers_min <= workers_max"};
    }
  }
  if (settings.slo_ns <= 0) return Error{"scheduler: slo " + std::to_string(settings.slo_ns) + " ns: expected > 0"};
  if (!(settings.headroom > 0.0 && std::isfinite(settings.headroom))) {
    return Error{"scheduler: headroom " + std::to_string(settings.headroom) + ": expected a finite value > 0"};
  }
  if (settings.scale_down_delay_ns < 0) {
    return Error{"scheduler: scale_down_delay " + std::to_string(settings.scale_down_delay_ns) + " ns: expected >= 0"};
  }
  for (const double factor : {settings.forecast_alpha, settings.forecast_beta}) {
    if (!(factor > 0.0 && factor <= 1.0)) {
      return Error{"scheduler: forecast factor " + std::to_string(factor) + ": expected a number in (0, 1]"};
    }
  }
  return Ok{};
}

}  // namespace

Result<SchedulerPolicy> SchedulerPolicy::create(std::vector<SchedulerStage> stages, const SchedulerSettings& settings) {
  if (auto status = check_settings(stages, settings); !status) return status.error();
  std::vector<std::int64_t> fastest_ns;
  fastest_ns.reserve(stages.size());
  for (const auto& stage : stages) fastest_ns.push_back(stage.profile.fastest_ns());
  std::vector<std::int64_t> budgets_ns = split_slo_ns(settings.slo_ns, fastest_ns);
  ScalingParams params;
  params.stages.reserve(stages.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    params.stages.push_back({std::move(stages[i].profile), stages[i].workers, budgets_ns[i], stages[i].warmup_ns});
  }
  params.headroom = settings.headroom;
  params.scale_down_delay_ns = settings.scale_down_delay_ns;
  params.forecast_alpha = settings.forecast_alpha;
  params.forecast_beta = settings.forecast_beta;
  auto scaling = make_scaling_policy(settings.policy, params);
  if (!scaling) {
    return Error{"scheduler: policy \"" + settings.policy + "\": expected " + quoted_choices(scaling_policy_names())};
  }
  return SchedulerPolicy(std::move(budgets_ns), std::move(scaling));
}

SchedulerPolicy::SchedulerPolicy(std::vector<std::int64_t> budgets_ns, std::unique_ptr<ScalingPolicy> scaling)
    : budgets_ns_(std::move(budgets_ns)), scaling_(std::move(scaling)) {}

StageDecision SchedulerPolicy::on_stage_rate(std::size_t stage, std::int64_t now_ns, double observed_rate_rps) {
  return scaling_->on_stage_rate(stage, now_ns, observed_rate_rps);
}

StageDecision SchedulerPolicy::decision(std::size_t stage) const { return scaling_->decision(stage); }

}  // namespace pipescale::roles

#pragma once
// The Scheduler's policy: pure computations, no I/O and no clock of its own (times come in as
// arguments). roles/scheduler/README.md states the algorithm, its formulas and a worked example.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "roles/common/latency_profile.hpp"
#include "roles/scheduler/scaling_policy.hpp"

namespace pipescale::roles {

// A stage's load estimate from its reported input rates: up at once, down only after a delay.
//
// An observation at or above the estimate raises the estimate to it at once and ends any "lower
// stretch". An observation below the estimate starts a lower stretch (if none is running) at its
// time and is remembered in the stretch's peak, the highest rate seen during the stretch. When an
// observation arrives scale_down_delay_ns or more after the stretch started, the estimate drops
// to the stretch's peak (still below the old estimate), and a new stretch starts with that
// observation if it is below the new estimate. A delay of 0 follows the observations exactly.
class LoadEstimator {
 public:
  explicit LoadEstimator(std::int64_t scale_down_delay_ns) : delay_ns_(scale_down_delay_ns) {}

  // now_ns must not decrease from call to call. Returns the new estimate. A negative or NaN
  // rate counts as 0.
  double observe(std::int64_t now_ns, double rate_rps);
  [[nodiscard]] double estimate_rps() const { return estimate_rps_; }

 private:
  std::int64_t delay_ns_;
  double estimate_rps_ = 0.0;
  bool in_lower_stretch_ = false;
  std::int64_t lower_since_ns_ = 0;
  double lower_peak_rps_ = 0.0;
};

// Holt's linear trend (Holt, 1957) over a stage's reported rates, which need not be evenly
// spaced: with dt the seconds since the previous observation y,
//   level = alpha * y + (1 - alpha) * (level + trend * dt)
//   trend = beta * (level - previous level) / dt + (1 - beta) * trend       (rps per second)
// and the forecast h seconds ahead is max(0, level + trend * h). The first observation sets the
// level, with no trend. README.md, section 6, has a worked example.
class HoltForecast {
 public:
  HoltForecast(double alpha, double beta) : alpha_(alpha), beta_(beta) {}
  // A negative or NaN rate counts as 0; now_ns must not decrease from call to call.
  void observe(std::int64_t now_ns, double rate_rps);
  [[nodiscard]] double forecast_rps(double horizon_s) const;
  [[nodiscard]] double level_rps() const { return level_rps_; }
  [[nodiscard]] double trend_rps_per_s() const { return trend_rps_per_s_; }

 private:
  double alpha_;
  double beta_;
  bool started_ = false;
  double level_rps_ = 0.0;
  double trend_rps_per_s_ = 0.0;
  std::int64_t last_ns_ = 0;
};

// Splits the end-to-end SLO among stages in proportion to each stage's fastest latency L(1).
// The budgets add up to slo_ns exactly (the last stage takes the rounding remainder). If every
// weight is 0 the split is even.
std::vector<std::int64_t> split_slo_ns(std::int64_t slo_ns, const std::vector<std::int64_t>& fastest_ns);

// The largest b in [1, max_batch] with L(b) + (b - 1) / rate <= budget: the batch's processing
// plus the time its first request waits for the other b - 1 to arrive. 1 when even b = 1 does not
// fit, and when rate_rps <= 0 (no traffic: never wait for a batch to fill).
int choose_batch_size(const LatencyProfile& profile, std::int64_t budget_ns, double rate_rps);

// ceil(rate * L(b) / b * headroom), clamped to the bounds: enough Workers, each busy L(b) per
// batch of b, to keep up with `rate` with `headroom` to spare. Exact products (such as 2.0) are
// not rounded up by floating-point noise.
int choose_worker_count(const LatencyProfile& profile, int batch_size, double rate_rps, double headroom,
                        WorkerBounds bounds);

StageDecision decide_stage(const LatencyProfile& profile, std::int64_t budget_ns, double rate_rps, double headroom,
                           WorkerBounds bounds);
// The Scheduler disabled: workers_min Workers at the profile's max_batch, whatever the load.
StageDecision static_baseline(const LatencyProfile& profile, WorkerBounds bounds);

struct SchedulerStage {
  LatencyProfile profile;
  WorkerBounds workers;
  std::int64_t warmup_ns = 0;  // a started Worker's warm-up ("predictive" forecasts this far ahead)
};

struct SchedulerSettings {
  std::string policy = "reactive";  // scaling_policy_names(): "reactive", "static" or "predictive"
  std::int64_t slo_ns = 0;
  double headroom = 1.0;
  std::int64_t scale_down_delay_ns = 0;
  double forecast_alpha = 0.3;
  double forecast_beta = 0.3;
};

// The whole pipeline's policy: the SLO split, fixed at creation, and the scaling policy named in
// the settings (scaling_policy.hpp), which keeps each stage's estimate.
class SchedulerPolicy {
 public:
  // Refuses no stages, bounds outside 1 <= min <= max, a non-positive SLO, headroom or negative
  // delay, forecast factors outside (0, 1] and an unknown policy name, naming the stage (1-based),
  // the value and, for a name, the valid ones.
  static Result<SchedulerPolicy> create(std::vector<SchedulerStage> stages, const SchedulerSettings& settings);

  // A stage's FrontendInformation: its observed input rate at now_ns. Returns the stage's new
  // batch size and Worker count.
  StageDecision on_stage_rate(std::size_t stage, std::int64_t now_ns, double observed_rate_rps);
  // The decision for the current estimate, without a new observation.
  [[nodiscard]] StageDecision decision(std::size_t stage) const;

  [[nodiscard]] std::size_t stage_count() const { return budgets_ns_.size(); }
  [[nodiscard]] std::int64_t budget_ns(std::size_t stage) const { return budgets_ns_[stage]; }
  [[nodiscard]] double estimate_rps(std::size_t stage) const { return scaling_->estimate_rps(stage); }

 private:
  SchedulerPolicy(std::vector<std::int64_t> budgets_ns, std::unique_ptr<ScalingPolicy> scaling);

  std::vector<std::int64_t> budgets_ns_;
  std::unique_ptr<ScalingPolicy> scaling_;
};

}  // namespace pipescale::roles

// "predictive": each stage sized for its rate forecast one Worker warm-up ahead, so that the
// Workers a rising load needs are warm when it arrives. The forecast is Holt's linear trend
// (HoltForecast, scheduler_policy.hpp); it goes through the same LoadEstimator as "reactive", so
// that a forecast that falls lowers the Workers only after scale_down_delay (README.md, section 6).
#include <algorithm>

#include "roles/scheduler/scaling_policy.hpp"
#include "roles/scheduler/scheduler_policy.hpp"

namespace pipescale::roles {

void HoltForecast::observe(std::int64_t now_ns, double rate_rps) {
  const double y = rate_rps > 0.0 ? rate_rps : 0.0;  // also maps NaN to 0
  if (!started_) {
    started_ = true;
    level_rps_ = y;
    trend_rps_per_s_ = 0.0;
    last_ns_ = now_ns;
    return;
  }
  const double dt_s = static_cast<double>(now_ns - last_ns_) / 1e9;
  const double previous = level_rps_;
  if (dt_s <= 0.0) {
    level_rps_ = alpha_ * y + (1.0 - alpha_) * previous;  // same instant: no time for a trend
    return;
  }
  level_rps_ = alpha_ * y + (1.0 - alpha_) * (previous + trend_rps_per_s_ * dt_s);
  trend_rps_per_s_ = beta_ * (level_rps_ - previous) / dt_s + (1.0 - beta_) * trend_rps_per_s_;
  last_ns_ = now_ns;
}

double HoltForecast::forecast_rps(double horizon_s) const {
  return std::max(0.0, level_rps_ + trend_rps_per_s_ * horizon_s);
}

namespace {

class PredictiveScaling final : public ScalingPolicy {
 public:
  explicit PredictiveScaling(const ScalingParams& params)
      : stages_(params.stages),
        headroom_(params.headroom),
        forecasts_(params.stages.size(), HoltForecast(params.forecast_alpha, params.forecast_beta)),
        estimators_(params.stages.size(), LoadEstimator(params.scale_down_delay_ns)) {}

  StageDecision on_stage_rate(std::size_t stage, std::int64_t now_ns, double rate_rps) override {
    forecasts_[stage].observe(now_ns, rate_rps);
    const double horizon_s = static_cast<double>(stages_[stage].warmup_ns) / 1e9;
    estimators_[stage].observe(now_ns, forecasts_[stage].forecast_rps(horizon_s));
    return decision(stage);
  }
  [[nodiscard]] StageDecision decision(std::size_t stage) const override {
    const ScalingStage& s = stages_[stage];
    return decide_stage(s.profile, s.budget_ns, estimators_[stage].estimate_rps(), headroom_, s.workers);
  }
  [[nodiscard]] double estimate_rps(std::size_t stage) const override { return estimators_[stage].estimate_rps(); }

 private:
  std::vector<ScalingStage> stages_;
  double headroom_;
  std::vector<HoltForecast> forecasts_;
  std::vector<LoadEstimator> estimators_;
};

}  // namespace

std::unique_ptr<ScalingPolicy> make_predictive_scaling(const ScalingParams& params) {
  return std::make_unique<PredictiveScaling>(params);
}

}  // namespace pipescale::roles

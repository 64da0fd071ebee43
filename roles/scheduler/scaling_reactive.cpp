// "reactive" (the default): each stage sized for its LoadEstimator's estimate (up at once, down
// after scale_down_delay) with decide_stage (README.md, sections 1, 3 and 4).
#include "roles/scheduler/scaling_policy.hpp"
#include "roles/scheduler/scheduler_policy.hpp"

namespace pipescale::roles {
namespace {

class ReactiveScaling final : public ScalingPolicy {
 public:
  explicit ReactiveScaling(const ScalingParams& params)
      : stages_(params.stages),
        headroom_(params.headroom),
        estimators_(params.stages.size(), LoadEstimator(params.scale_down_delay_ns)) {}

  StageDecision on_stage_rate(std::size_t stage, std::int64_t now_ns, double rate_rps) override {
    estimators_[stage].observe(now_ns, rate_rps);
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
  std::vector<LoadEstimator> estimators_;
};

}  // namespace

std::unique_ptr<ScalingPolicy> make_reactive_scaling(const ScalingParams& params) {
  return std::make_unique<ReactiveScaling>(params);
}

}  // namespace pipescale::roles

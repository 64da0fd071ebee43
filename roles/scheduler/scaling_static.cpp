// "static" (also scheduler.enabled = false): the baseline that does not scale. Every stage runs
// workers_min Workers at max_batch, whatever the load (static_baseline); the estimate it reports
// is the latest observed rate.
#include "roles/scheduler/scaling_policy.hpp"
#include "roles/scheduler/scheduler_policy.hpp"

namespace pipescale::roles {
namespace {

class StaticScaling final : public ScalingPolicy {
 public:
  explicit StaticScaling(const ScalingParams& params) : stages_(params.stages), observed_(params.stages.size(), 0.0) {}

  StageDecision on_stage_rate(std::size_t stage, std::int64_t /*now_ns*/, double rate_rps) override {
    observed_[stage] = rate_rps > 0.0 ? rate_rps : 0.0;
    return decision(stage);
  }
  [[nodiscard]] StageDecision decision(std::size_t stage) const override {
    return static_baseline(stages_[stage].profile, stages_[stage].workers);
  }
  [[nodiscard]] double estimate_rps(std::size_t stage) const override { return observed_[stage]; }

 private:
  std::vector<ScalingStage> stages_;
  std::vector<double> observed_;
};

}  // namespace

std::unique_ptr<ScalingPolicy> make_static_scaling(const ScalingParams& params) {
  return std::make_unique<StaticScaling>(params);
}

}  // namespace pipescale::roles

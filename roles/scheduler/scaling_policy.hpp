#pragma once
// Scaling policies (scheduler.policy): from each stage's reported input rate, the batch size and
// Worker count the Scheduler sends that stage's Frontend. One implementation per file
// (scaling_<name>.cpp), registered by one line in scaling_registry.cpp; formulas, sources and
// worked examples in README.md. A policy sees only rates and times passed in (no clock, no I/O),
// so it runs alike live and in the simulator, and allocates nothing after it is created.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "roles/common/latency_profile.hpp"

namespace pipescale::roles {

struct WorkerBounds {
  int min = 1;
  int max = 1;
};

struct StageDecision {
  int batch_size = 1;
  int workers = 1;
  friend bool operator==(const StageDecision&, const StageDecision&) = default;
};

// One stage as a scaling policy sees it.
struct ScalingStage {
  LatencyProfile profile;
  WorkerBounds workers;
  std::int64_t budget_ns = 0;  // its share of the SLO (split_slo_ns)
  std::int64_t warmup_ns = 0;  // how long a started Worker takes before it serves
};

struct ScalingParams {
  std::vector<ScalingStage> stages;  // never empty
  double headroom = 1.0;
  std::int64_t scale_down_delay_ns = 0;
  double forecast_alpha = 0.3;  // "predictive": Holt's level smoothing, in (0, 1]
  double forecast_beta = 0.3;   // "predictive": Holt's trend smoothing, in (0, 1]
};

class ScalingPolicy {
 public:
  ScalingPolicy() = default;
  ScalingPolicy(const ScalingPolicy&) = delete;
  ScalingPolicy& operator=(const ScalingPolicy&) = delete;
  virtual ~ScalingPolicy() = default;

  // Stage `stage` observed `rate_rps` at now_ns (which does not decrease from call to call for a
  // stage). Returns its new decision.
  virtual StageDecision on_stage_rate(std::size_t stage, std::int64_t now_ns, double rate_rps) = 0;
  // The decision for what the policy knows now, without a new observation.
  [[nodiscard]] virtual StageDecision decision(std::size_t stage) const = 0;
  // The rate the stage is sized for (reported beside each decision).
  [[nodiscard]] virtual double estimate_rps(std::size_t stage) const = 0;
};

[[nodiscard]] std::span<const std::string_view> scaling_policy_names();
[[nodiscard]] std::unique_ptr<ScalingPolicy> make_scaling_policy(std::string_view name, const ScalingParams& params);

}  // namespace pipescale::roles

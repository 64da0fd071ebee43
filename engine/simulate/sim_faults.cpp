#include "engine/simulate/sim_faults.hpp"

#include <algorithm>

namespace pipescale::engine {

SimFaults::SimFaults(const PipelineConfig& config, std::int64_t liveness_timeout_ns)
    : config_(&config), records_(fault_records(config)) {
  for (const FaultStep& step : fault_schedule(config)) steps_.push_back({step, false});
  if (liveness_timeout_ns <= 0) return;
  for (std::size_t i = 0; i < config.faults.size(); ++i) {
    const FaultConfig& fault = config.faults[i];
    const auto duration_ns = static_cast<std::int64_t>(fault.duration_s * 1e9);
    if (fault.action != FaultAction::kStop || duration_ns <= liveness_timeout_ns) continue;
    const auto at_ns = static_cast<std::int64_t>(fault.at_s * 1e9);
    steps_.push_back({{at_ns + liveness_timeout_ns, i, true}, true});
  }
  std::stable_sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) {
    if (a.step.at_ns != b.step.at_ns) return a.step.at_ns < b.step.at_ns;
    return !a.step.begin && b.step.begin;
  });
}

std::int64_t SimFaults::next_ns() const {
  return start_ns_ != 0 && next_ < steps_.size() ? start_ns_ + steps_[next_].step.at_ns : 0;
}

void SimFaults::apply_due(std::int64_t now_ns, const SimFaultActions& actions) {
  while (start_ns_ != 0 && next_ < steps_.size() && start_ns_ + steps_[next_].step.at_ns <= now_ns) {
    apply(steps_[next_], now_ns, actions);
    ++next_;
  }
}

void SimFaults::finish(std::int64_t now_ns, const SimFaultActions& actions) {
  for (; next_ < steps_.size(); ++next_) {
    const Step& step = steps_[next_];
    if (!step.step.begin && records_[step.step.fault].applied_s >= 0.0) apply(step, now_ns, actions);
  }
}

void SimFaults::apply(const Step& step, std::int64_t now_ns, const SimFaultActions& actions) {
  const FaultConfig& fault = config_->faults[step.step.fault];
  FaultRecord& record = records_[step.step.fault];
  const double at_s = static_cast<double>(now_ns - start_ns_) / 1e9;
  if (step.hung) {
    record.lost_s = at_s;
    record.note = record.resolved + " was declared hung and lost";
    actions.lose(record.resolved);
    return;
  }
  if (step.step.begin) {
    record.applied_s = at_s;
  } else {
    record.ended_s = at_s;
  }
  const bool begin = step.step.begin;
  switch (fault.action) {
    case FaultAction::kKill:
      record.lost_s = at_s;
      actions.lose(record.resolved);
      break;
    case FaultAction::kStop:
      if (record.lost_s < 0.0) actions.stop(record.resolved, begin);
      break;
    case FaultAction::kSlow: actions.slow(record.resolved, begin ? slow_factor_milli(fault) : 0U); break;
    case FaultAction::kDropLink: actions.drop_link(record.resolved, begin); break;
  }
}

}  // namespace pipescale::engine

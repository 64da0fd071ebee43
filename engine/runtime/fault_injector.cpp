#include "engine/runtime/fault_injector.hpp"

#include <signal.h>

#include <atomic>
#include <cstdio>

#include "ipc/rpc/connection.hpp"

namespace pipescale::engine {

FaultInjector::FaultInjector(const PipelineConfig& config, const Topology& topology, const Board& board,
                             const ipc::Segment* segment, PidOf pid_of)
    : config_(&config),
      topology_(&topology),
      board_(&board),
      segment_(segment),
      pid_of_(std::move(pid_of)),
      steps_(fault_schedule(config)),
      records_(fault_records(config)) {}

std::int64_t FaultInjector::next_ns(std::int64_t start_ns) const {
  return next_ < steps_.size() ? start_ns + steps_[next_].at_ns : 0;
}

void FaultInjector::poll(std::int64_t now_ns, std::int64_t start_ns) {
  while (next_ < steps_.size() && start_ns + steps_[next_].at_ns <= now_ns) {
    apply(steps_[next_], static_cast<double>(now_ns - start_ns) / 1e9);
    ++next_;
  }
}

void FaultInjector::finish(std::int64_t now_ns, std::int64_t start_ns) {
  for (; next_ < steps_.size(); ++next_) {
    const FaultStep& step = steps_[next_];
    if (!step.begin && records_[step.fault].applied_s >= 0.0) apply(step, static_cast<double>(now_ns - start_ns) / 1e9);
  }
}

void FaultInjector::set_link(const std::string& link, std::uint32_t dropped) {
  if (segment_ == nullptr) return;
  auto regions = ipc::find_connection(*segment_, link);
  if (!regions) return;
  // Relaxed: the caller's one load per call needs no order against anything else.
  regions->control->client.dropped.store(dropped, std::memory_order_relaxed);
}

void FaultInjector::apply(const FaultStep& step, double at_s) {
  const FaultConfig& fault = config_->faults[step.fault];
  FaultRecord& record = records_[step.fault];
  const pid_t pid = fault.action == FaultAction::kDropLink ? 0 : pid_of_(record.resolved);
  const ProcessSpec* process = topology_->find(record.resolved);
  RoleHeader* header = process == nullptr ? nullptr : board_->header(*process);
  if (step.begin) {
    record.applied_s = at_s;
    if (fault.action != FaultAction::kDropLink && pid == 0) record.note = record.resolved + " was not running";
    std::fprintf(stderr, "pipescale run: fault at %.3f s: %s %s\n", at_s,
                 std::string(fault_action_name(fault.action)).c_str(), record.resolved.c_str());
  } else {
    record.ended_s = at_s;
  }
  switch (fault.action) {
    case FaultAction::kKill:
      if (pid != 0 && ::kill(pid, SIGKILL) == 0) record.lost_s = at_s;
      break;
    case FaultAction::kStop:
      if (pid != 0) ::kill(pid, step.begin ? SIGSTOP : SIGCONT);
      break;
    case FaultAction::kSlow:
      if (header != nullptr) header->model_time_factor_milli.set(step.begin ? slow_factor_milli(fault) : 0U);
      break;
    case FaultAction::kDropLink: set_link(record.resolved, step.begin ? 1U : 0U); break;
  }
}

}  // namespace pipescale::engine

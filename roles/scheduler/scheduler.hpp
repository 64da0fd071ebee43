#pragma once
// The Scheduler: on each stage's FrontendInformation, updates that stage's load estimate and
// sends its Frontend the batch size and Worker count the policy picks (scheduler_policy.hpp;
// the algorithm is in README.md). Disabled, it answers every report with the static baseline.
// It keeps no timer of its own: the Frontends report every scheduler.interval_ms, and each report
// is a decision point, so the decisions follow the load at that rate.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/clock/clock.hpp"
#include "roles/common/record_table.hpp"
#include "roles/common/role_stats.hpp"
#include "roles/scheduler/scheduler_policy.hpp"
#include "services/handlers.hpp"
#include "services/stubs.hpp"

namespace pipescale::roles {

class Scheduler final : public services::SchedulerHandler {
 public:
  // frontends[s] reaches stage s's Frontend.
  Scheduler(const Clock& clock, SchedulerPolicy policy, std::vector<services::FrontendStub*> frontends,
            SchedulerStats& stats, std::int64_t rpc_timeout_ns = 1'000'000'000);

  std::size_t do_work(std::int64_t /*now_ns*/) { return 0; }
  [[nodiscard]] std::int64_t next_timer_ns() const { return 0; }
  // Records each decision it sends in `timeline` (the run's trace.json).
  void attach_timeline(SchedulerTimeline& timeline) { timeline_ = &timeline; }

  void on_send_frontend_information(
      const schema::FrontendInformation& information,
      services::ResponseWriter<services::SchedulerRpc::SendFrontendInformation>& response) override;

 private:
  const Clock* clock_;
  SchedulerPolicy policy_;
  std::vector<services::FrontendStub*> frontends_;
  SchedulerStats* stats_;
  std::int64_t rpc_timeout_ns_;
  std::uint64_t next_decision_id_ = 1;
  SchedulerTimeline* timeline_ = nullptr;
};

}  // namespace pipescale::roles

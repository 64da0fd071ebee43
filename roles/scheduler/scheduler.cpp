#include "roles/scheduler/scheduler.hpp"

#include <utility>

namespace pipescale::roles {

Scheduler::Scheduler(const Clock& clock, SchedulerPolicy policy, std::vector<services::FrontendStub*> frontends,
                     SchedulerStats& stats, std::int64_t rpc_timeout_ns)
    : clock_(&clock),
      policy_(std::move(policy)),
      frontends_(std::move(frontends)),
      stats_(&stats),
      rpc_timeout_ns_(rpc_timeout_ns) {
  for (std::size_t s = 0; s < policy_.stage_count() && s < kMaxStages; ++s) {
    stats_->budget_ns[s].set(policy_.budget_ns(s));
  }
}

void Scheduler::on_send_frontend_information(
    const schema::FrontendInformation& information,
    services::ResponseWriter<services::SchedulerRpc::SendFrontendInformation>& response) {
  const std::int64_t now = clock_->now_ns();
  const std::uint16_t stage = information.stage();
  if (stage < policy_.stage_count() && stage < frontends_.size()) {
    const StageDecision decision = policy_.on_stage_rate(stage, now, information.input_rate_rps());
    const std::uint64_t decision_id = next_decision_id_++;
    const double estimate = policy_.estimate_rps(stage);
    const std::int64_t budget = policy_.budget_ns(stage);
    const ipc::StatusCode status = frontends_[stage]->send_batch_size_async(
        [&](flatbuffers::FlatBufferBuilder& builder) {
          return schema::CreateBatchSize(builder, decision_id, stage, static_cast<std::uint32_t>(decision.batch_size),
                                         static_cast<std::uint32_t>(decision.workers), estimate, budget, now);
        },
        now + rpc_timeout_ns_,
        [this](ipc::StatusCode code, const schema::BatchSizeResponse* /*response*/) {
          if (code != ipc::StatusCode::kOk) stats_->send_failures.add(1);
        });
    if (status != ipc::StatusCode::kOk) stats_->send_failures.add(1);
    stats_->decisions.add(1);
    if (timeline_ != nullptr) {
      timeline_->append({now, decision_id, estimate, budget, static_cast<std::uint32_t>(decision.batch_size),
                         static_cast<std::uint32_t>(decision.workers), stage});
    }
    if (stage < kMaxStages) {
      stats_->estimate_rps[stage].set(estimate);
      stats_->batch_size[stage].set(decision.batch_size);
      stats_->workers[stage].set(decision.workers);
    }
  }
  (void)response.reply([stage](flatbuffers::FlatBufferBuilder& builder) {
    return schema::CreateFrontendInformationResponse(builder, stage);
  });
}

}  // namespace pipescale::roles

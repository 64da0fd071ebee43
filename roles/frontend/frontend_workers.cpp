// The Frontend's side of its Workers and its Scheduler: Worker state from feedback, the
// Scheduler's decisions, the orders that move the Workers toward its target, the reports to the
// Scheduler, and the statistics the launcher reads. Requests and batches are in frontend.cpp.
#include <algorithm>

#include "roles/common/wire_state.hpp"
#include "roles/frontend/frontend.hpp"

namespace pipescale::roles {

// The stage's policies, by the names in its settings; an unknown name gets the family's default.
void Frontend::make_policies() {
  BatchingParams batching{profile_, settings_.slack_ns, settings_.max_queue_delay_ns, settings_.budget_ns,
                          settings_.aimd_backoff};
  batching_ = make_batching_policy(settings_.batching, batching);
  if (!batching_) batching_ = make_batching_policy(batching_policy_names().front(), batching);
  const DispatchParams dispatch{settings_.dispatch_seed};
  dispatch_ = make_dispatch_policy(settings_.dispatch, dispatch);
  if (!dispatch_) dispatch_ = make_dispatch_policy(dispatch_policy_names().front(), dispatch);
  const DropParams drop{profile_, settings_.path};
  drop_ = make_drop_policy(settings_.drop, drop);
  if (!drop_) drop_ = make_drop_policy(drop_policy_names().front(), drop);
}

void Frontend::resume(int batch_size, int target_workers) {
  target_batch_ = std::clamp(batch_size, 1, profile_.max_batch());
  target_workers_ = std::clamp(target_workers, 0, static_cast<int>(links_.size()));
  plan_due_ = true;
}

// Every request of a batch that did not reach its Worker goes back to the Client as failed, or,
// when the Worker was lost, back to the queue while it can still meet its deadline.
void Frontend::fail_batch(InFlightBatch& batch, ipc::StatusCode status, std::int64_t now_ns) {
  if (!batch.used) return;
  stats_->dispatch_failures.add(1);
  links_[batch.worker].unanswered -= 1;
  const bool lost = status == ipc::StatusCode::kUnavailable;
  if (lost) {
    links_[batch.worker].dead = true;
    views_[batch.worker].state = WorkerState::kOff;
    plan_due_ = true;
  }
  WorkerView& view = views_[batch.worker];
  view.queue_length = std::max(0, view.queue_length - 1);
  if (status == ipc::StatusCode::kDeadlineExceeded) {
    // The batch is in the Worker's ring: it may yet run it (the outcomes then come back), or
    // refuse it as expired and the Client's drain counts its requests failed; not both.
    batch.used = false;
    return;
  }
  const Outcome outcome{schema::Outcome::Failed, settings_.stage, schema::DropReason::None,
                        static_cast<std::uint16_t>(status), now_ns};
  // Backwards, so that the requests put back keep their order at the head.
  for (std::size_t i = batch.request_ids.size(); i-- > 0;) {
    if (lost && i < batch.records.size() && reissue(batch.records[i], now_ns)) continue;
    const std::uint64_t id = batch.request_ids[i];
    const std::uint64_t client_id = batch.client_ids[i];
    (void)client_->send_request_async(
        [&](flatbuffers::FlatBufferBuilder& builder) { return build_outcome_only(builder, id, client_id, outcome); },
        now_ns + settings_.rpc_timeout_ns, {});
  }
  batch.used = false;
  next_timer_ns_ = now_ns;
}

bool Frontend::reissue(const RequestRecord& record, std::int64_t now_ns) {
  if (queue_count_ == queue_.size()) return false;
  if (now_ns + profile_.fastest_ns() + path().total_ns() > record.deadline_ns) return false;
  queue_head_ = (queue_head_ + queue_.size() - 1) % queue_.size();
  ++queue_count_;
  queue_[queue_head_] = record;
  stats_->reissued_requests.add(1);
  return true;
}

void Frontend::on_send_feedback(const schema::Feedback& feedback,
                                services::ResponseWriter<services::FrontendRpc::SendFeedback>& response) {
  const std::uint64_t id = feedback.worker_id();
  for (std::size_t i = 0; i < links_.size(); ++i) {
    WorkerLink& link = links_[i];
    if (link.id != id || feedback.changed_ns() < link.last_feedback_ns) continue;
    link.last_feedback_ns = feedback.changed_ns();
    // A lost Worker's replacement announces itself off: it may be ordered again.
    if (link.dead && from_wire(feedback.state()) == WorkerState::kOff) {
      link.dead = false;
      plan_due_ = true;
    }
    if (feedback.order_id() == link.last_order_id) link.feedback_for_last_order = true;
    views_[i].state = from_wire(feedback.state());
    if (views_[i].state == WorkerState::kOff) {
      views_[i].queue_length = 0;
      plan_due_ = true;  // a drained Worker may be needed again
    }
    next_timer_ns_ = clock_->now_ns();
  }
  (void)response.reply(
      [id](flatbuffers::FlatBufferBuilder& builder) { return schema::CreateFeedbackResponse(builder, id); });
}

void Frontend::on_send_queue_information(
    const schema::QueueInformation& information,
    services::ResponseWriter<services::FrontendRpc::SendQueueInformation>& response) {
  const std::uint64_t id = information.worker_id();
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (links_[i].id != id || information.sampled_ns() < links_[i].load_sampled_ns) continue;
    links_[i].load_sampled_ns = information.sampled_ns();
    // Sent as a batch ends: every batch it still holds is waiting, none running.
    views_[i].queue_length = static_cast<int>(information.queue_length());
    views_[i].busy_until_ns = information.busy_until_ns();
    note_downstream_backlog(information.downstream_backlog_ns(), information.sampled_ns());
    next_timer_ns_ = clock_->now_ns();
  }
  (void)response.reply(
      [id](flatbuffers::FlatBufferBuilder& builder) { return schema::CreateQueueInformationResponse(builder, id); });
}

void Frontend::on_send_batch_size(const schema::BatchSize& decision,
                                  services::ResponseWriter<services::FrontendRpc::SendBatchSize>& response) {
  const bool applied = decision.decision_id() > decision_id_;
  if (applied) {
    decision_id_ = decision.decision_id();
    target_batch_ = std::clamp(static_cast<int>(decision.batch_size()), 1, profile_.max_batch());
    target_workers_ = std::clamp(static_cast<int>(decision.target_workers()), 0, static_cast<int>(links_.size()));
    stats_->decisions.add(1);
    plan_due_ = true;
    next_timer_ns_ = clock_->now_ns();
  }
  const std::uint64_t decision_id = decision.decision_id();
  const std::uint16_t stage = settings_.stage;
  (void)response.reply([&](flatbuffers::FlatBufferBuilder& builder) {
    return schema::CreateBatchSizeResponse(builder, decision_id, stage, applied);
  });
}

// Orders toward target_workers_. Dead Workers look draining to the plan, so it never starts them.
void Frontend::plan(std::int64_t now_ns) {
  plan_due_ = false;
  for (std::size_t i = 0; i < views_.size(); ++i) {
    scratch_views_[i] = views_[i];
    if (links_[i].dead) scratch_views_[i].state = WorkerState::kDraining;
  }
  plan_workers(scratch_views_, target_workers_, now_ns, worker_plan_);
  for (const std::size_t i : worker_plan_.to_start) {
    if (!links_[i].dead) order(i, schema::OrderKind::Start, now_ns);
  }
  for (const std::size_t i : worker_plan_.to_stop) {
    if (!links_[i].dead) order(i, schema::OrderKind::Stop, now_ns);
  }
}

void Frontend::order(std::size_t worker, schema::OrderKind kind, std::int64_t now_ns) {
  WorkerLink& link = links_[worker];
  const std::uint64_t order_id = next_order_id_++;
  link.last_order_id = order_id;
  link.feedback_for_last_order = false;
  WorkerView& view = views_[worker];
  // What the order will do, assumed at once so that the next plan does not order it again.
  if (kind == schema::OrderKind::Start) {
    view.state = WorkerState::kWarming;
  } else {
    view.state = view.state == WorkerState::kActive && (view.queue_length > 0 || view.busy_until_ns > now_ns)
                     ? WorkerState::kDraining
                     : WorkerState::kOff;
  }
  stats_->orders.add(1);
  const std::uint64_t worker_id = link.id;
  const std::uint16_t stage = settings_.stage;
  const ipc::StatusCode status = link.stub->send_order_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        return schema::CreateOrder(builder, order_id, worker_id, stage, kind, now_ns);
      },
      now_ns + settings_.rpc_timeout_ns,
      [this, worker, order_id](ipc::StatusCode code, const schema::OrderResponse* response) {
        WorkerLink& answered = links_[worker];
        if (code != ipc::StatusCode::kOk) {
          if (code == ipc::StatusCode::kUnavailable) answered.dead = true;
          views_[worker].state = WorkerState::kOff;
          plan_due_ = true;
          return;
        }
        // The answer says the state the order led to, unless feedback about it came first.
        if (answered.last_order_id == order_id && !answered.feedback_for_last_order) {
          views_[worker].state = from_wire(response->state());
        }
        plan_due_ = true;
      });
  if (status != ipc::StatusCode::kOk) {
    if (status == ipc::StatusCode::kUnavailable) link.dead = true;
    view.state = WorkerState::kOff;
  }
}

void Frontend::report(std::int64_t now_ns) {
  const std::int64_t window = std::max<std::int64_t>(1, now_ns - window_start_ns_);
  const double seconds = static_cast<double>(window) / 1e9;
  const double rate = static_cast<double>(window_arrivals_) / seconds;
  const double drop_rate = static_cast<double>(window_drops_) / seconds;
  stats_->input_rate_rps.set(rate);
  window_arrivals_ = 0;
  window_drops_ = 0;
  window_start_ns_ = now_ns;
  next_report_ns_ = now_ns + settings_.report_interval_ns;
  plan_due_ = true;  // re-check the plan as often as the load is reported
  const std::uint16_t stage = settings_.stage;
  const auto queue = static_cast<std::uint32_t>(queue_count_);
  const auto active = static_cast<std::uint32_t>(count_workers(WorkerState::kActive));
  const auto warming = static_cast<std::uint32_t>(count_workers(WorkerState::kWarming));
  const auto draining = static_cast<std::uint32_t>(count_workers(WorkerState::kDraining));
  const auto batch = static_cast<std::uint32_t>(batch_in_force());
  const std::uint64_t decision = decision_id_;
  if (timeline_ != nullptr) {
    timeline_->append({now_ns, static_cast<std::int32_t>(queue), static_cast<std::int32_t>(batch), 0,
                       static_cast<std::int32_t>(active)});
  }
  (void)scheduler_->send_frontend_information_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        return schema::CreateFrontendInformation(builder, stage, now_ns, window, rate, drop_rate, queue, active,
                                                 warming, draining, batch, decision);
      },
      now_ns + settings_.rpc_timeout_ns, {});
}

void Frontend::publish_gauges() {
  stats_->queue_length.set(static_cast<std::int64_t>(queue_count_));
  stats_->active_workers.set(count_workers(WorkerState::kActive));
  stats_->warming_workers.set(count_workers(WorkerState::kWarming));
  stats_->draining_workers.set(count_workers(WorkerState::kDraining));
  stats_->target_workers.set(target_workers_);
  stats_->batch_size.set(batch_in_force());
}

// The row's end-of-second gauges, and the row published.
void Frontend::seal_row(FrontendRow& row, std::uint32_t index) {
  row.active_workers.set(count_workers(WorkerState::kActive));
  row.target_workers.set(target_workers_);
  row.batch_size.set(batch_in_force());
  stats_->rows_published.set(index + 1);
}

void Frontend::close_rows(std::int64_t now_ns) {
  rows_.close(
      stats_->rows(row_capacity_), now_ns, [this](FrontendRow& row, std::uint32_t index) { seal_row(row, index); },
      [] {});
}

}  // namespace pipescale::roles

#include "roles/worker/worker.hpp"

#include <algorithm>
#include <utility>

#include "roles/common/wire_state.hpp"

namespace pipescale::roles {

Worker::Worker(const Clock& clock, const WorkerSettings& settings, LatencyModel model, services::FrontendStub& frontend,
               services::FrontendStub* next_stage, services::ClientStub& client, WorkerStats& stats)
    : clock_(&clock),
      settings_(settings),
      model_(std::move(model)),
      frontend_(&frontend),
      next_stage_(next_stage),
      client_(&client),
      stats_(&stats),
      records_(static_cast<std::size_t>(std::max(1, settings.queue_batches)) *
               static_cast<std::size_t>(model_.max_batch())),
      batches_(static_cast<std::size_t>(std::max(1, settings.queue_batches))) {
  stats_->state.set(static_cast<std::uint32_t>(state_));
  model_.seed_stream(settings.latency_seed);
}

void Worker::enter(WorkerState next, std::int64_t now_ns, std::uint64_t order_id) {
  if (next == state_) return;
  const WorkerState previous = state_;
  if (previous == WorkerState::kOff) on_since_ns_ = now_ns;
  if (next == WorkerState::kOff) on_total_ns_ += now_ns - on_since_ns_;
  state_ = next;
  stats_->state.set(static_cast<std::uint32_t>(next));
  if (timeline_ != nullptr && (previous == WorkerState::kWarming || previous == WorkerState::kDraining)) {
    const auto kind = previous == WorkerState::kWarming ? WorkerSpanKind::kWarming : WorkerSpanKind::kDraining;
    timeline_->append({state_since_ns_, now_ns, 0, 0, kind, 0});
  }
  state_since_ns_ = now_ns;
  const std::uint64_t id = settings_.worker_id;
  const std::uint16_t stage = settings_.stage;
  (void)frontend_->send_feedback_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        return schema::CreateFeedback(builder, id, stage, to_wire(next), to_wire(previous), now_ns, order_id);
      },
      now_ns + settings_.rpc_timeout_ns, {});
}

// A replacement for a lost Worker tells its Frontend it exists (off), so that it is ordered again.
void Worker::announce(std::int64_t now_ns) {
  const std::uint64_t id = settings_.worker_id;
  const std::uint16_t stage = settings_.stage;
  const schema::WorkerState off = to_wire(WorkerState::kOff);
  (void)frontend_->send_feedback_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        return schema::CreateFeedback(builder, id, stage, off, off, now_ns, 0);
      },
      now_ns + settings_.rpc_timeout_ns, {});
}

std::size_t Worker::do_work(std::int64_t now_ns) {
  std::size_t work = 0;
  if (state_ == WorkerState::kWarming && now_ns >= warm_at_ns_) {
    enter(WorkerState::kActive, now_ns, last_order_id_);
    ++work;
  }
  if (running_ && now_ns >= finish_ns_) {
    finish_batch(now_ns);
    ++work;
  }
  if (!running_ && batch_count_ > 0) {
    start_next_batch(now_ns);
    ++work;
  }
  if (state_ == WorkerState::kDraining && !running_ && batch_count_ == 0) {
    enter(WorkerState::kOff, now_ns, last_order_id_);
    ++work;
  }
  if (now_ns >= next_publish_ns_) {
    publish(now_ns);
    next_publish_ns_ = now_ns + settings_.publish_interval_ns;
  }
  return work;
}

std::int64_t Worker::next_timer_ns() const {
  std::int64_t timer = next_publish_ns_;
  if (state_ == WorkerState::kWarming) timer = std::min(timer, warm_at_ns_);
  if (running_) timer = std::min(timer, finish_ns_);
  return timer;
}

void Worker::publish(std::int64_t now_ns) {
  stats_->on_ns.set(on_total_ns_ + (state_ == WorkerState::kOff ? 0 : now_ns - on_since_ns_));
  stats_->queued_batches.set(batch_count_);
  stats_->dispatch_hop_bins.publish(dispatch_hop_);
  stats_->drawn_bins.publish(drawn_);
  stats_->achieved_bins.publish(achieved_);
  stats_->execution_error_bins.publish(error_);
}

void Worker::on_send_batch(const schema::Batch& batch,
                           services::ResponseWriter<services::WorkerRpc::SendBatch>& response) {
  const std::int64_t now = clock_->now_ns();
  const auto* requests = batch.requests();
  const int size = requests == nullptr ? 0 : static_cast<int>(requests->size());
  const bool room = batch_count_ < static_cast<int>(batches_.size()) &&
                    record_count_ + static_cast<std::size_t>(size) <= records_.size();
  // A draining Worker still takes a batch its Frontend sent before it learned of the drain.
  const bool accept =
      state_ != WorkerState::kOff && state_ != WorkerState::kWarming && room && size <= model_.max_batch();
  if (accept) {
    dispatch_hop_.record(now - batch.cut_ns());
    QueuedBatch& queued = batches_[(batch_head_ + static_cast<std::size_t>(batch_count_)) % batches_.size()];
    queued.batch_id = batch.batch_id();
    queued.first = (record_head_ + record_count_) % records_.size();
    queued.size = size;
    queued.trigger = batch.trigger();
    for (int i = 0; i < size; ++i) {
      RequestRecord& record = records_[(queued.first + static_cast<std::size_t>(i)) % records_.size()];
      copy_request(*requests->Get(static_cast<flatbuffers::uoffset_t>(i)), settings_.stage_count, record);
    }
    record_count_ += static_cast<std::size_t>(size);
    ++batch_count_;
    stats_->queued_batches.set(batch_count_);
  } else {
    // Refused: the Frontend reports these requests (it still knows them); the Worker counts.
    stats_->refused_batches.add(1);
  }
  const std::uint64_t batch_id = batch.batch_id();
  const std::uint64_t worker_id = settings_.worker_id;
  const auto queue_length = static_cast<std::uint32_t>(batch_count_);
  const std::int64_t busy_until = busy_until_ns(now);
  (void)response.reply([&](flatbuffers::FlatBufferBuilder& builder) {
    return schema::CreateBatchResponse(builder, batch_id, worker_id, accept, queue_length, busy_until, now,
                                       downstream_backlog(now));
  });
}

void Worker::on_send_order(const schema::Order& order,
                           services::ResponseWriter<services::WorkerRpc::SendOrder>& response) {
  const std::int64_t now = clock_->now_ns();
  bool accepted = true;
  last_order_id_ = order.order_id();
  if (order.kind() == schema::OrderKind::Start) {
    if (state_ == WorkerState::kOff) {
      warm_at_ns_ = now + settings_.warmup_ns;
      enter(settings_.warmup_ns > 0 ? WorkerState::kWarming : WorkerState::kActive, now, order.order_id());
    } else if (state_ == WorkerState::kDraining) {
      accepted = false;  // not restarted until it reports off
    }
  } else if (order.kind() == schema::OrderKind::Stop) {
    if (state_ == WorkerState::kWarming) {
      enter(WorkerState::kOff, now, order.order_id());
    } else if (state_ == WorkerState::kActive) {
      enter(running_ || batch_count_ > 0 ? WorkerState::kDraining : WorkerState::kOff, now, order.order_id());
    }
  } else {
    accepted = false;
  }
  const std::uint64_t order_id = order.order_id();
  const std::uint64_t worker_id = settings_.worker_id;
  const schema::WorkerState state = to_wire(state_);
  (void)response.reply([&](flatbuffers::FlatBufferBuilder& builder) {
    return schema::CreateOrderResponse(builder, order_id, worker_id, accepted, state);
  });
}

void Worker::start_next_batch(std::int64_t now_ns) {
  const QueuedBatch& batch = batches_[batch_head_];
  running_ = true;
  started_ns_ = now_ns;
  drawn_ns_ = model_.draw_ns(std::max(1, batch.size));  // drawn first: a slow fault leaves the stream as it is
  if (time_factor_ != nullptr) {
    const std::uint32_t factor = time_factor_->get();
    if (factor >= kMinModelTimeFactorMilli && factor <= kMaxModelTimeFactorMilli && factor != kModelTimeFactorOne) {
      drawn_ns_ = static_cast<std::int64_t>(static_cast<double>(drawn_ns_) * factor / kModelTimeFactorOne);
    }
  }
  finish_ns_ = now_ns + drawn_ns_;
}

void Worker::finish_batch(std::int64_t now_ns) {
  const QueuedBatch batch = batches_[batch_head_];
  drawn_.record(drawn_ns_);
  achieved_.record(now_ns - started_ns_);
  error_.record(now_ns - finish_ns_);
  for (int i = 0; i < batch.size; ++i) {
    RequestRecord& record = records_[(batch.first + static_cast<std::size_t>(i)) % records_.size()];
    schema::StageVisit& visit = record.visit(settings_.stage);
    visit.mutable_timestamps().mutate_started_ns(started_ns_);
    visit.mutable_timestamps().mutate_finished_ns(now_ns);
    visit.mutate_worker_id(settings_.worker_id);
    forward(record, now_ns);
  }
  record_head_ = (record_head_ + static_cast<std::size_t>(batch.size)) % records_.size();
  record_count_ -= static_cast<std::size_t>(batch.size);
  batch_head_ = (batch_head_ + 1) % batches_.size();
  --batch_count_;
  running_ = false;
  stats_->batches.add(1);
  stats_->requests.add(static_cast<std::uint64_t>(batch.size));
  stats_->busy_ns.add(now_ns - started_ns_);
  if (timeline_ != nullptr) {
    timeline_->append({started_ns_, now_ns, batch.batch_id, static_cast<std::uint32_t>(batch.size),
                       WorkerSpanKind::kBatch, static_cast<std::uint8_t>(batch.trigger)});
  }
  stats_->queued_batches.set(batch_count_);
  send_queue_information(now_ns);
}

void Worker::forward(RequestRecord& record, std::int64_t now_ns) {
  const std::uint64_t id = record.request_id;
  const std::uint64_t client_id = record.client_id;
  const std::uint16_t stage = settings_.stage;
  if (next_stage_ == nullptr) {
    const Outcome done{schema::Outcome::Completed, stage, schema::DropReason::None, 0, now_ns};
    const ipc::StatusCode status = client_->send_request_async(
        [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record, done); },
        now_ns + settings_.rpc_timeout_ns,
        [this](ipc::StatusCode code, const schema::Response* /*response*/) {
          if (code != ipc::StatusCode::kOk) stats_->forward_failures.add(1);  // the Client counts it as lost
        });
    if (status != ipc::StatusCode::kOk) stats_->forward_failures.add(1);
    return;
  }
  record.stage = static_cast<std::uint16_t>(stage + 1);
  const ipc::StatusCode status = next_stage_->send_request_async(
      [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record); },
      now_ns + settings_.rpc_timeout_ns,
      [this, id, client_id, stage](ipc::StatusCode code, const schema::Response* response) {
        const std::int64_t now = clock_->now_ns();
        if (code == ipc::StatusCode::kDeadlineExceeded) {
          // In the next Frontend's ring: it may yet take the request (its outcome then comes
          // back), or the Client's drain counts it failed; reported here, it could end twice.
          stats_->forward_failures.add(1);
        } else if (code != ipc::StatusCode::kOk) {
          stats_->forward_failures.add(1);
          report_to_client(id, client_id,
                           Outcome{schema::Outcome::Failed, static_cast<std::uint16_t>(stage + 1),
                                   schema::DropReason::None, static_cast<std::uint16_t>(code), now});
        } else if (response->accepted()) {
          // The next stage's backlog, passed on to this stage's Frontend with the next report.
          downstream_backlog_ns_ = bounded_backlog_ns(response->backlog_ns());
          downstream_heard_ns_ = now;
        } else {
          report_to_client(
              id, client_id,
              Outcome{schema::Outcome::Dropped, static_cast<std::uint16_t>(stage + 1), response->reason(), 0, now});
        }
      });
  if (status != ipc::StatusCode::kOk) {
    stats_->forward_failures.add(1);
    report_to_client(id, client_id,
                     Outcome{schema::Outcome::Failed, static_cast<std::uint16_t>(stage + 1), schema::DropReason::None,
                             static_cast<std::uint16_t>(status), now_ns});
  }
}

void Worker::report_to_client(std::uint64_t request_id, std::uint64_t client_id, const Outcome& outcome) {
  (void)client_->send_request_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        return build_outcome_only(builder, request_id, client_id, outcome);
      },
      outcome.ended_ns + settings_.rpc_timeout_ns, {});
}

void Worker::send_queue_information(std::int64_t now_ns) {
  const std::uint64_t id = settings_.worker_id;
  const std::uint16_t stage = settings_.stage;
  const auto waiting = static_cast<std::uint32_t>(batch_count_);
  const auto requests = static_cast<std::uint32_t>(queued_requests());
  const std::int64_t busy_until = busy_until_ns(now_ns);
  (void)frontend_->send_queue_information_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        return schema::CreateQueueInformation(builder, id, stage, waiting, requests, busy_until, now_ns,
                                              downstream_backlog(now_ns));
      },
      now_ns + settings_.rpc_timeout_ns, {});
}

// The next stage's backlog as last heard, less the time since (wire_state.hpp).
std::int64_t Worker::downstream_backlog(std::int64_t now_ns) const {
  return aged_backlog_ns(downstream_backlog_ns_, downstream_heard_ns_, now_ns);
}

int Worker::queued_requests() const { return static_cast<int>(record_count_); }

// When everything held now will be done: the running batch's end, then each queued one.
std::int64_t Worker::busy_until_ns(std::int64_t now_ns) const {
  std::int64_t until = running_ ? finish_ns_ : now_ns;
  for (int i = running_ ? 1 : 0; i < batch_count_; ++i) {
    until += model_.profile().latency_ns(
        std::max(1, batches_[(batch_head_ + static_cast<std::size_t>(i)) % batches_.size()].size));
  }
  return until;
}

}  // namespace pipescale::roles

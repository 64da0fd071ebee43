#include "roles/client/client.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace pipescale::roles {
namespace {

constexpr std::int64_t kLateSendNs = 1'000'000;
constexpr std::int64_t kNoSendNs = std::numeric_limits<std::int64_t>::max();  // the trace has ended

std::size_t reason_index(schema::DropReason reason) {
  const auto index = static_cast<std::size_t>(reason);
  return index < kDropReasonCount ? index : 0;
}

std::size_t stage_index(std::uint16_t stage) { return std::min<std::size_t>(stage, kMaxStages - 1); }

}  // namespace

Client::Client(const Clock& clock, const ClientSettings& settings, RequestSource source,
               services::FrontendStub& first_stage, ClientStats& stats)
    : clock_(&clock),
      settings_(settings),
      source_(std::move(source)),
      first_stage_(&first_stage),
      stats_(&stats),
      hops_(kHopKindCount),
      queueing_(settings.stage_count),
      dispatch_(settings.stage_count),
      execution_(settings.stage_count) {
  row_capacity_ = stats.row_capacity.get();
  returned_ids_.reserve(settings.expected_requests);
  if (settings.closed_users > 0) {
    users_.emplace(settings.closed_users, settings.think_mean_ns, settings.think_seed, settings.expected_requests);
  }
}

void Client::start(std::int64_t start_ns, std::int64_t end_ns) {
  start_ns_ = start_ns;
  end_ns_ = end_ns;
  started_ = true;
  rows_.start(start_ns);
  if (users_) {
    users_->start(start_ns);
    sending_ = start_ns < end_ns;
    next_send_ns_ = users_->next_ready_ns();
    if (!sending_) sending_ended_ns_ = start_ns;
    return;
  }
  // The run lasts until end_ns whatever the trace: when it ends sooner, nothing more is sent (a
  // rate trace's final rate holds, and that final rate is 0 once its arrivals have run out).
  const auto first = source_.next_ns();
  sending_ = start_ns < end_ns;
  next_send_ns_ = first.has_value() ? start_ns + *first : kNoSendNs;
  if (!sending_) sending_ended_ns_ = start_ns;
}

void Client::stop_sending(std::int64_t now_ns) {
  if (!sending_) return;
  sending_ = false;
  sending_ended_ns_ = now_ns;
}

std::size_t Client::do_work(std::int64_t now_ns) {
  if (!started_ || finished_) return 0;
  close_rows(now_ns);
  int sends = 0;
  while (sending_ && next_send_ns_ <= now_ns && next_send_ns_ < end_ns_ && sends < settings_.max_sends_per_step) {
    ++sends;
    if (users_) {
      send_by_user(now_ns);
    } else {
      send_one(next_send_ns_, next_send_ns_, now_ns);
      advance_open(now_ns);
    }
  }
  // The trace may end with a stretch of rate 0: sending is over at end_ns either way.
  if (sending_ && now_ns >= end_ns_) {
    sending_ = false;
    sending_ended_ns_ = now_ns;
  }
  return static_cast<std::size_t>(sends);
}

void Client::advance_open(std::int64_t /*now_ns*/) {
  const auto next = source_.next_ns();
  // A trace that has ended sends nothing more; sending still ends at end_ns (do_work).
  next_send_ns_ = next.has_value() ? start_ns_ + *next : kNoSendNs;
}

// The next ready user sends now; latency is measured from this actual send.
void Client::send_by_user(std::int64_t now_ns) {
  const std::int64_t ready_ns = next_send_ns_;
  users_->send_next(next_id_);  // first: a send that fails at once returns the id to its user
  send_one(now_ns, ready_ns, now_ns);
  next_send_ns_ = users_->next_ready_ns();
}

std::int64_t Client::next_timer_ns() const {
  if (!started_ || finished_) return 0;
  const std::int64_t row_end = rows_.current_end_ns();
  if (sending_) return std::min({next_send_ns_, row_end, end_ns_});
  return std::min(row_end, sending_ended_ns_ + settings_.drain_timeout_ns);
}

bool Client::finished(std::int64_t now_ns) const {
  if (!started_) return false;
  if (finished_) return true;
  if (sending_) return false;
  return outstanding() == 0 || now_ns >= sending_ended_ns_ + settings_.drain_timeout_ns;
}

void Client::send_one(std::int64_t intended_ns, std::int64_t scheduled_ns, std::int64_t now_ns) {
  const std::uint64_t id = next_id_++;
  returned_ids_.push_back(0);
  if (first_counted_id_ == UINT64_MAX && intended_ns >= start_ns_ + settings_.warmup_ns) first_counted_id_ = id;
  if (counted(id)) {
    stats_->sent.add(1);
    ++counted_sent_;
  }
  stats_->outstanding.set(static_cast<std::int64_t>(outstanding()));
  if (ClientRow* row = row_at(intended_ns)) row->offered.add(1);
  const std::int64_t lag = now_ns - scheduled_ns;
  send_lag_.record(lag);
  if (lag > kLateSendNs) stats_->late_sends.add(1);
  log_.sent(id, intended_ns, now_ns, counted(id), source_.tokens(id));

  RequestRecord record;
  record.request_id = id;
  record.client_id = settings_.client_id;
  record.intended_send_ns = intended_ns;
  record.actual_send_ns = now_ns;
  record.deadline_ns = intended_ns + settings_.slo_ns;
  record.stage = 0;
  record.stage_count = settings_.stage_count;
  const ipc::StatusCode status = first_stage_->send_request_async(
      [&record](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record); },
      now_ns + settings_.rpc_timeout_ns,
      [this, id](ipc::StatusCode code, const schema::Response* response) {
        // A call that timed out is in the Frontend's ring: it may yet take the request, whose
        // outcome then comes back; if it does not, the drain counts it failed. Not here: twice.
        if (code == ipc::StatusCode::kDeadlineExceeded) return;
        if (code != ipc::StatusCode::kOk) {
          on_first_hop_failed(id, code);
        } else if (!response->accepted()) {
          on_first_hop_refused(id, response->reason());
        }
      });
  if (status != ipc::StatusCode::kOk) on_first_hop_failed(id, status);
}

bool Client::take(std::uint64_t request_id) {
  if (finished_) return false;  // finish() counted every outstanding request already
  if (request_id >= next_id_ || returned_ids_[request_id] != 0) {
    stats_->unknown_returns.add(1);
    return false;
  }
  returned_ids_[request_id] = 1;
  ++returned_;
  if (users_ && sending_) {
    users_->returned(request_id, clock_->now_ns());
    next_send_ns_ = std::min(next_send_ns_, users_->next_ready_ns());
  }
  if (counted(request_id)) ++counted_returned_;
  stats_->outstanding.set(static_cast<std::int64_t>(outstanding()));
  return true;
}

// The first hop failed: the request never entered the pipeline.
void Client::on_first_hop_failed(std::uint64_t request_id, ipc::StatusCode status) {
  if (!take(request_id)) return;
  const std::int64_t now = clock_->now_ns();
  account_failed(request_id, 0, now);
  log_.returned_bare(
      request_id, {schema::Outcome::Failed, 0, schema::DropReason::None, static_cast<std::uint16_t>(status), now}, now);
}

void Client::on_first_hop_refused(std::uint64_t request_id, schema::DropReason reason) {
  if (!take(request_id)) return;
  const std::int64_t now = clock_->now_ns();
  account_dropped(request_id, 0, reason, now);
  log_.returned_bare(request_id, {schema::Outcome::Dropped, 0, reason, 0, now}, now);
}

void Client::on_send_request(const schema::Request& request,
                             services::ResponseWriter<services::ClientRpc::SendRequest>& response) {
  const std::int64_t now = clock_->now_ns();
  close_rows(now);
  if (take(request.request_id())) {
    switch (request.outcome()) {
      case schema::Outcome::Completed: account_completed(request, now); break;
      case schema::Outcome::Dropped:
        account_dropped(request.request_id(), request.outcome_stage(), request.drop_reason(), now);
        break;
      default:  // Failed, or a request returned while still in flight: the pipeline lost it
        account_failed(request.request_id(), request.outcome_stage(), now);
        break;
    }
    record_stamps(request, now);
    log_.returned(request, now);
    if (request.outcome() != schema::Outcome::Completed) record_waste(request);
  }
  const std::uint64_t id = request.request_id();
  (void)response.reply([id](flatbuffers::FlatBufferBuilder& builder) {
    return schema::CreateResponse(builder, id, true, schema::DropReason::None);
  });
}

void Client::account_completed(const schema::Request& request, std::int64_t now_ns) {
  const std::int64_t latency = now_ns - request.intended_send_ns();
  const bool within = latency <= settings_.slo_ns;
  if (counted(request.request_id())) {
    stats_->completed.add(1);
    if (within) stats_->within_slo.add(1);
    latency_.record(latency);
  }
  row_latency_.record(latency);
  if (ClientRow* row = row_at(now_ns)) {
    row->completed.add(1);
    if (within) row->within_slo.add(1);
  }
}

void Client::account_dropped(std::uint64_t request_id, std::uint16_t stage, schema::DropReason reason,
                             std::int64_t now_ns) {
  if (counted(request_id)) {
    stats_->dropped.add(1);
    stats_->drops[stage_index(stage)][reason_index(reason)].add(1);
  }
  if (ClientRow* row = row_at(now_ns)) row->dropped.add(1);
}

void Client::account_failed(std::uint64_t request_id, std::uint16_t stage, std::int64_t now_ns) {
  if (counted(request_id)) {
    stats_->failed.add(1);
    stats_->failures[stage_index(stage)].add(1);
  }
  if (ClientRow* row = row_at(now_ns)) row->failed.add(1);
}

// The Worker time a request that did not complete had cost each stage it was processed in.
void Client::record_waste(const schema::Request& request) {
  const auto* visits = request.stages();
  if (visits == nullptr) return;
  const std::uint32_t n = std::min<std::uint32_t>(visits->size(), settings_.stage_count);
  for (std::uint32_t s = 0; s < n; ++s) {
    const schema::StageVisit& visit = *visits->Get(s);
    const schema::StageTimestamps& t = visit.timestamps();
    if (t.started_ns() == 0 || t.finished_ns() < t.started_ns() || visit.batch_size() == 0) continue;
    stats_->wasted_ns[s].add((t.finished_ns() - t.started_ns()) / static_cast<std::int64_t>(visit.batch_size()));
  }
}

// Every hop and stage part whose two stamps the request carries.
void Client::record_stamps(const schema::Request& request, std::int64_t now_ns) {
  const auto* visits = request.stages();
  if (visits == nullptr) return;
  const std::uint32_t n = std::min<std::uint32_t>(visits->size(), settings_.stage_count);
  auto hop = [this](HopKind kind, std::int64_t from, std::int64_t to) {
    if (from == 0 || to == 0) return;
    hops_[static_cast<std::size_t>(kind)].record(to - from);
    all_hops_.record(to - from);
  };
  if (n > 0) hop(HopKind::kClientToFrontend, request.actual_send_ns(), visits->Get(0)->timestamps().arrived_ns());
  for (std::uint32_t s = 0; s < n; ++s) {
    const schema::StageTimestamps& t = visits->Get(s)->timestamps();
    if (t.arrived_ns() != 0 && t.batched_ns() != 0) queueing_[s].record(t.batched_ns() - t.arrived_ns());
    if (t.batched_ns() != 0 && t.started_ns() != 0) dispatch_[s].record(t.started_ns() - t.batched_ns());
    if (t.started_ns() != 0 && t.finished_ns() != 0) execution_[s].record(t.finished_ns() - t.started_ns());
    if (s + 1 < n) hop(HopKind::kWorkerToFrontend, t.finished_ns(), visits->Get(s + 1)->timestamps().arrived_ns());
  }
  if (request.outcome() == schema::Outcome::Completed && n > 0) {
    hop(HopKind::kWorkerToClient, visits->Get(n - 1)->timestamps().finished_ns(), now_ns);
  } else if (request.outcome() == schema::Outcome::Dropped) {
    hop(HopKind::kDropToClient, request.ended_ns(), now_ns);
  }
}

// The row's latency percentiles, and the row published.
void Client::seal_row(ClientRow& row, std::uint32_t index) {
  const LatencySummary s = row_latency_.summary();
  row.p50_ns.set(s.p50_ns);
  row.p90_ns.set(s.p90_ns);
  row.p99_ns.set(s.p99_ns);
  row.max_ns.set(s.max_ns);
  stats_->rows_published.set(index + 1);
}

void Client::close_rows(std::int64_t now_ns) {
  rows_.close(
      stats_->rows(row_capacity_), now_ns, [this](ClientRow& row, std::uint32_t index) { seal_row(row, index); },
      [this] {
        row_latency_.reset();
        publish_summaries();
      });
}

void Client::publish_summaries() {
  stats_->latency.publish(latency_);
  stats_->send_lag.publish(send_lag_);
  for (std::size_t k = 0; k < kHopKindCount; ++k) stats_->hops[k].publish(hops_[k]);
  for (std::size_t s = 0; s < queueing_.size(); ++s) {
    stats_->stages[s].queueing.publish(queueing_[s]);
    stats_->stages[s].dispatch.publish(dispatch_[s]);
    stats_->stages[s].execution.publish(execution_[s]);
  }
  stats_->latency_bins.publish(latency_);
  stats_->hop_bins.publish(all_hops_);
}

void Client::finish(std::int64_t now_ns) {
  if (finished_) return;
  sending_ = false;
  close_rows(now_ns);
  log_.finish(now_ns);
  const std::uint64_t lost = outstanding();
  if (lost != 0) {
    const std::uint64_t lost_counted = counted_sent_ - counted_returned_;
    stats_->failed.add(lost_counted);
    stats_->failures_unreturned.add(lost_counted);
    if (ClientRow* row = row_at(now_ns)) row->failed.add(lost);
    returned_ = next_id_;
    stats_->outstanding.set(0);
  }
  rows_.seal_current(stats_->rows(row_capacity_),
                     [this](ClientRow& row, std::uint32_t index) { seal_row(row, index); });
  publish_summaries();
  finished_ = true;
}

}  // namespace pipescale::roles

#include "roles/frontend/frontend.hpp"

#include <algorithm>
#include <utility>

#include "roles/common/wire_state.hpp"

namespace pipescale::roles {
namespace {

constexpr auto kFailedPrecondition = static_cast<std::uint16_t>(ipc::StatusCode::kFailedPrecondition);

std::size_t reason_index(schema::DropReason reason) {
  const auto index = static_cast<std::size_t>(reason);
  return index < kDropReasonCount ? index : 0;
}

}  // namespace

Frontend::Frontend(const Clock& clock, const FrontendSettings& settings, LatencyProfile profile,
                   std::vector<services::WorkerStub*> workers, std::vector<std::uint64_t> worker_ids,
                   services::ClientStub& client, services::SchedulerStub& scheduler, FrontendStats& stats)
    : clock_(&clock),
      settings_(settings),
      profile_(std::move(profile)),
      links_(workers.size()),
      views_(workers.size()),
      scratch_views_(workers.size()),
      free_at_(),
      client_(&client),
      scheduler_(&scheduler),
      stats_(&stats),
      queue_(static_cast<std::size_t>(std::max(1, settings.queue_capacity))),
      in_flight_(workers.size() * static_cast<std::size_t>(settings.max_batches_per_worker + 2)),
      target_batch_(std::clamp(settings.initial_batch_size, 1, profile_.max_batch())),
      target_workers_(std::clamp(settings.initial_workers, 0, static_cast<int>(workers.size()))) {
  row_capacity_ = stats.row_capacity.get();
  make_policies();
  for (std::size_t i = 0; i < workers.size(); ++i) {
    links_[i].stub = workers[i];
    links_[i].id = i < worker_ids.size() ? worker_ids[i] : i + 1;
  }
  for (InFlightBatch& batch : in_flight_) {
    batch.request_ids.reserve(static_cast<std::size_t>(profile_.max_batch()));
    batch.client_ids.reserve(static_cast<std::size_t>(profile_.max_batch()));
    batch.records.reserve(static_cast<std::size_t>(profile_.max_batch()));
  }
  free_at_.reserve(workers.size());
  worker_plan_.to_start.reserve(workers.size());
  worker_plan_.to_stop.reserve(workers.size());
  offsets_.reserve(static_cast<std::size_t>(profile_.max_batch()));
  publish_gauges();
}

int Frontend::count_workers(WorkerState state) const {
  return static_cast<int>(
      std::count_if(views_.begin(), views_.end(), [state](const WorkerView& view) { return view.state == state; }));
}

void Frontend::prepare(std::int64_t now_ns) {
  plan(now_ns);
  next_report_ns_ = now_ns + settings_.report_interval_ns;
  window_start_ns_ = now_ns;
}

bool Frontend::ready() const {
  int alive = 0;
  for (const WorkerLink& link : links_) alive += link.dead ? 0 : 1;
  return count_workers(WorkerState::kActive) >= std::min(settings_.initial_workers, alive);
}

void Frontend::start(std::int64_t start_ns) { rows_.start(start_ns); }

void Frontend::pop_front() {
  queue_head_ = (queue_head_ + 1) % queue_.size();
  --queue_count_;
}

void Frontend::collect_free_times(std::int64_t now_ns) {
  free_at_.clear();
  for (std::size_t i = 0; i < views_.size(); ++i) {
    if (links_[i].dead || views_[i].state != WorkerState::kActive) continue;
    free_at_.push_back(std::max(now_ns, views_[i].busy_until_ns));
  }
  std::sort(free_at_.begin(), free_at_.end());
}

std::int64_t Frontend::estimated_finish(std::size_t position, std::size_t length, std::int64_t now_ns) const {
  return estimate_finish_ns(now_ns, position, length, batch_in_force(), free_at_, profile_);
}

// The stage's drop policy (frontend_policy.hpp): by default, whether its estimated completion,
// with what lies ahead of it here and after this stage, misses its deadline.
bool Frontend::hopeless(const RequestRecord& record, std::int64_t finish_ns, std::int64_t now_ns) const {
  return drop_->should_drop({now_ns, finish_ns, record.deadline_ns, downstream_backlog(now_ns), measured_hops_ns()});
}

// The first moment the head's drop rule can hold with nothing but time passing. Its Workers' free
// times are fixed until they report, and an aging backlog shrinks as fast as time grows, so
// t + downstream(t) stays put until the backlog is spent: what time alone changes is now + L(1) +
// path passing the deadline, the same moment for every policy that drops.
std::int64_t Frontend::head_hopeless_at() const {
  return queued_const(0).deadline_ns - profile_.fastest_ns() - path().total_ns() + 1;
}

DeadlinePath Frontend::path() const {
  DeadlinePath measured = settings_.path;
  measured.overhead_ns += measured_hops_ns();
  return measured;
}

std::int64_t Frontend::measured_hops_ns() const {
  return hops_to_client(settings_.stage, settings_.stage_count) * hop_cost_.median_ns();
}

std::int64_t Frontend::downstream_backlog(std::int64_t now_ns) const {
  return aged_backlog_ns(downstream_backlog_ns_, downstream_sampled_ns_, now_ns);
}

void Frontend::note_downstream_backlog(std::int64_t backlog_ns, std::int64_t sampled_ns) {
  if (sampled_ns < downstream_sampled_ns_) return;
  downstream_sampled_ns_ = sampled_ns;
  downstream_backlog_ns_ = bounded_backlog_ns(backlog_ns);
}

void Frontend::drop(RequestRecord& record, schema::DropReason reason, std::int64_t now_ns) {
  stats_->drops[reason_index(reason)].add(1);
  ++window_drops_;
  if (FrontendRow* row = row_at(now_ns)) row->dropped.add(1);
  const Outcome outcome{schema::Outcome::Dropped, settings_.stage, reason, 0, now_ns};
  (void)client_->send_request_async(
      [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record, outcome); },
      now_ns + settings_.rpc_timeout_ns, {});
}

void Frontend::on_send_request(const schema::Request& request,
                               services::ResponseWriter<services::FrontendRpc::SendRequest>& response) {
  const std::int64_t now = clock_->now_ns();
  const std::uint64_t id = request.request_id();
  stats_->arrivals.add(1);
  ++window_arrivals_;
  FrontendRow* row = row_at(now);
  if (row != nullptr) row->arrivals.add(1);
  if (queue_count_ == queue_.size()) {
    stats_->drops[reason_index(schema::DropReason::QueueFull)].add(1);
    ++window_drops_;
    if (row != nullptr) row->dropped.add(1);
    (void)response.reply([id](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateResponse(builder, id, false, schema::DropReason::QueueFull);
    });
    return;
  }
  RequestRecord& record = queue_[(queue_head_ + queue_count_) % queue_.size()];
  copy_request(request, settings_.stage_count, record);
  record.stage = settings_.stage;
  record.visit(settings_.stage) = schema::StageVisit{};
  record.visit(settings_.stage).mutable_timestamps().mutate_arrived_ns(now);
  hop_cost_.add(now - (settings_.stage == 0
                           ? record.actual_send_ns
                           : record.visit(static_cast<std::uint16_t>(settings_.stage - 1)).timestamps().finished_ns()));
  stats_->hop_cost_ns.set(hop_cost_.median_ns());
  // Where it would stand at the tail, and so what a request arriving now faces from here on.
  collect_free_times(now);
  const std::int64_t finish = estimated_finish(queue_count_, queue_count_ + 1, now);
  const std::int64_t backlog =
      std::max<std::int64_t>(0, finish - now - profile_.fastest_ns()) + downstream_backlog(now);
  (void)response.reply([id, backlog](flatbuffers::FlatBufferBuilder& builder) {
    return schema::CreateResponse(builder, id, true, schema::DropReason::None, backlog);
  });
  if (hopeless(record, finish, now)) {
    drop(record,
         now > record.deadline_ns ? schema::DropReason::DeadlineExpired : schema::DropReason::DeadlineUnreachable, now);
    return;
  }
  ++queue_count_;
  // The queue only grows here: its longest length in a second is seen at an arrival.
  if (row != nullptr && static_cast<std::int64_t>(queue_count_) > row->queue_max.get()) {
    row->queue_max.set(static_cast<std::int64_t>(queue_count_));
  }
  next_timer_ns_ = now;  // decide at the next step
}

void Frontend::drop_hopeless_head(std::int64_t now_ns) {
  // The head leaves in the first batch. A full one (B or more queued) is cut at once at size B, so
  // it ends L(B) after the Worker free soonest; a partial one is cut by the deadline rule in time
  // for the head if any batch can be, so the head is hopeless only if even alone it would end too
  // late. (A request further back was weighed at its arrival, with what was ahead of it.)
  collect_free_times(now_ns);
  while (queue_count_ > 0 &&
         hopeless(
             queued(0),
             estimated_finish(0, queue_count_ >= static_cast<std::size_t>(batch_in_force()) ? queue_count_ : 1, now_ns),
             now_ns)) {
    RequestRecord& head = queued(0);
    drop(head,
         now_ns > head.deadline_ns ? schema::DropReason::DeadlineExpired : schema::DropReason::DeadlineUnreachable,
         now_ns);
    pop_front();
  }
}

std::size_t Frontend::do_work(std::int64_t now_ns) {
  std::size_t work = 0;
  close_rows(now_ns);
  if (plan_due_) {
    plan(now_ns);
    ++work;
  }
  if (next_report_ns_ != 0 && now_ns >= next_report_ns_) {
    report(now_ns);
    ++work;
  }
  work += cut_batches(now_ns);
  publish_gauges();
  return work;
}

// Drops first, then cuts, as long as a cut is due and a Worker has room; then sets the timer.
std::size_t Frontend::cut_batches(std::int64_t now_ns) {
  std::size_t work = 0;
  std::int64_t recheck = BatchCut::kNever;
  for (;;) {
    const std::size_t before = queue_count_;
    drop_hopeless_head(now_ns);
    work += before - queue_count_;
    if (queue_count_ == 0) break;
    // The Worker the batch would go to, and when it can start it: a batch cut for a busy Worker
    // waits in its queue, so the cut is decided as of that moment, not as of now.
    const std::ptrdiff_t worker = pick_worker(now_ns);
    const std::int64_t start_ns =
        worker < 0 ? now_ns : std::max(now_ns, views_[static_cast<std::size_t>(worker)].busy_until_ns);
    // The stage's own deadline for the oldest request: what is left once the later stages' budgets
    // are set aside (they batch too). Drops above still use the end-to-end path: a drop is for a
    // request that cannot make it at all.
    RequestRecord& head = queued(0);
    const std::int64_t head_arrived_ns = head.visit(settings_.stage).timestamps().arrived_ns();
    const int in_force = batch_in_force();
    const BatchCut cut = batching_->decide({now_ns, start_ns, static_cast<int>(queue_count_), in_force, head_arrived_ns,
                                            head.deadline_ns - settings_.later_budgets_ns});
    if (cut.batch_size == 0) {
      // recheck_at is the latest start itself: waiting until then is fine once the Worker is free.
      recheck = cut.recheck_at_ns == BatchCut::kNever ? cut.recheck_at_ns : std::max(now_ns + 1, cut.recheck_at_ns);
      break;
    }
    if (worker < 0) {
      // Every Worker is full or off: wait for one to report room, or for the head to turn hopeless.
      recheck = drop_->drops() ? std::max(now_ns + 1, head_hopeless_at()) : BatchCut::kNever;
      break;
    }
    const auto trigger =
        static_cast<int>(queue_count_) >= in_force ? schema::BatchTrigger::Full : schema::BatchTrigger::Deadline;
    const auto chosen = static_cast<std::size_t>(worker);
    batching_->on_batch_cut(cut.batch_size, profile_.latency_ns(cut.batch_size));
    dispatch_->on_dispatched(chosen);
    dispatch(chosen, cut.batch_size, trigger, now_ns);
    ++work;
  }
  std::int64_t timer = recheck == BatchCut::kNever ? 0 : recheck;
  if (next_report_ns_ != 0) timer = timer == 0 ? next_report_ns_ : std::min(timer, next_report_ns_);
  if (rows_.started()) {
    const std::int64_t row_end = rows_.current_end_ns();
    timer = timer == 0 ? row_end : std::min(timer, row_end);
  }
  next_timer_ns_ = timer;
  return work;
}

// The dispatch policy's choice among the active Workers with room for another batch; -1 if none.
std::ptrdiff_t Frontend::pick_worker(std::int64_t now_ns) {
  for (std::size_t i = 0; i < views_.size(); ++i) {
    scratch_views_[i] = views_[i];
    if (links_[i].dead || views_[i].queue_length >= settings_.max_batches_per_worker ||
        links_[i].unanswered >= settings_.max_batches_per_worker) {
      scratch_views_[i].state = WorkerState::kOff;
    }
  }
  const auto chosen = dispatch_->pick(scratch_views_, now_ns);
  return chosen.has_value() ? static_cast<std::ptrdiff_t>(*chosen) : -1;
}

void Frontend::dispatch(std::size_t worker, int count, schema::BatchTrigger trigger, std::int64_t now_ns) {
  // A slot to remember the batch by; there is always one (each Worker holds a bounded number).
  std::size_t slot = 0;
  while (slot < in_flight_.size() && in_flight_[slot].used) ++slot;
  if (slot == in_flight_.size()) {
    in_flight_.emplace_back();  // not reached with the bound above; stays correct if it is
    in_flight_.back().request_ids.reserve(static_cast<std::size_t>(profile_.max_batch()));
  }
  InFlightBatch& batch = in_flight_[slot];
  batch.used = true;
  batch.batch_id = (std::uint64_t{settings_.stage} + 1) << 48 | next_batch_id_++;
  batch.worker = worker;
  batch.request_ids.clear();
  batch.client_ids.clear();
  batch.records.clear();

  const std::uint64_t batch_id = batch.batch_id;
  const auto target = static_cast<std::uint32_t>(batch_in_force());
  const std::uint16_t stage = settings_.stage;
  const ipc::StatusCode status = links_[worker].stub->send_batch_async(
      [&](flatbuffers::FlatBufferBuilder& builder) {
        offsets_.clear();
        for (int i = 0; i < count; ++i) {
          RequestRecord& record = queued(static_cast<std::size_t>(i));
          schema::StageVisit& visit = record.visit(stage);
          visit.mutable_timestamps().mutate_batched_ns(now_ns);
          visit.mutate_batch_id(batch_id);
          visit.mutate_batch_size(static_cast<std::uint32_t>(count));
          offsets_.push_back(build_request(builder, record));
          batch.request_ids.push_back(record.request_id);
          batch.client_ids.push_back(record.client_id);
          batch.records.push_back(record);  // to re-dispatch if the Worker is lost before it answers
        }
        const auto requests = builder.CreateVector(offsets_);
        return schema::CreateBatch(builder, batch_id, stage, trigger, target, now_ns, requests);
      },
      now_ns + settings_.rpc_timeout_ns,
      [this, slot](ipc::StatusCode code, const schema::BatchResponse* response) {
        on_batch_answered(slot, code, response);
      });
  for (int i = 0; i < count; ++i) pop_front();

  stats_->batches.add(1);
  stats_->batched_requests.add(static_cast<std::uint64_t>(count));
  stats_->batch_triggers[static_cast<std::size_t>(trigger) & 3U].add(1);
  if (FrontendRow* row = row_at(now_ns)) {
    row->batches.add(1);
    row->batched_requests.add(static_cast<std::uint64_t>(count));
  }
  if (timeline_ != nullptr) {
    timeline_->append({now_ns, static_cast<std::int32_t>(queue_count_), batch_in_force(), count,
                       count_workers(WorkerState::kActive)});
  }
  WorkerView& view = views_[worker];
  view.queue_length += 1;
  links_[worker].unanswered += 1;
  view.busy_until_ns = std::max(view.busy_until_ns, now_ns) + profile_.latency_ns(count);
  if (status != ipc::StatusCode::kOk) fail_batch(batch, status, now_ns);
}

void Frontend::on_batch_answered(std::size_t slot, ipc::StatusCode code, const schema::BatchResponse* response) {
  InFlightBatch& batch = in_flight_[slot];
  const std::int64_t now = clock_->now_ns();
  if (code != ipc::StatusCode::kOk) {
    fail_batch(batch, code, now);
    return;
  }
  WorkerView& view = views_[batch.worker];
  if (!response->accepted()) {
    fail_batch(batch, static_cast<ipc::StatusCode>(kFailedPrecondition), now);
  } else {
    batch.used = false;
    links_[batch.worker].unanswered -= 1;
  }
  WorkerLink& link = links_[batch.worker];
  if (response->sampled_ns() >= link.load_sampled_ns) {
    link.load_sampled_ns = response->sampled_ns();
    view.queue_length = static_cast<int>(response->queue_length());
    view.busy_until_ns = response->busy_until_ns();
  }
  note_downstream_backlog(response->downstream_backlog_ns(), response->sampled_ns());
  next_timer_ns_ = now;
}

void Frontend::shutdown(std::int64_t now_ns) {
  while (queue_count_ > 0) {
    drop(queued(0), schema::DropReason::ShuttingDown, now_ns);
    pop_front();
  }
  close_rows(now_ns);
  rows_.seal_current(stats_->rows(row_capacity_),
                     [this](FrontendRow& row, std::uint32_t index) { seal_row(row, index); });
  publish_gauges();
}

}  // namespace pipescale::roles

#pragma once
// A stage's Frontend: queues the requests that enter the stage, drops those that can no longer
// meet their deadline (straight back to the Client, with the reason), cuts batches (the
// Scheduler's batch size reached, or waiting longer would make the oldest request miss its
// deadline, less the later stages' shares of the SLO) and sends each to the least-loaded active
// Worker that has room, turns Workers on and
// off toward the Scheduler's target, and reports the stage's load to the Scheduler. The rules
// themselves are the pure functions of frontend_policy.hpp; this is the agent that applies them.
//
// What it knows of its Workers comes from their messages: state from SendFeedback and the answers
// to its orders, load from SendQueueInformation and the answers to its batches, and between those
// from its own bookkeeping (a batch sent adds L(b) to that Worker's busy-until at once). A Worker
// holds at most `max_batches_per_worker` batches (the running one included): more would hide
// queueing from the drop rule, which only sees the Frontend's queue. Reports can arrive late and
// out of order (over gRPC each call may take its own server thread), so a report that predates
// batches still unanswered can read low: a Worker is also skipped while that many of its batches
// are unanswered, which bounds what it holds to 2 * max_batches_per_worker - 1 whatever the order.
//
// Nothing is lost: a batch whose SendBatch fails, or that the Worker refuses, has each of its
// requests reported to the Client as failed with the status, except a call that timed out (its
// Worker may yet run it; if not, the Client's drain counts its requests failed). A Worker that was lost (UNAVAILABLE)
// is sent nothing more until a replacement announces itself (feedback from an off Worker); the
// requests of a batch it had not answered go back to the head of the queue while they can still
// meet their deadline, and fail with UNAVAILABLE otherwise.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/clock/clock.hpp"
#include "roles/common/latency_profile.hpp"
#include "roles/common/record_table.hpp"
#include "roles/common/request_record.hpp"
#include "roles/common/role_stats.hpp"
#include "roles/common/second_rows.hpp"
#include "roles/frontend/batching_policy.hpp"
#include "roles/frontend/dispatch_policy.hpp"
#include "roles/frontend/drop_policy.hpp"
#include "roles/frontend/frontend_policy.hpp"
#include "services/handlers.hpp"
#include "services/stubs.hpp"

namespace pipescale::roles {

struct FrontendSettings {
  std::uint16_t stage = 0;
  std::uint16_t stage_count = 1;
  // What lies between this stage's Workers and the Client. Its overhead_ns is a floor: the
  // Frontend adds hops_to_client() times the hop cost it measures (README.md, "The hop cost").
  DeadlinePath path{};
  // The later stages' shares of the end-to-end SLO (the Scheduler's split, split_slo_ns): a batch
  // is cut in time for its oldest request to leave this stage by deadline - later_budgets_ns, so
  // that batching here does not spend the time the later stages' batching is budgeted.
  std::int64_t later_budgets_ns = 0;
  int initial_batch_size = 1;                       // in force until the Scheduler's first BatchSize
  int initial_workers = 1;                          // started by prepare(); ready() once this many are active
  std::int64_t report_interval_ns = 1'000'000'000;  // FrontendInformation to the Scheduler
  std::int64_t slack_ns = 1'000'000;                // covers dispatch and timer lateness in the cut rule
  std::int64_t rpc_timeout_ns = 1'000'000'000;
  // Requests beyond are refused (QueueFull). The queue is a ring of fixed-size records walked in
  // order; kept small enough to stay in cache (4096 records touch 1-2 MB).
  int queue_capacity = 4096;
  int max_batches_per_worker = 2;
  // The stage's policies by name (README.md: "Batching", "Dispatch", "The drop rule"); an unknown
  // name falls back to the family's default (the config layer refuses one first).
  std::string batching = "deadline";
  std::string dispatch = "least_loaded";
  std::string drop = "deadline";
  std::int64_t max_queue_delay_ns = 10'000'000;  // "timeout"
  double aimd_backoff = 0.9;                     // "aimd"
  std::int64_t budget_ns = 0;                    // "aimd": this stage's share of the SLO; 0: unknown, never missed
  std::uint64_t dispatch_seed = 1;               // "power_of_two"
};

class Frontend final : public services::FrontendHandler {
 public:
  // workers[i] reaches Worker i of this stage, whose id is worker_ids[i].
  Frontend(const Clock& clock, const FrontendSettings& settings, LatencyProfile profile,
           std::vector<services::WorkerStub*> workers, std::vector<std::uint64_t> worker_ids,
           services::ClientStub& client, services::SchedulerStub& scheduler, FrontendStats& stats);

  // Starts the first Workers (initial_workers); ready() once they report active.
  void prepare(std::int64_t now_ns);
  // A replacement Frontend takes up where its lost predecessor left: the Scheduler's last batch
  // size and Worker count, as that one published them.
  void resume(int batch_size, int target_workers);
  [[nodiscard]] bool ready() const;
  // The run's t = 0, for the per-second rows.
  void start(std::int64_t start_ns);
  // Drops what is queued (ShuttingDown) back to the Client.
  void shutdown(std::int64_t now_ns);
  // Samples its queue and batch size at each cut and report into `timeline` (the run's trace.json).
  void attach_timeline(FrontendTimeline& timeline) { timeline_ = &timeline; }

  std::size_t do_work(std::int64_t now_ns);
  [[nodiscard]] std::int64_t next_timer_ns() const { return next_timer_ns_; }

  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::FrontendRpc::SendRequest>& response) override;
  void on_send_feedback(const schema::Feedback& feedback,
                        services::ResponseWriter<services::FrontendRpc::SendFeedback>& response) override;
  void on_send_queue_information(
      const schema::QueueInformation& information,
      services::ResponseWriter<services::FrontendRpc::SendQueueInformation>& response) override;
  void on_send_batch_size(const schema::BatchSize& batch_size,
                          services::ResponseWriter<services::FrontendRpc::SendBatchSize>& response) override;

  [[nodiscard]] int count_workers(WorkerState state) const;

 private:
  // settings_.path with the measured hops added to its overhead.
  [[nodiscard]] DeadlinePath path() const;
  // The measured part of it alone: hops_to_client() times the hop cost measured so far.
  [[nodiscard]] std::int64_t measured_hops_ns() const;
  struct WorkerLink {
    services::WorkerStub* stub = nullptr;
    std::uint64_t id = 0;
    bool dead = false;
    std::uint64_t last_order_id = 0;
    bool feedback_for_last_order = false;
    std::int64_t last_feedback_ns = 0;
    // The Worker's clock reading of the newest load report applied (a BatchResponse or a
    // QueueInformation). The two travel on different connections and may arrive out of order: an
    // older one must not overwrite a newer one, or a Worker could look full forever.
    std::int64_t load_sampled_ns = 0;
    int unanswered = 0;  // batches sent to it whose answer has not come back
  };
  // A batch sent and not yet answered: the ids of its requests, to report them if it fails.
  struct InFlightBatch {
    bool used = false;
    std::uint64_t batch_id = 0;
    std::size_t worker = 0;
    std::vector<std::uint64_t> request_ids;
    std::vector<std::uint64_t> client_ids;
    std::vector<RequestRecord> records;  // as sent, for a re-dispatch
  };

  [[nodiscard]] RequestRecord& queued(std::size_t i) { return queue_[(queue_head_ + i) % queue_.size()]; }
  [[nodiscard]] const RequestRecord& queued_const(std::size_t i) const {
    return queue_[(queue_head_ + i) % queue_.size()];
  }
  void make_policies();
  // The batch size the batching policy works to, given the Scheduler's.
  [[nodiscard]] int batch_in_force() const { return batching_->batch_size(target_batch_); }
  [[nodiscard]] std::int64_t head_hopeless_at() const;
  void pop_front();
  // The serving Workers' free times, ascending, into free_at_ (for estimate_finish_ns).
  void collect_free_times(std::int64_t now_ns);
  // When the request at `position` of a queue of `length` would leave this stage (free_at_ current).
  [[nodiscard]] std::int64_t estimated_finish(std::size_t position, std::size_t length, std::int64_t now_ns) const;
  [[nodiscard]] bool hopeless(const RequestRecord& record, std::int64_t finish_ns, std::int64_t now_ns) const;
  // A later stage's backlog, as a Worker heard it when it sampled_ns; the newest report wins.
  void note_downstream_backlog(std::int64_t backlog_ns, std::int64_t sampled_ns);
  // The newest report, less the time since it was sampled.
  [[nodiscard]] std::int64_t downstream_backlog(std::int64_t now_ns) const;
  void drop(RequestRecord& record, schema::DropReason reason, std::int64_t now_ns);
  void drop_hopeless_head(std::int64_t now_ns);
  std::size_t cut_batches(std::int64_t now_ns);
  [[nodiscard]] std::ptrdiff_t pick_worker(std::int64_t now_ns);
  void dispatch(std::size_t worker, int count, schema::BatchTrigger trigger, std::int64_t now_ns);
  void on_batch_answered(std::size_t slot, ipc::StatusCode code, const schema::BatchResponse* response);
  void fail_batch(InFlightBatch& batch, ipc::StatusCode status, std::int64_t now_ns);
  // A lost Worker's unanswered batch: request i goes back to the queue's head if it can still meet
  // its deadline there; false: it must fail.
  bool reissue(const RequestRecord& record, std::int64_t now_ns);
  void plan(std::int64_t now_ns);
  void order(std::size_t worker, schema::OrderKind kind, std::int64_t now_ns);
  void report(std::int64_t now_ns);
  void publish_gauges();
  FrontendRow* row_at(std::int64_t t_ns) { return rows_.at(stats_->rows(row_capacity_), t_ns); }
  void seal_row(FrontendRow& row, std::uint32_t index);
  void close_rows(std::int64_t now_ns);

  const Clock* clock_;
  FrontendSettings settings_;
  HopCostEstimate hop_cost_;  // the arriving hop's median cost, from the requests' stamps
  LatencyProfile profile_;
  std::unique_ptr<BatchingPolicy> batching_;
  std::unique_ptr<DispatchPolicy> dispatch_;
  std::unique_ptr<DropPolicy> drop_;
  std::vector<WorkerLink> links_;
  std::vector<WorkerView> views_;
  std::vector<WorkerView> scratch_views_;
  std::vector<std::int64_t> free_at_;  // scratch: serving Workers' free times, ascending
  std::int64_t downstream_backlog_ns_ = 0;
  std::int64_t downstream_sampled_ns_ = 0;
  WorkerPlan worker_plan_;
  services::ClientStub* client_;
  services::SchedulerStub* scheduler_;
  FrontendStats* stats_;

  std::vector<RequestRecord> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queue_count_ = 0;
  FrontendTimeline* timeline_ = nullptr;
  std::vector<InFlightBatch> in_flight_;
  std::vector<flatbuffers::Offset<schema::Request>> offsets_;

  int target_batch_ = 1;
  int target_workers_ = 0;
  std::uint64_t decision_id_ = 0;
  std::uint64_t next_batch_id_ = 1;
  std::uint64_t next_order_id_ = 1;
  bool plan_due_ = false;

  std::int64_t next_timer_ns_ = 0;
  std::int64_t next_report_ns_ = 0;
  std::int64_t window_start_ns_ = 0;
  std::uint64_t window_arrivals_ = 0;
  std::uint64_t window_drops_ = 0;

  SecondRows<FrontendRow> rows_;
  std::uint32_t row_capacity_ = 0;  // the block's rows, read once at construction (role_stats.hpp)
};

}  // namespace pipescale::roles

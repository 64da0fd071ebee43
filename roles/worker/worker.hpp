#pragma once
// A Worker: simulates one model instance of one stage. Its life cycle (common/worker_state.hpp):
//
//   off --Start--> warming --(warm-up delay)--> active --Stop--> draining --(queue empty)--> off
//
// and every change is reported to its Frontend with SendFeedback. An active Worker takes batches
// (SendBatch), queues them, and processes them one at a time, each for a time drawn from its
// stage's latency model for the batch's size (common/latency_model.hpp: the profile's L(b), a
// lognormal, or measured samples): the agent arms a timer and parks (no thread sleeps, so it
// still answers orders and batches meanwhile). How close to that time a batch ends is the
// runner's doing (README.md, "Keeping time"); the Worker measures it: for each batch the drawn
// time, the achieved time and their difference, the execution error. When a batch finishes, each request gets its
// stage's stamps and goes on to the next stage's Frontend, or back to the Client (completed)
// after the last stage; then the Worker tells its Frontend its queue (SendQueueInformation).
//
// Nothing is lost: a request whose forward fails (the RPC's status, or the next Frontend refusing
// it) is reported to the Client as failed or dropped with the stage and status; a batch that
// arrives while off is refused and its requests reported failed.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/clock/clock.hpp"
#include "base/metrics/latency_histogram.hpp"
#include "roles/common/latency_model.hpp"
#include "roles/common/latency_profile.hpp"
#include "roles/common/record_table.hpp"
#include "roles/common/request_record.hpp"
#include "roles/common/role_stats.hpp"
#include "roles/common/worker_state.hpp"
#include "services/handlers.hpp"
#include "services/stubs.hpp"

namespace pipescale::roles {

// A slow fault's factor on the model time, in thousandths (1000: as drawn). A value outside
// [kMinModelTimeFactorMilli, kMaxModelTimeFactorMilli] (0 included) leaves the time as drawn.
inline constexpr std::uint32_t kModelTimeFactorOne = 1000;
inline constexpr std::uint32_t kMinModelTimeFactorMilli = 10;
inline constexpr std::uint32_t kMaxModelTimeFactorMilli = 1'000'000;

struct WorkerSettings {
  std::uint16_t stage = 0;
  std::uint16_t stage_count = 1;
  std::uint64_t worker_id = 1;  // unique in the run; 0 means "none" in the messages
  std::int64_t warmup_ns = 0;
  std::int64_t rpc_timeout_ns = 1'000'000'000;  // deadline of each call this Worker makes
  int queue_batches = 8;                        // batches it holds at most, the running one included
  std::int64_t publish_interval_ns = 1'000'000'000;
  std::uint64_t latency_seed = 1;  // this Worker's stream of batch times (latency_model.hpp, derived_seed)
};

class Worker final : public services::WorkerHandler {
 public:
  // next_stage is nullptr for the last stage's Workers, which return requests to the Client. A
  // LatencyProfile converts to a fixed model.
  Worker(const Clock& clock, const WorkerSettings& settings, LatencyModel model, services::FrontendStub& frontend,
         services::FrontendStub* next_stage, services::ClientStub& client, WorkerStats& stats);

  std::size_t do_work(std::int64_t now_ns);
  [[nodiscard]] std::int64_t next_timer_ns() const;
  // Publishes the figures the agent keeps locally (the dispatch hop histogram, time on).
  void publish(std::int64_t now_ns);
  // Sent by a replacement for a lost Worker: feedback "off", so that its Frontend orders it again.
  void announce(std::int64_t now_ns);
  // Records each batch, warm-up and drain as a span in `timeline` (the run's trace.json).
  void attach_timeline(WorkerTimeline& timeline) { timeline_ = &timeline; }
  // A word another party (a fault injector) may set to slow this Worker down: each batch's drawn
  // time is multiplied by it (thousandths, read once per batch, range-checked as untrusted).
  void attach_model_time_factor(const SharedValue<std::uint32_t>& factor_milli) { time_factor_ = &factor_milli; }

  void on_send_batch(const schema::Batch& batch,
                     services::ResponseWriter<services::WorkerRpc::SendBatch>& response) override;
  void on_send_order(const schema::Order& order,
                     services::ResponseWriter<services::WorkerRpc::SendOrder>& response) override;

 private:
  struct QueuedBatch {
    std::uint64_t batch_id = 0;
    std::size_t first = 0;  // index in records_ of its first request
    int size = 0;
    schema::BatchTrigger trigger = schema::BatchTrigger::Unknown;
  };

  void enter(WorkerState next, std::int64_t now_ns, std::uint64_t order_id);
  void start_next_batch(std::int64_t now_ns);
  void finish_batch(std::int64_t now_ns);
  void forward(RequestRecord& record, std::int64_t now_ns);
  void report_to_client(std::uint64_t request_id, std::uint64_t client_id, const Outcome& outcome);
  void send_queue_information(std::int64_t now_ns);
  [[nodiscard]] std::int64_t busy_until_ns(std::int64_t now_ns) const;
  [[nodiscard]] int queued_requests() const;
  [[nodiscard]] std::int64_t downstream_backlog(std::int64_t now_ns) const;

  const Clock* clock_;
  WorkerSettings settings_;
  LatencyModel model_;
  services::FrontendStub* frontend_;
  services::FrontendStub* next_stage_;
  services::ClientStub* client_;
  WorkerStats* stats_;

  WorkerState state_ = WorkerState::kOff;
  std::uint64_t last_order_id_ = 0;
  std::int64_t warm_at_ns_ = 0;  // while warming
  std::int64_t on_since_ns_ = 0;
  std::int64_t on_total_ns_ = 0;
  std::int64_t state_since_ns_ = 0;
  WorkerTimeline* timeline_ = nullptr;
  const SharedValue<std::uint32_t>* time_factor_ = nullptr;

  // The queue: a ring of batches over a ring of request records, both allocated once.
  std::vector<RequestRecord> records_;
  std::size_t record_head_ = 0;
  std::size_t record_count_ = 0;
  std::vector<QueuedBatch> batches_;
  std::size_t batch_head_ = 0;
  int batch_count_ = 0;
  bool running_ = false;  // the batch at batch_head_ is being processed
  std::int64_t started_ns_ = 0;
  std::int64_t finish_ns_ = 0;
  std::int64_t drawn_ns_ = 0;               // the running batch's drawn time
  std::int64_t downstream_backlog_ns_ = 0;  // the next stage's backlog_ns, from its newest answer
  std::int64_t downstream_heard_ns_ = 0;

  std::int64_t next_publish_ns_ = 0;
  LatencyHistogram dispatch_hop_;
  LatencyHistogram drawn_;     // per batch: the time drawn
  LatencyHistogram achieved_;  // per batch: end - start
  LatencyHistogram error_;     // per batch: achieved - drawn (never negative: it ends at or after its timer)
};

}  // namespace pipescale::roles

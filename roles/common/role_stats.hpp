#pragma once
// What each role publishes about itself while it runs: counters, gauges, latency summaries and a
// per-second time series, in plain blocks that one role writes and any process reads. The roles
// only see these structs; engine/runtime places them in the run's shared-memory segment, so that
// the launcher shows live progress and writes the results folder from them without any message
// on the data path ("count instead of logging").
//
// Every field has one writer, the role's own thread, and is a relaxed atomic: a reader may see
// one field a little ahead of another while the role runs (fine for progress), and sees the final
// values exactly once the writer has exited (process exit and waitpid order them). All types are
// standard-layout with lock-free atomics and no pointers, so they are valid in shared memory.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "base/metrics/latency_histogram.hpp"
#include "roles/common/request_record.hpp"

namespace pipescale::roles {

template <class T>
class SharedValue {
 public:
  static_assert(std::atomic<T>::is_always_lock_free, "shared between processes: must be lock-free");
  void set(T value) { value_.store(value, std::memory_order_relaxed); }
  // One writer: a load and a store, no read-modify-write instruction.
  void add(T delta) { value_.store(value_.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed); }
  [[nodiscard]] T get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<T> value_{};
};

using Counter = SharedValue<std::uint64_t>;
using Gauge = SharedValue<std::int64_t>;

// A LatencyHistogram's buckets, copied out by the writer (publish, about once a second: a few
// microseconds) and merged back by a reader.
struct SharedHistogram {
  std::array<Counter, LatencyHistogram::kBucketCount> counts;
  Gauge min_ns;
  Gauge max_ns;
  SharedValue<double> sum_ns;

  void publish(const LatencyHistogram& histogram);
  void merge_into(LatencyHistogram& histogram) const;
};

// Percentiles of one distribution, as numbers (for progress and summaries of the parts).
struct SharedSummary {
  Counter count;
  SharedValue<double> mean_ns;
  Gauge p50_ns;
  Gauge p90_ns;
  Gauge p99_ns;
  Gauge p999_ns;
  Gauge max_ns;

  void publish(const LatencyHistogram& histogram);
  [[nodiscard]] LatencySummary read() const;
};

inline constexpr std::size_t kDropReasonCount = 5;  // schema::DropReason values

// One second of the Client's view, by the second in which each thing happened (a send at its
// intended time, an outcome when it came back).
struct ClientRow {
  Counter offered;
  Counter completed;
  Counter within_slo;
  Counter dropped;
  Counter failed;
  Gauge p50_ns;  // latency of the completions of this second
  Gauge p90_ns;
  Gauge p99_ns;
  Gauge max_ns;
};

// Where a request's time went in one stage, from the stamps it carries back to the Client.
struct StageBreakdown {
  SharedSummary queueing;   // batched - arrived: waiting in the Frontend's queue
  SharedSummary dispatch;   // started - batched: the hop to the Worker and its queue
  SharedSummary execution;  // finished - started: the model
};

enum class HopKind : std::uint8_t {
  kClientToFrontend = 0,  // actual send -> stage 0 arrived
  kWorkerToFrontend = 1,  // stage k finished -> stage k+1 arrived
  kWorkerToClient = 2,    // last stage finished -> back at the Client
  kDropToClient = 3,      // a Frontend's drop decision -> back at the Client
};
inline constexpr std::size_t kHopKindCount = 4;

struct ClientStats {
  Counter sent;
  Counter completed;
  Counter within_slo;
  Counter dropped;
  Counter failed;
  Counter unknown_returns;  // an id never sent or already accounted for: counted, not accounted twice
  Counter late_sends;       // sends more than 1 ms after their intended time (the sender fell behind)
  Gauge outstanding;
  std::array<std::array<Counter, kDropReasonCount>, kMaxStages> drops;  // [stage][reason]
  std::array<Counter, kMaxStages> failures;                             // [stage], a Failed outcome's stage
  Counter failures_unreturned;                                          // never came back by the end of the run
  SharedSummary latency;                                                // completed requests, from intended send
  SharedSummary send_lag;                                               // actual - intended send
  std::array<SharedSummary, kHopKindCount> hops;
  std::array<StageBreakdown, kMaxStages> stages;
  // [stage]: Worker time spent on requests that were later dropped or failed, each request's share
  // of its batch ((finished - started) / batch size), from the stamps it came back with.
  std::array<Gauge, kMaxStages> wasted_ns;
  SharedHistogram latency_bins;
  SharedHistogram hop_bins;  // every hop a returned request carries the stamps of
  SharedValue<std::uint32_t> row_capacity;
  SharedValue<std::uint32_t> rows_published;  // rows [0, rows_published) are final

  // The rows follow the block in the same region (bytes_for() sizes it). `capacity` is the count
  // the caller knows privately (laid out, or read once and checked against the region at setup):
  // row_capacity itself is shared memory and is never believed afterwards.
  [[nodiscard]] std::span<ClientRow> rows(std::uint32_t capacity) {
    return {reinterpret_cast<ClientRow*>(this + 1), capacity};
  }
  [[nodiscard]] std::span<const ClientRow> rows(std::uint32_t capacity) const {
    return {reinterpret_cast<const ClientRow*>(this + 1), capacity};
  }
  static constexpr std::size_t bytes_for(std::uint32_t rows) { return sizeof(ClientStats) + rows * sizeof(ClientRow); }
};

// One second of a Frontend's view.
struct FrontendRow {
  Counter arrivals;
  Counter dropped;
  Counter batches;
  Counter batched_requests;
  Gauge queue_max;       // the longest its queue was during the second
  Gauge active_workers;  // at the end of the second
  Gauge target_workers;
  Gauge batch_size;
};

struct FrontendStats {
  Counter arrivals;
  std::array<Counter, kDropReasonCount> drops;
  Counter batches;
  Counter batched_requests;
  std::array<Counter, 4> batch_triggers;  // schema::BatchTrigger
  Counter dispatch_failures;              // SendBatch calls that failed: their requests are reported Failed
  Counter reissued_requests;              // requests of a lost Worker's unanswered batches queued again
  Counter orders;
  Counter decisions;  // BatchSize messages applied
  Gauge queue_length;
  Gauge active_workers;
  Gauge warming_workers;
  Gauge draining_workers;
  Gauge target_workers;
  Gauge batch_size;
  Gauge hop_cost_ns;                   // the arriving hop's measured median cost (the drop rule's overhead per hop)
  SharedValue<double> input_rate_rps;  // over the last report window
  SharedValue<std::uint32_t> row_capacity;
  SharedValue<std::uint32_t> rows_published;

  // As ClientStats::rows.
  [[nodiscard]] std::span<FrontendRow> rows(std::uint32_t capacity) {
    return {reinterpret_cast<FrontendRow*>(this + 1), capacity};
  }
  [[nodiscard]] std::span<const FrontendRow> rows(std::uint32_t capacity) const {
    return {reinterpret_cast<const FrontendRow*>(this + 1), capacity};
  }
  static constexpr std::size_t bytes_for(std::uint32_t rows) {
    return sizeof(FrontendStats) + rows * sizeof(FrontendRow);
  }
};

struct WorkerStats {
  SharedValue<std::uint32_t> state;  // WorkerState
  Counter batches;
  Counter requests;
  Counter refused_batches;   // arrived while off: their requests are reported Failed
  Counter forward_failures;  // a SendRequest onwards that failed: reported to the Client
  Gauge busy_ns;             // time spent processing batches
  Gauge on_ns;               // time not off (warming, active, draining): the Worker-seconds it cost
  Gauge queued_batches;
  SharedHistogram dispatch_hop_bins;  // a batch's cut at the Frontend -> its arrival here
  // Per batch (latency_model.hpp, worker.hpp): the drawn time, the achieved time (end - start) and
  // the execution error (achieved - drawn).
  SharedHistogram drawn_bins;
  SharedHistogram achieved_bins;
  SharedHistogram execution_error_bins;
};

struct SchedulerStats {
  Counter decisions;
  Counter send_failures;
  std::array<SharedValue<double>, kMaxStages> estimate_rps;
  std::array<Gauge, kMaxStages> batch_size;
  std::array<Gauge, kMaxStages> workers;
  std::array<Gauge, kMaxStages> budget_ns;
};

static_assert(std::is_standard_layout_v<ClientStats> && std::is_standard_layout_v<FrontendStats> &&
              std::is_standard_layout_v<WorkerStats> && std::is_standard_layout_v<SchedulerStats>);

}  // namespace pipescale::roles

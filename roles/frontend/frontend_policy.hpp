#pragma once
// The Frontend's policy: when to drop a request, when to cut a batch, which Worker gets it, and
// which Workers to start or stop. Pure functions of their arguments (times come in as now_ns),
// so they run alike against the real clock and a simulated one. Definitions, precisely:
//
//   path_ns    = later_stages_fastest_ns + overhead_ns: the least time a request needs, once
//                this stage has processed it, to reach the Client (see DeadlinePath).
//   drop       the stage's drop policy (drop_policy.hpp): by default iff finish + path_ns +
//                downstream > deadline, where finish is estimate_finish_ns() for the request's
//                place in the queue and downstream is the later stages' reported backlog.
//   batch cut  with q queued requests, target batch size B (clamped to [1, max_batch]) and
//              k = min(q, B): cut k requests when q >= B, or when now >= latest_start, where
//              latest_start = oldest_deadline - slack - L(k) - path_ns is the last moment a batch
//              of the k requests queued now can start and still bring the oldest one back in time.
//              Waiting any longer (during which more requests may join, making L larger) would
//              make it miss. slack_ns >= 0 covers dispatch and timer lateness.
//
// A Frontend drops first, then cuts: a request past hope is never batched.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "roles/common/latency_profile.hpp"
#include "roles/common/worker_state.hpp"

namespace pipescale::roles {

// What lies between this stage's Workers and the Client.
struct DeadlinePath {
  std::int64_t later_stages_fastest_ns = 0;  // the sum of L(1) over the stages after this one
  std::int64_t overhead_ns = 0;              // a known fixed cost from here to the Client (the hops); 0 if unknown
  [[nodiscard]] std::int64_t total_ns() const { return later_stages_fastest_ns + overhead_ns; }
};

[[nodiscard]] bool should_drop(std::int64_t now_ns, std::int64_t deadline_ns, const LatencyProfile& profile,
                               const DeadlinePath& path);

// When a request at `position` in a queue of `queue_length` (0 = the head) can expect to leave
// this stage: batches of `batch_size` are cut from the head in order, and each goes to the Worker
// free soonest. free_at_ns holds, in ascending order, when each serving Worker can start a new
// batch (max(now, busy_until)); with none, one is taken to be free now. Batch k = position / B
// (B = batch_size clamped to [1, max_batch]) starts at free_at[k mod W] + (k div W) * L(B) with
// W Workers, and holds min(B, queue_length - k * B) requests, so it ends L(that many) later.
// Exact when every batch takes L(B); an estimate when batches are cut smaller at their deadline.
[[nodiscard]] std::int64_t estimate_finish_ns(std::int64_t now_ns, std::size_t position, std::size_t queue_length,
                                              int batch_size, std::span<const std::int64_t> free_at_ns,
                                              const LatencyProfile& profile);

struct BatchCut {
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  int batch_size = 0;  // requests to dispatch now, from the head of the queue; 0: wait
  // When to decide again: after a cut, now (what remains may make another batch); while waiting,
  // latest_start (arm a timer; an arrival also calls for a new decision); kNever when empty.
  std::int64_t recheck_at_ns = kNever;
};

[[nodiscard]] BatchCut decide_batch_cut(std::int64_t now_ns, int queue_length, int target_batch_size,
                                        std::int64_t oldest_deadline_ns, const LatencyProfile& profile,
                                        const DeadlinePath& path, std::int64_t slack_ns);

// A Worker as the Frontend sees it: its state from feedback, its load from queue information.
struct WorkerView {
  WorkerState state = WorkerState::kOff;
  int queue_length = 0;            // batches it holds, the one in progress included
  std::int64_t busy_until_ns = 0;  // when it will have finished all of them
};

// Free now: active, nothing queued, nothing in progress.
[[nodiscard]] bool is_idle(const WorkerView& worker, std::int64_t now_ns);

// Among active Workers, the one that can start a new batch soonest: the smallest
// max(busy_until, now), then the shortest queue, then the lowest index. std::nullopt if none is
// active.
[[nodiscard]] std::optional<std::size_t> pick_least_loaded_worker(std::span<const WorkerView> workers,
                                                                  std::int64_t now_ns);

struct WorkerPlan {
  std::vector<std::size_t> to_start;  // Start orders: off Workers to warm up
  std::vector<std::size_t> to_stop;   // Stop orders: warming Workers to cancel, active ones to drain
  void clear() {
    to_start.clear();
    to_stop.clear();
  }
};

// Orders that bring the number of warming + active Workers to `target` (clamped to
// [0, workers.size()]). Too few: start off Workers, lowest index first (draining ones are not
// restarted; a later plan starts them once they report off). Too many: stop warming Workers
// first, highest index first (they have done no work), then drain active ones, the soonest free
// first (smallest max(busy_until, now), then shortest queue), ties to the highest index, so that
// the low indexes stay on. `plan` is cleared and refilled; reuse it to avoid allocating.
void plan_workers(std::span<const WorkerView> workers, int target, std::int64_t now_ns, WorkerPlan& plan);

}  // namespace pipescale::roles

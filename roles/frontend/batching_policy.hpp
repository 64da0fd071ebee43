#pragma once
// Batching policies (stages[].batching): when a Frontend cuts a batch and how many requests go
// in it. One implementation per file (batching_<name>.cpp), registered by one line in
// batching_registry.cpp; formulas, sources and worked examples in README.md, "Batching".
//
// A policy is created once per Frontend at setup and asked at every decision point (an arrival,
// a Worker's report, a timer): decide() must not allocate, and depends only on its arguments and
// the policy's own state, so a simulation with a fixed seed repeats exactly.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "roles/common/latency_profile.hpp"
#include "roles/frontend/frontend_policy.hpp"

namespace pipescale::roles {

// The queue as a batching policy sees it at one decision point.
struct BatchQueue {
  std::int64_t now_ns = 0;
  // When the Worker the batch would go to can start it (max(now, its busy-until)); a batch cut for
  // a busy Worker waits in its queue, so a cut is decided as of that moment.
  std::int64_t start_ns = 0;
  int queue_length = 0;                // requests queued (> 0)
  int batch_size = 1;                  // batch_size() of the Scheduler's, in [1, max_batch]
  std::int64_t oldest_arrived_ns = 0;  // when the head entered this stage
  // The head's deadline for leaving this stage: its end-to-end deadline less the later stages'
  // shares of the SLO (they batch too).
  std::int64_t oldest_deadline_ns = 0;
};

struct BatchingParams {
  LatencyProfile profile;               // this stage's
  std::int64_t slack_ns = 1'000'000;    // "deadline": covers dispatch and timer lateness
  std::int64_t max_queue_delay_ns = 0;  // "timeout": stages[].max_queue_delay_us
  std::int64_t budget_ns = 0;           // "aimd": the stage's share of the SLO
  double aimd_backoff = 0.9;            // "aimd": stages[].aimd_backoff
};

class BatchingPolicy {
 public:
  BatchingPolicy() = default;
  BatchingPolicy(const BatchingPolicy&) = delete;
  BatchingPolicy& operator=(const BatchingPolicy&) = delete;
  virtual ~BatchingPolicy() = default;

  // The batch size this policy works to, given the Scheduler's (clamped to [1, max_batch]). The
  // Frontend's drop estimates use it too.
  [[nodiscard]] virtual int batch_size(int scheduler_batch_size) const { return scheduler_batch_size; }
  // Cut now (batch_size > 0 requests from the head), or wait until recheck_at_ns (an arrival or
  // a Worker's report also calls for a new decision).
  [[nodiscard]] virtual BatchCut decide(const BatchQueue& queue) const = 0;
  // A batch of `size` was cut; its Worker is expected to take processing_ns for it (the profile's
  // L(size)), queueing before it left out.
  virtual void on_batch_cut(int /*size*/, std::int64_t /*processing_ns*/) {}
};

// The names a config may write, in registration order (the first is the default).
[[nodiscard]] std::span<const std::string_view> batching_policy_names();
// The policy called `name`; null when there is none (the config layer refuses such names first).
[[nodiscard]] std::unique_ptr<BatchingPolicy> make_batching_policy(std::string_view name, const BatchingParams& params);

}  // namespace pipescale::roles

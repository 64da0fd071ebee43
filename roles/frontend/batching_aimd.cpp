// "aimd": Clipper's adaptive batching (Crankshaw et al., NSDI'17, section 4.3). The policy keeps
// its own batch size b, starting at 1, and adapts it on the batch's processing time p = L(size)
// (the stage's profile) against the stage's budget: after a full batch with p within the budget,
// b = min(b + 1, max_batch); after any batch with p over it, b = max(1, floor(b * backoff)).
// Queueing is left out on purpose: it is the drop policy's and the Scheduler's business, and under
// overload it alone exceeds the budget at any size, which would pin b at 1 and starve the stage.
// It cuts min(queued, b) as soon as b are queued or its Worker is free now (Clipper hands a
// replica the queue's head, up to b, whenever the replica is idle), and otherwise waits for the
// Worker. The Scheduler's batch size is ignored; its Worker count is not.
#include <algorithm>
#include <cmath>

#include "roles/frontend/batching_policy.hpp"

namespace pipescale::roles {
namespace {

class AimdBatching final : public BatchingPolicy {
 public:
  explicit AimdBatching(const BatchingParams& params)
      : max_batch_(params.profile.max_batch()), budget_ns_(params.budget_ns), backoff_(params.aimd_backoff) {}

  [[nodiscard]] int batch_size(int /*scheduler_batch_size*/) const override { return size_; }

  [[nodiscard]] BatchCut decide(const BatchQueue& queue) const override {
    if (queue.queue_length <= 0) return {};
    if (queue.queue_length >= size_) return {size_, queue.now_ns};
    if (queue.start_ns <= queue.now_ns) return {queue.queue_length, queue.now_ns};
    return {0, queue.start_ns};
  }

  void on_batch_cut(int size, std::int64_t processing_ns) override {
    const bool met = budget_ns_ <= 0 || processing_ns <= budget_ns_;
    if (!met) {
      size_ = std::max(1, static_cast<int>(std::floor(static_cast<double>(size_) * backoff_)));
    } else if (size >= size_) {
      size_ = std::min(size_ + 1, max_batch_);  // a batch cut short says nothing about a larger one
    }
  }

 private:
  int max_batch_;
  std::int64_t budget_ns_;
  double backoff_;
  int size_ = 1;
};

}  // namespace

std::unique_ptr<BatchingPolicy> make_aimd_batching(const BatchingParams& params) {
  return std::make_unique<AimdBatching>(params);
}

}  // namespace pipescale::roles

// "timeout": Triton's dynamic batcher. Cut at the batch size, or once the oldest request has
// waited max_queue_delay: the moment its Worker can start the batch is at least
// oldest_arrived + max_queue_delay. Blind to deadlines (the drop policy still applies).
#include <algorithm>

#include "roles/frontend/batching_policy.hpp"

namespace pipescale::roles {
namespace {

class TimeoutBatching final : public BatchingPolicy {
 public:
  explicit TimeoutBatching(const BatchingParams& params)
      : max_batch_(params.profile.max_batch()),
        max_queue_delay_ns_(std::max<std::int64_t>(0, params.max_queue_delay_ns)) {}

  [[nodiscard]] BatchCut decide(const BatchQueue& queue) const override {
    if (queue.queue_length <= 0) return {};
    const int target = std::clamp(queue.batch_size, 1, max_batch_);
    if (queue.queue_length >= target) return {target, queue.now_ns};
    const std::int64_t expires_ns = queue.oldest_arrived_ns + max_queue_delay_ns_;
    if (queue.start_ns >= expires_ns) return {queue.queue_length, queue.now_ns};
    return {0, expires_ns};
  }

 private:
  int max_batch_;
  std::int64_t max_queue_delay_ns_;
};

}  // namespace

std::unique_ptr<BatchingPolicy> make_timeout_batching(const BatchingParams& params) {
  return std::make_unique<TimeoutBatching>(params);
}

}  // namespace pipescale::roles

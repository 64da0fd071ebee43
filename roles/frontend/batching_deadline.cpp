// "deadline" (the default): cut at the Scheduler's batch size, or at the last moment the oldest
// request can still leave this stage in time (decide_batch_cut, frontend_policy.hpp).
#include "roles/frontend/batching_policy.hpp"

namespace pipescale::roles {
namespace {

class DeadlineBatching final : public BatchingPolicy {
 public:
  explicit DeadlineBatching(const BatchingParams& params) : profile_(params.profile), slack_ns_(params.slack_ns) {}

  [[nodiscard]] BatchCut decide(const BatchQueue& queue) const override {
    return decide_batch_cut(queue.start_ns, queue.queue_length, queue.batch_size, queue.oldest_deadline_ns, profile_,
                            DeadlinePath{}, slack_ns_);
  }

 private:
  LatencyProfile profile_;
  std::int64_t slack_ns_;
};

}  // namespace

std::unique_ptr<BatchingPolicy> make_deadline_batching(const BatchingParams& params) {
  return std::make_unique<DeadlineBatching>(params);
}

}  // namespace pipescale::roles

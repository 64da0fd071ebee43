// "least_loaded" (the default): the active Worker free soonest (smallest max(busy_until, now)),
// then the shortest queue, then the lowest index (pick_least_loaded_worker, frontend_policy.hpp).
#include "roles/frontend/dispatch_policy.hpp"

namespace pipescale::roles {
namespace {

class LeastLoadedDispatch final : public DispatchPolicy {
 public:
  [[nodiscard]] std::optional<std::size_t> pick(std::span<const WorkerView> workers, std::int64_t now_ns) override {
    return pick_least_loaded_worker(workers, now_ns);
  }
};

}  // namespace

std::unique_ptr<DispatchPolicy> make_least_loaded_dispatch(const DispatchParams& /*params*/) {
  return std::make_unique<LeastLoadedDispatch>();
}

}  // namespace pipescale::roles

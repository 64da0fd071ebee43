// "round_robin": the active Workers in turn, by index. The first active Worker at or after the one
// following the last Worker dispatched to, wrapping around; blind to load.
#include "roles/frontend/dispatch_policy.hpp"

namespace pipescale::roles {
namespace {

class RoundRobinDispatch final : public DispatchPolicy {
 public:
  [[nodiscard]] std::optional<std::size_t> pick(std::span<const WorkerView> workers, std::int64_t /*now_ns*/) override {
    for (std::size_t step = 0; step < workers.size(); ++step) {
      const std::size_t i = (next_ + step) % workers.size();
      if (workers[i].state == WorkerState::kActive) return i;
    }
    return std::nullopt;
  }

  void on_dispatched(std::size_t worker) override { next_ = worker + 1; }

 private:
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<DispatchPolicy> make_round_robin_dispatch(const DispatchParams& /*params*/) {
  return std::make_unique<RoundRobinDispatch>();
}

}  // namespace pipescale::roles

// "power_of_two": the power of two choices (Mitzenmacher, 2001). Draw two distinct active Workers
// uniformly at random and take the less loaded (free sooner, then the shorter queue, then the lower
// index). The draw: with n active Workers, i = u1 mod n and j = u2 mod (n - 1), j + 1 if j >= i,
// where u1, u2 are the next outputs of a std::mt19937_64 seeded with the stage's seed (its output
// sequence is fixed by the standard, so a seed gives the same draws everywhere). The pair drawn is
// kept until a batch goes out, so asking again before dispatching does not redraw.
#include <algorithm>
#include <random>

#include "roles/frontend/dispatch_policy.hpp"

namespace pipescale::roles {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

class PowerOfTwoDispatch final : public DispatchPolicy {
 public:
  explicit PowerOfTwoDispatch(std::uint64_t seed) : engine_(seed) {}

  [[nodiscard]] std::optional<std::size_t> pick(std::span<const WorkerView> workers, std::int64_t now_ns) override {
    std::size_t active = 0;
    for (const WorkerView& w : workers) active += w.state == WorkerState::kActive ? 1 : 0;
    if (active == 0) return std::nullopt;
    if (active == 1) return nth_active(workers, 0);
    if (!candidate(workers, first_) || !candidate(workers, second_) || first_ == second_) draw(workers, active);
    const WorkerView& a = workers[first_];
    const WorkerView& b = workers[second_];
    const std::int64_t a_free = std::max(a.busy_until_ns, now_ns);
    const std::int64_t b_free = std::max(b.busy_until_ns, now_ns);
    if (a_free != b_free) return a_free < b_free ? first_ : second_;
    if (a.queue_length != b.queue_length) return a.queue_length < b.queue_length ? first_ : second_;
    return std::min(first_, second_);
  }

  void on_dispatched(std::size_t /*worker*/) override { first_ = second_ = kNone; }

 private:
  static bool candidate(std::span<const WorkerView> workers, std::size_t i) {
    return i < workers.size() && workers[i].state == WorkerState::kActive;
  }

  static std::size_t nth_active(std::span<const WorkerView> workers, std::size_t n) {
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if (workers[i].state != WorkerState::kActive) continue;
      if (n == 0) return i;
      --n;
    }
    return kNone;
  }

  void draw(std::span<const WorkerView> workers, std::size_t active) {
    const std::size_t i = static_cast<std::size_t>(engine_() % active);
    std::size_t j = static_cast<std::size_t>(engine_() % (active - 1));
    if (j >= i) ++j;
    first_ = nth_active(workers, i);
    second_ = nth_active(workers, j);
  }

  std::mt19937_64 engine_;
  std::size_t first_ = kNone;
  std::size_t second_ = kNone;
};

}  // namespace

std::unique_ptr<DispatchPolicy> make_power_of_two_dispatch(const DispatchParams& params) {
  return std::make_unique<PowerOfTwoDispatch>(params.seed);
}

}  // namespace pipescale::roles

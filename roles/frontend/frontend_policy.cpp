#include "roles/frontend/frontend_policy.hpp"

#include <algorithm>

namespace pipescale::roles {

namespace {

std::int64_t free_at_ns(const WorkerView& worker, std::int64_t now_ns) {
  return std::max(worker.busy_until_ns, now_ns);
}

// True when a is the better Worker to give work to (or, reversed, the better one to drain).
bool less_loaded(const WorkerView& a, const WorkerView& b, std::int64_t now_ns) {
  const std::int64_t a_free = free_at_ns(a, now_ns);
  const std::int64_t b_free = free_at_ns(b, now_ns);
  if (a_free != b_free) return a_free < b_free;
  return a.queue_length < b.queue_length;
}

int count_in(std::span<const WorkerView> workers, WorkerState state) {
  return static_cast<int>(
      std::count_if(workers.begin(), workers.end(), [state](const WorkerView& w) { return w.state == state; }));
}

void start_off_workers(std::span<const WorkerView> workers, int count, WorkerPlan& plan) {
  for (std::size_t i = 0; i < workers.size() && count > 0; ++i) {
    if (workers[i].state != WorkerState::kOff) continue;
    plan.to_start.push_back(i);
    --count;
  }
}

// Stops `count` Workers: warming ones from the highest index down, then the soonest-free active.
void stop_workers(std::span<const WorkerView> workers, int count, std::int64_t now_ns, WorkerPlan& plan) {
  for (std::size_t i = workers.size(); i-- > 0 && count > 0;) {
    if (workers[i].state != WorkerState::kWarming) continue;
    plan.to_stop.push_back(i);
    --count;
  }
  for (; count > 0; --count) {
    std::optional<std::size_t> best;
    for (std::size_t i = workers.size(); i-- > 0;) {
      const WorkerView& w = workers[i];
      if (w.state != WorkerState::kActive) continue;
      if (std::find(plan.to_stop.begin(), plan.to_stop.end(), i) != plan.to_stop.end()) continue;
      if (!best || less_loaded(w, workers[*best], now_ns)) best = i;  // strict: ties keep the higher index
    }
    if (!best) return;
    plan.to_stop.push_back(*best);
  }
}

}  // namespace

bool should_drop(std::int64_t now_ns, std::int64_t deadline_ns, const LatencyProfile& profile,
                 const DeadlinePath& path) {
  return now_ns + profile.fastest_ns() + path.total_ns() > deadline_ns;
}

std::int64_t estimate_finish_ns(std::int64_t now_ns, std::size_t position, std::size_t queue_length, int batch_size,
                                std::span<const std::int64_t> free_at_ns, const LatencyProfile& profile) {
  const auto b = static_cast<std::size_t>(std::clamp(batch_size, 1, profile.max_batch()));
  const std::size_t length = std::max(queue_length, position + 1);
  const std::size_t batch = position / b;
  const std::size_t workers = std::max<std::size_t>(1, free_at_ns.size());
  const std::int64_t first_free = free_at_ns.empty() ? now_ns : std::max(now_ns, free_at_ns[batch % workers]);
  const auto rounds = static_cast<std::int64_t>(batch / workers);
  const auto own_size = static_cast<int>(std::min(b, length - batch * b));
  return first_free + rounds * profile.latency_ns(static_cast<int>(b)) + profile.latency_ns(own_size);
}

BatchCut decide_batch_cut(std::int64_t now_ns, int queue_length, int target_batch_size, std::int64_t oldest_deadline_ns,
                          const LatencyProfile& profile, const DeadlinePath& path, std::int64_t slack_ns) {
  if (queue_length <= 0) return {};
  const int target = std::clamp(target_batch_size, 1, profile.max_batch());
  if (queue_length >= target) return {target, now_ns};
  const std::int64_t latest_start_ns =
      oldest_deadline_ns - slack_ns - profile.latency_ns(queue_length) - path.total_ns();
  if (now_ns >= latest_start_ns) return {queue_length, now_ns};
  return {0, latest_start_ns};
}

bool is_idle(const WorkerView& worker, std::int64_t now_ns) {
  return worker.state == WorkerState::kActive && worker.queue_length == 0 && worker.busy_until_ns <= now_ns;
}

std::optional<std::size_t> pick_least_loaded_worker(std::span<const WorkerView> workers, std::int64_t now_ns) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (workers[i].state != WorkerState::kActive) continue;
    if (!best || less_loaded(workers[i], workers[*best], now_ns)) best = i;  // strict: ties keep the lower index
  }
  return best;
}

void plan_workers(std::span<const WorkerView> workers, int target, std::int64_t now_ns, WorkerPlan& plan) {
  plan.clear();
  const int wanted = std::clamp(target, 0, static_cast<int>(workers.size()));
  const int committed = count_in(workers, WorkerState::kActive) + count_in(workers, WorkerState::kWarming);
  if (committed < wanted) start_off_workers(workers, wanted - committed, plan);
  if (committed > wanted) stop_workers(workers, committed - wanted, now_ns, plan);
}

}  // namespace pipescale::roles

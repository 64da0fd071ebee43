#pragma once
// The loop every role process runs: poll the transport (handlers and completions), take the
// agent's step (timers, batching, sending), and when neither did anything apply the process's
// wait strategy, parked on the transport's doorbell no longer than the earliest timer.
//
//   std::size_t Agent::do_work(std::int64_t now_ns);      // work done this step
//   std::int64_t Agent::next_timer_ns() const;             // earliest due time, 0 for none
//
// The time comes from the injected clock: read before the poll, and again before the agent's
// step, so that a stamp the step writes is never earlier than one a handler wrote just before.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/clock/clock.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "services/transport.hpp"

namespace pipescale::roles {

inline std::int64_t earliest_timer(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return std::max(a, b);
  return std::min(a, b);
}

// One step: returns the work done.
template <class Agent>
std::size_t agent_step(Agent& agent, services::Transport& transport, const engine::Clock& clock) {
  const std::size_t polled = transport.poll(clock.now_ns());
  return polled + agent.do_work(clock.now_ns());
}

// Runs steps until stop() (checked every step and before every park). A parked process wakes on
// any arrival, at the agent's or the transport's next timer, and at least every
// wait.max_park_ns to re-check stop().
template <class Agent, class Stop>
void run_agent(Agent& agent, services::Transport& transport, const engine::Clock& clock, const ipc::WaitOptions& wait,
               Stop&& stop) {
  ipc::IdleStrategy idle(wait, ipc::Doorbell(transport.doorbell()));
  while (!stop()) {
    if (agent_step(agent, transport, clock) != 0) {
      idle.reset();
      continue;
    }
    const std::int64_t timer = earliest_timer(agent.next_timer_ns(), transport.next_timer_ns());
    if (timer != 0 && timer <= clock.now_ns()) continue;
    idle.idle([&] { return transport.has_work() || stop(); }, timer);
  }
}

}  // namespace pipescale::roles

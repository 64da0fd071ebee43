#pragma once
// The loop every live role process runs: agent steps (roles/common/agent_step.hpp), and when a
// step did nothing, the process's wait strategy, parked on the transport's doorbell no longer
// than the earliest timer. Here rather than in roles/ because how a process waits is a matter of
// its transport and its core, which the roles know nothing of.
#include <cstdint>

#include "base/clock/clock.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "roles/common/agent_step.hpp"
#include "services/transport.hpp"

namespace pipescale::engine {

// Runs steps until stop() (checked every step and before every park). A parked process wakes on
// any arrival, at the agent's or the transport's next timer, and at least every
// wait.max_park_ns to re-check stop().
template <class Agent, class Stop>
void run_agent(Agent& agent, services::Transport& transport, const Clock& clock, const ipc::WaitOptions& wait,
               Stop&& stop) {
  ipc::IdleStrategy idle(wait, ipc::Doorbell(transport.doorbell()));
  while (!stop()) {
    if (roles::agent_step(agent, transport, clock) != 0) {
      idle.reset();
      continue;
    }
    const std::int64_t timer = roles::earliest_timer(agent.next_timer_ns(), transport.next_timer_ns());
    if (timer != 0 && timer <= clock.now_ns()) continue;
    idle.idle([&] { return transport.has_work() || stop(); }, timer);
  }
}

}  // namespace pipescale::engine

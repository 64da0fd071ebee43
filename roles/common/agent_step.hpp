#pragma once
// What every role agent offers its runner, and one step of it:
//
//   std::size_t Agent::do_work(std::int64_t now_ns);      // work done this step
//   std::int64_t Agent::next_timer_ns() const;             // earliest due time, 0 for none
//
// A step polls the transport (handlers and completions), then takes the agent's own step
// (timers, batching, sending). The time comes from the injected clock: read before the poll, and
// again before the agent's step, so that a stamp the step writes is never earlier than one a
// handler wrote just before. The live runner (engine/runtime/agent_runner.hpp) and the simulator
// both call this; how a process waits between steps is theirs to decide, not the roles'.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "base/clock/clock.hpp"
#include "services/transport.hpp"

namespace pipescale::roles {

// The earlier of two timers, where 0 means none.
inline std::int64_t earliest_timer(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return std::max(a, b);
  return std::min(a, b);
}

// One step: returns the work done.
template <class Agent>
std::size_t agent_step(Agent& agent, services::Transport& transport, const Clock& clock) {
  const std::size_t polled = transport.poll(clock.now_ns());
  return polled + agent.do_work(clock.now_ns());
}

}  // namespace pipescale::roles

#pragma once
// The loop every live role process runs: agent steps (roles/common/agent_step.hpp), and when a
// step did nothing, the process's wait strategy, parked on the transport's doorbell no longer
// than the earliest timer. Here rather than in roles/ because how a process waits is a matter of
// its transport and its core, which the roles know nothing of.
#include <sys/prctl.h>

#include <cstdint>

#include "base/clock/clock.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "roles/common/agent_step.hpp"
#include "services/transport.hpp"

namespace pipescale::engine {

// Keeping time (roles/worker/README.md, "Keeping time"): a process parked until a timer wakes
// late, by the kernel's timer slack (50 us by default) and its wake-up latency (tens of
// microseconds on a virtual machine). So the runner asks for 1 ns of slack and, given a lead,
// parks until that long before the earliest timer and polls (steps, with a pause hint) for the
// rest: a timer then fires within a step of its time, at the cost of at most the lead in
// spinning per timer (2% of a core for a 10 ms batch), not the whole wait. Workers take
// kTimerLeadNs, since their timers are the model's time; the other roles 0 (no spin), so that a
// Client sending thousands of requests a second does not poll a core away on a small machine.
inline constexpr std::int64_t kTimerLeadNs = 200'000;
inline constexpr unsigned long kTimerSlackNs = 1;

// Runs steps until stop() (checked every step and before every park). A parked process wakes on
// any arrival, timer_lead_ns before the agent's or the transport's next timer, and at least every
// wait.max_park_ns to re-check stop().
template <class Agent, class Stop>
void run_agent(Agent& agent, services::Transport& transport, const Clock& clock, const ipc::WaitOptions& wait,
               std::int64_t timer_lead_ns, Stop&& stop) {
  // Per thread; a failure leaves the default slack, which only makes timers later.
  (void)prctl(PR_SET_TIMERSLACK, kTimerSlackNs, 0UL, 0UL, 0UL);
  ipc::IdleStrategy idle(wait, ipc::Doorbell(transport.doorbell()));
  while (!stop()) {
    if (roles::agent_step(agent, transport, clock) != 0) {
      idle.reset();
      continue;
    }
    const std::int64_t timer = roles::earliest_timer(agent.next_timer_ns(), transport.next_timer_ns());
    if (timer != 0 && timer - clock.now_ns() <= timer_lead_ns) {
      ipc::cpu_relax();  // due within the lead: poll until it is
      continue;
    }
    idle.idle([&] { return transport.has_work() || stop(); }, timer == 0 ? 0 : timer - timer_lead_ns);
  }
}

}  // namespace pipescale::engine

#pragma once
// The loop every live role process runs: agent steps (roles/common/agent_step.hpp), and when a
// step did nothing, the process's wait strategy, parked on the transport's doorbell no longer
// than the earliest timer. Here rather than in roles/ because how a process waits is a matter of
// its transport and its core, which the roles know nothing of.
#include <sys/prctl.h>

#include <cstdint>

#include "base/clock/clock.hpp"
#include "engine/runtime/timer_lead.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "roles/common/agent_step.hpp"
#include "services/transport.hpp"

namespace pipescale::engine {

// Keeping time (roles/worker/README.md, "Keeping time"): a process parked until a timer wakes
// late, by the kernel's timer slack (50 us by default) and its wake-up latency (tens of
// microseconds on bare metal, up to a millisecond at p99 on a small virtual machine). So the runner
// asks for 1 ns of slack and, given a lead, parks until that long before the earliest timer and
// polls (steps, with a pause hint) for the rest: a timer then fires within a step of its time, at
// the cost of the lead in spinning per timer, not the whole wait. Workers, whose timers are the
// model's time, learn their lead from how late their own parks wake (TimerLead: the p99.5, between
// kMinTimerLeadNs and kMaxTimerLeadNs); the other roles take 0 (no spin), so that a Client sending
// thousands of requests a second does not poll a core away on a small machine.
inline constexpr std::int64_t kMinTimerLeadNs = 200'000;
inline constexpr std::int64_t kMaxTimerLeadNs = 2'000'000;
inline constexpr unsigned long kTimerSlackNs = 1;

// Runs steps until stop() (checked every step and before every park). A parked process wakes on
// any arrival, lead.lead_ns() before the agent's or the transport's next timer, and at least every
// wait.max_park_ns to re-check stop(); each park that ran to its timer-driven end teaches `lead`.
template <class Agent, class Stop>
void run_agent(Agent& agent, services::Transport& transport, const Clock& clock, const ipc::WaitOptions& wait,
               TimerLead& lead, Stop&& stop) {
  // Per thread; a failure leaves the default slack, which only makes timers later.
  (void)prctl(PR_SET_TIMERSLACK, kTimerSlackNs, 0UL, 0UL, 0UL);
  ipc::IdleStrategy idle(wait, ipc::Doorbell(transport.doorbell()));
  while (!stop()) {
    if (roles::agent_step(agent, transport, clock) != 0) {
      idle.reset();
      continue;
    }
    const std::int64_t timer = roles::earliest_timer(agent.next_timer_ns(), transport.next_timer_ns());
    const std::int64_t now = clock.now_ns();
    if (timer != 0 && timer - now <= lead.lead_ns()) {
      ipc::cpu_relax();  // due within the lead: poll until it is
      continue;
    }
    const std::int64_t wake_ns = timer == 0 ? 0 : timer - lead.lead_ns();
    idle.idle([&] { return transport.has_work() || stop(); }, wake_ns);
    if (wake_ns != 0) lead.record_park(now, wake_ns, clock.now_ns());
  }
}

}  // namespace pipescale::engine

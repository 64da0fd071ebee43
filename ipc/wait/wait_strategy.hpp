#pragma once
// What an agent's runner does when a do_work() step found nothing to do. Chosen per process:
//   spin            a pinned process with a core to itself: never sleeps, lowest latency;
//   spin-then-park  the default: spins (with a pause hint) for spin_ns after the last work, then
//                   parks on its doorbell; a wake costs a few microseconds, idle costs ~nothing;
//   park            parks at once: for oversubscribed machines, where a spinner steals the core
//                   that the process it waits for needs.
#include <cstdint>
#include <optional>
#include <string_view>

#include "ipc/common/clock.hpp"
#include "ipc/wait/doorbell.hpp"

namespace pipescale::ipc {

enum class WaitKind : std::uint8_t { kSpin, kSpinThenPark, kPark };

std::string_view to_string(WaitKind kind);
std::optional<WaitKind> parse_wait_kind(std::string_view text);  // "spin", "spin-then-park", "park"

struct WaitOptions {
  WaitKind kind = WaitKind::kSpinThenPark;
  std::int64_t spin_ns = 50'000;           // spin budget after the last work (spin-then-park)
  std::int64_t max_park_ns = 100'000'000;  // a parked process re-polls at least this often
};

class IdleStrategy {
 public:
  IdleStrategy() = default;
  IdleStrategy(WaitOptions options, Doorbell doorbell) : options_(options), doorbell_(doorbell) {}

  // Call after every step that did work.
  void reset() { idle_since_ns_ = 0; }

  // Call after a step that did nothing. has_work() re-checks every inbound ring (the doorbell's
  // protocol needs it); deadline_ns bounds a park (the agent's next timer), 0 for none.
  template <class HasWork>
  void idle(HasWork&& has_work, std::int64_t deadline_ns = 0) {
    if (options_.kind == WaitKind::kSpin) {
      cpu_relax();
      return;
    }
    const std::int64_t now = monotonic_ns();
    if (options_.kind == WaitKind::kSpinThenPark) {
      if (idle_since_ns_ == 0) idle_since_ns_ = now;
      if (now - idle_since_ns_ < options_.spin_ns) {
        cpu_relax();
        return;
      }
    }
    std::int64_t timeout = options_.max_park_ns;
    if (deadline_ns != 0 && deadline_ns - now < timeout) timeout = deadline_ns - now;
    if (timeout <= 0) return;
    // After a park that timed out with nothing to do, go straight back to parking next time:
    // idle_since_ns_ stays set, so an idle process spins once per burst, not once per timeout.
    if (doorbell_.attached()) {
      doorbell_.park(has_work, timeout);
    } else {
      sleep_without_doorbell(timeout);  // nobody can wake us: sleep briefly and re-poll
    }
  }

  [[nodiscard]] const WaitOptions& options() const { return options_; }

 private:
  static void sleep_without_doorbell(std::int64_t timeout_ns);

  WaitOptions options_{};
  Doorbell doorbell_{};
  std::int64_t idle_since_ns_ = 0;
};

}  // namespace pipescale::ipc

#include "ipc/wait/wait_strategy.hpp"

#include <time.h>

namespace pipescale::ipc {

std::string_view to_string(WaitKind kind) {
  switch (kind) {
    case WaitKind::kSpin: return "spin";
    case WaitKind::kSpinThenPark: return "spin-then-park";
    case WaitKind::kPark: return "park";
  }
  return "unknown";
}

void IdleStrategy::sleep_without_doorbell(std::int64_t timeout_ns) {
  constexpr std::int64_t kMaxSleepNs = 1'000'000;
  const std::int64_t sleep_ns = timeout_ns < kMaxSleepNs ? timeout_ns : kMaxSleepNs;
  timespec duration{0, static_cast<long>(sleep_ns)};
  nanosleep(&duration, nullptr);
}

std::optional<WaitKind> parse_wait_kind(std::string_view text) {
  if (text == "spin") return WaitKind::kSpin;
  if (text == "spin-then-park") return WaitKind::kSpinThenPark;
  if (text == "park") return WaitKind::kPark;
  return std::nullopt;
}

}  // namespace pipescale::ipc

#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::ipc {

std::string_view to_string(WaitKind kind) {
  switch (kind) {
    case WaitKind::kSpin: return "spin";
    case WaitKind::kSpinThenPark: return "spin-then-park";
    case WaitKind::kPark: return "park";
  }
  return "unknown";
}

std::optional<WaitKind> parse_wait_kind(std::string_view text) {
  if (text == "spin") return WaitKind::kSpin;
  if (text == "spin-then-park") return WaitKind::kSpinThenPark;
  if (text == "park") return WaitKind::kPark;
  return std::nullopt;
}

}  // namespace pipescale::ipc

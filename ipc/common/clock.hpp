#pragma once
// The transport's time base and its spin hint. The time is base's monotonic_ns (CLOCK_MONOTONIC
// nanoseconds, which every process on a host shares), so a deadline written by one layer means
// the same instant in every other.
#include "base/clock/clock.hpp"

namespace pipescale::ipc {

using pipescale::monotonic_ns;

// A spin-wait hint: lets the sibling hyperthread run and saves power while polling.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace pipescale::ipc

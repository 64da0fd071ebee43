#pragma once
// The time source every role takes its time from. Role logic never reads the system clock itself,
// so the same logic runs against CLOCK_MONOTONIC in a pipeline and against a virtual clock in a
// discrete-event simulator or a test.
#include <time.h>

#include <cassert>
#include <cstdint>

namespace pipescale {

// CLOCK_MONOTONIC nanoseconds: the one time base that every process on a host shares.
inline std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + std::int64_t{ts.tv_nsec};
}

// Monotonic nanoseconds. All timestamps in a run share one origin: on one host that is
// CLOCK_MONOTONIC, which every process sees alike.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual std::int64_t now_ns() const = 0;
};

class MonotonicClock final : public Clock {
 public:
  [[nodiscard]] std::int64_t now_ns() const override { return monotonic_ns(); }
};

// A clock that moves only when told to; never backwards, like the clock it stands in for.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ns = 0) : now_ns_(start_ns) {}

  [[nodiscard]] std::int64_t now_ns() const override { return now_ns_; }
  void set_ns(std::int64_t t_ns) {
    assert(t_ns >= now_ns_);
    now_ns_ = t_ns;
  }
  void advance_ns(std::int64_t delta_ns) {
    assert(delta_ns >= 0);
    now_ns_ += delta_ns;
  }

 private:
  std::int64_t now_ns_;
};

}  // namespace pipescale

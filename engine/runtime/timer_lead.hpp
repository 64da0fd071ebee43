#pragma once
// How long before a timer a process that keeps time stops parking and starts polling
// (roles/worker/README.md, "Keeping time"). A parked process wakes late by its machine's wake-up
// latency; the lead has to cover that at the tail, or the timer fires late. That latency differs
// by machine (tens of microseconds on bare metal, a millisecond at p99 on a small virtual
// machine), so the lead is learnt: every park that ended on its timeout adds how late it woke to a
// bucketed count, and the lead is the bucket edge that covers kLeadQuantile of those wakes,
// bounded to [min, max]. Counts halve every kHalfLifeWakes wakes, so the lead follows a machine
// whose load changes. No allocation, no locks: it runs on the hot path of one thread.
#include <array>
#include <cstdint>

namespace pipescale::engine {

class TimerLead {
 public:
  static constexpr std::int64_t kBucketNs = 25'000;
  static constexpr std::size_t kBuckets = 128;  // the last one counts every wake 3.175 ms late or more
  static constexpr double kLeadQuantile = 0.995;
  static constexpr std::uint32_t kWarmWakes = 64;       // the lead stays at min until this many wakes
  static constexpr std::uint64_t kRecomputeEvery = 16;  // estimates at every 16th wake
  static constexpr std::uint32_t kHalfLifeWakes = 2048;

  // A fixed lead (min == max) never changes; 0 parks until the timer itself.
  static TimerLead fixed(std::int64_t lead_ns) { return {lead_ns, lead_ns}; }
  TimerLead(std::int64_t min_ns, std::int64_t max_ns);

  [[nodiscard]] std::int64_t lead_ns() const { return lead_ns_; }
  [[nodiscard]] bool adaptive() const { return max_ns_ > min_ns_; }

  // A park asked to end at `deadline_ns` began at `parked_ns` and returned at `woke_ns` (one clock).
  // Only a park that outlasted its deadline counts: one that returned early (work arrived, or it
  // spun instead) says nothing about how late a timeout wakes.
  void record_park(std::int64_t parked_ns, std::int64_t deadline_ns, std::int64_t woke_ns) {
    if (!adaptive() || parked_ns >= deadline_ns || woke_ns < deadline_ns) return;
    record_lateness(woke_ns - deadline_ns);
  }
  void record_lateness(std::int64_t late_ns);

  [[nodiscard]] std::uint64_t wakes() const { return wakes_; }

 private:
  void estimate();
  void halve();

  std::int64_t min_ns_;
  std::int64_t max_ns_;
  std::int64_t lead_ns_;
  std::array<std::uint32_t, kBuckets> counts_{};
  std::uint32_t counted_ = 0;  // the sum of counts_
  std::uint64_t wakes_ = 0;
};

}  // namespace pipescale::engine

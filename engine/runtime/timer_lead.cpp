#include "engine/runtime/timer_lead.hpp"

#include <algorithm>
#include <cmath>

namespace pipescale::engine {

TimerLead::TimerLead(std::int64_t min_ns, std::int64_t max_ns)
    : min_ns_(std::max<std::int64_t>(min_ns, 0)), max_ns_(std::max(max_ns, min_ns_)), lead_ns_(min_ns_) {}

void TimerLead::record_lateness(std::int64_t late_ns) {
  const auto bucket = static_cast<std::size_t>(std::clamp<std::int64_t>(late_ns / kBucketNs, 0, kBuckets - 1));
  ++counts_[bucket];
  ++counted_;
  ++wakes_;
  if (counted_ >= 2 * kHalfLifeWakes) halve();
  if (wakes_ >= kWarmWakes && wakes_ % kRecomputeEvery == 0) estimate();
}

// The smallest bucket upper edge with at least kLeadQuantile of the counted wakes at or below it.
void TimerLead::estimate() {
  const auto wanted = static_cast<std::uint64_t>(std::llround(kLeadQuantile * static_cast<double>(counted_)));
  std::uint64_t below = 0;
  std::size_t bucket = 0;
  for (; bucket + 1 < kBuckets; ++bucket) {
    below += counts_[bucket];
    if (below >= wanted) break;
  }
  const auto edge = static_cast<std::int64_t>(bucket + 1) * kBucketNs;
  lead_ns_ = std::clamp(edge, min_ns_, max_ns_);
}

void TimerLead::halve() {
  counted_ = 0;
  for (auto& count : counts_) {
    count /= 2;
    counted_ += count;
  }
}

}  // namespace pipescale::engine

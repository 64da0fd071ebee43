#include "roles/common/role_stats.hpp"

#include <vector>

namespace pipescale::roles {

void SharedHistogram::publish(const LatencyHistogram& histogram) {
  const auto buckets = histogram.bucket_counts();
  for (std::size_t i = 0; i < counts.size() && i < buckets.size(); ++i) counts[i].set(buckets[i]);
  min_ns.set(histogram.min_ns());
  max_ns.set(histogram.max_ns());
  sum_ns.set(histogram.sum_ns());
}

void SharedHistogram::merge_into(LatencyHistogram& histogram) const {
  std::vector<std::uint64_t> buckets(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) buckets[i] = counts[i].get();
  histogram.merge_counts(buckets, min_ns.get(), max_ns.get(), sum_ns.get());
}

void SharedSummary::publish(const LatencyHistogram& histogram) {
  const LatencySummary s = histogram.summary();
  count.set(s.count);
  mean_ns.set(s.mean_ns);
  p50_ns.set(s.p50_ns);
  p90_ns.set(s.p90_ns);
  p99_ns.set(s.p99_ns);
  p999_ns.set(s.p999_ns);
  max_ns.set(s.max_ns);
}

LatencySummary SharedSummary::read() const {
  LatencySummary s;
  s.count = count.get();
  s.mean_ns = mean_ns.get();
  s.p50_ns = p50_ns.get();
  s.p90_ns = p90_ns.get();
  s.p99_ns = p99_ns.get();
  s.p999_ns = p999_ns.get();
  s.max_ns = max_ns.get();
  return s;
}

}  // namespace pipescale::roles

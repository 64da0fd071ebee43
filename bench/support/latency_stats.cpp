#include "bench/support/latency_stats.hpp"

#include <algorithm>
#include <cmath>

namespace pipescale::bench {
namespace {

std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, double quantile) {
  const auto count = static_cast<double>(sorted.size());
  const auto rank = static_cast<std::size_t>(std::ceil(quantile * count));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

LatencySummary summarize(std::vector<std::int64_t>& samples_ns) {
  if (samples_ns.empty()) return {};
  std::sort(samples_ns.begin(), samples_ns.end());
  return LatencySummary{nearest_rank(samples_ns, 0.50), nearest_rank(samples_ns, 0.90), nearest_rank(samples_ns, 0.99),
                        nearest_rank(samples_ns, 0.999), samples_ns.back()};
}

}  // namespace pipescale::bench

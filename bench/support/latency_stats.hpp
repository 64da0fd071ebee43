#pragma once
// Percentiles of a latency sample, every sample kept (no histogram buckets: 200,000 samples of 8
// bytes are cheap, and exact order statistics leave nothing to argue about).
#include <cstdint>
#include <vector>

namespace pipescale::bench {

struct LatencySummary {
  std::int64_t p50_ns = 0;
  std::int64_t p90_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t p999_ns = 0;
  std::int64_t max_ns = 0;
};

// Nearest-rank percentiles. Sorts its argument; an empty sample gives zeros.
LatencySummary summarize(std::vector<std::int64_t>& samples_ns);

}  // namespace pipescale::bench

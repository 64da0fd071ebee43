#pragma once
// A log-linear latency histogram in the manner of HdrHistogram: each power of two is split into
// 128 equal sub-buckets, so any recorded value is known to within 1/128 (0.8 %) of itself, from
// 1 ns up to 2^42 ns (about 73 minutes). Values below 256 ns are exact.
//
// Written here rather than taken from a library: Debian ships no C/C++ HdrHistogram package, and
// what is needed (record, merge, percentiles) fits in a page. Recording is O(1) and never
// allocates; the 4,608 counters are allocated once, at construction. Not thread-safe: one writer,
// and merge() to combine per-thread or per-process histograms.
#include <cstdint>
#include <span>
#include <vector>

namespace pipescale {

struct LatencySummary {
  std::uint64_t count = 0;
  std::int64_t min_ns = 0;
  double mean_ns = 0.0;
  std::int64_t p50_ns = 0;
  std::int64_t p90_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t p999_ns = 0;
  std::int64_t max_ns = 0;
};

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr std::int64_t kSubBucketCount = std::int64_t{1} << kSubBucketBits;
  static constexpr int kMaxValueBits = 42;
  // Larger values are counted in the top bucket (and still set max_ns exactly).
  static constexpr std::int64_t kMaxTrackableNs = (std::int64_t{1} << kMaxValueBits) - 1;
  static constexpr std::int64_t kBucketCount = (kMaxValueBits - kSubBucketBits + 1) * kSubBucketCount;

  LatencyHistogram();

  // Negative values (a clock step, a bad stamp) are counted as 0.
  void record(std::int64_t value_ns) { record_n(value_ns, 1); }
  void record_n(std::int64_t value_ns, std::uint64_t count);
  void merge(const LatencyHistogram& other);
  // Adds exported bucket counts (bucket_counts() of another histogram, perhaps copied through
  // shared memory) with that histogram's exact min, max and sum. A span of another length is a
  // caller's bug: only its first kBucketCount entries are read.
  void merge_counts(std::span<const std::uint64_t> counts, std::int64_t min_ns, std::int64_t max_ns, double sum_ns);
  void reset();

  // For export: one counter per bucket (bucket_index() order), and the exact sum of the values.
  [[nodiscard]] std::span<const std::uint64_t> bucket_counts() const { return counts_; }
  [[nodiscard]] double sum_ns() const { return sum_ns_; }

  [[nodiscard]] std::uint64_t count() const { return count_; }
  // min, max and mean are exact (not bucketed); all three are 0 when empty.
  [[nodiscard]] std::int64_t min_ns() const { return count_ == 0 ? 0 : min_ns_; }
  [[nodiscard]] std::int64_t max_ns() const { return max_ns_; }
  [[nodiscard]] double mean_ns() const;
  // The smallest recorded value v such that at least `percentile` % of the values are <= v, given
  // as the upper edge of v's bucket (so a tail is never under-reported), clamped to
  // [min_ns, max_ns]. percentile <= 0 gives min_ns, >= 100 gives max_ns; 0 when empty.
  [[nodiscard]] std::int64_t value_at_percentile(double percentile) const;
  [[nodiscard]] LatencySummary summary() const;

  // The bucket layout, exposed for tests and for readers of exported counts.
  [[nodiscard]] static std::int64_t bucket_index(std::int64_t value_ns);
  [[nodiscard]] static std::int64_t bucket_lowest_ns(std::int64_t index);
  [[nodiscard]] static std::int64_t bucket_highest_ns(std::int64_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
  double sum_ns_ = 0.0;  // a double: an int64 sum of hour-long values overflows after ~2.5 million
};

}  // namespace pipescale

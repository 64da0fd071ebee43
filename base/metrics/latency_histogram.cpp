#include "base/metrics/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pipescale {

namespace {

// Bucket index arithmetic is unsigned-free: all indexes fit comfortably in int64.
std::size_t slot(std::int64_t index) { return static_cast<std::size_t>(index); }

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(slot(kBucketCount), 0) {}

// Values below 2 * kSubBucketCount map to themselves. Above, a value whose highest set bit is e
// lands in group e - kSubBucketBits + 1, at the sub-bucket given by its top kSubBucketBits + 1
// bits; each group is kSubBucketCount buckets of width 2^(e - kSubBucketBits).
std::int64_t LatencyHistogram::bucket_index(std::int64_t value_ns) {
  const std::int64_t v = std::clamp<std::int64_t>(value_ns, 0, kMaxTrackableNs);
  if (v < kSubBucketCount) return v;
  const int top_bit = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(v))) - 1;
  const int shift = top_bit - kSubBucketBits;
  return (shift + 1) * kSubBucketCount + ((v >> shift) - kSubBucketCount);
}

std::int64_t LatencyHistogram::bucket_lowest_ns(std::int64_t index) {
  if (index < 2 * kSubBucketCount) return index;
  const std::int64_t group = index / kSubBucketCount;  // >= 2
  const std::int64_t sub = index % kSubBucketCount;
  const auto shift = static_cast<int>(group - 1);
  return (kSubBucketCount + sub) << shift;
}

std::int64_t LatencyHistogram::bucket_highest_ns(std::int64_t index) {
  if (index + 1 >= kBucketCount) return kMaxTrackableNs;
  return bucket_lowest_ns(index + 1) - 1;
}

void LatencyHistogram::record_n(std::int64_t value_ns, std::uint64_t count) {
  if (count == 0) return;
  const std::int64_t v = std::max<std::int64_t>(value_ns, 0);
  counts_[slot(bucket_index(v))] += count;
  if (count_ == 0 || v < min_ns_) min_ns_ = v;
  if (count_ == 0 || v > max_ns_) max_ns_ = v;
  count_ += count;
  sum_ns_ += static_cast<double>(v) * static_cast<double>(count);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ns_ = count_ == 0 ? other.min_ns_ : std::min(min_ns_, other.min_ns_);
  max_ns_ = count_ == 0 ? other.max_ns_ : std::max(max_ns_, other.max_ns_);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

void LatencyHistogram::merge_counts(std::span<const std::uint64_t> counts, std::int64_t min_ns, std::int64_t max_ns,
                                    double sum_ns) {
  std::uint64_t added = 0;
  const std::size_t n = std::min(counts.size(), counts_.size());
  for (std::size_t i = 0; i < n; ++i) {
    counts_[i] += counts[i];
    added += counts[i];
  }
  if (added == 0) return;
  min_ns_ = count_ == 0 ? min_ns : std::min(min_ns_, min_ns);
  max_ns_ = count_ == 0 ? max_ns : std::max(max_ns_, max_ns);
  count_ += added;
  sum_ns_ += sum_ns;
}

void LatencyHistogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ns_ = 0;
  max_ns_ = 0;
  sum_ns_ = 0.0;
}

double LatencyHistogram::mean_ns() const { return count_ == 0 ? 0.0 : sum_ns_ / static_cast<double>(count_); }

std::int64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (count_ == 0) return 0;
  if (!(percentile > 0.0)) return min_ns_;  // also catches NaN
  if (percentile >= 100.0) return max_ns_;
  // The rank of the wanted value, 1-based: ceil(p% of count), at least 1.
  const double exact_rank = percentile / 100.0 * static_cast<double>(count_);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact_rank)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // Not std::clamp: bounds merged from shared memory (merge_counts) may come in the wrong
      // order, which clamp does not allow; the result is then checked as a figure, not trusted.
      return std::max(std::min(bucket_highest_ns(static_cast<std::int64_t>(i)), max_ns_), min_ns_);
    }
  }
  return max_ns_;
}

LatencySummary LatencyHistogram::summary() const {
  LatencySummary s;
  s.count = count_;
  s.min_ns = min_ns();
  s.mean_ns = mean_ns();
  s.p50_ns = value_at_percentile(50.0);
  s.p90_ns = value_at_percentile(90.0);
  s.p99_ns = value_at_percentile(99.0);
  s.p999_ns = value_at_percentile(99.9);
  s.max_ns = max_ns();
  return s;
}

}  // namespace pipescale

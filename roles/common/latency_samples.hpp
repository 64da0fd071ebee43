#pragma once
// Measured batch times: a CSV of `batch_size,latency_ms` rows, one row per measured batch, in any
// order (base/csv/numeric_csv.hpp has the dialect: an optional header, '#' comments):
//
//   batch_size,latency_ms
//   1,9.8
//   1,10.4
//   4,21.0
//   ...
//
// Rules, each refused with "PATH:LINE:COLUMN: ..." naming the value: batch sizes are whole numbers
// from 1 to 65536, and batch size 1 is among them (L(1) drives the drop rule and the SLO split, as
// in a profile); latencies are positive, at most an hour; the median of each size does not fall
// below the median of a smaller size (the planning profile, latency_profile.hpp, must not fall).
// The largest size listed is the largest batch a Worker takes. latency_model.hpp draws from them.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace pipescale::roles {

struct LatencySampleSet {
  int batch_size = 0;
  std::vector<double> latency_ms;  // sorted ascending
  std::size_t first_line = 0;      // the line of this size's first row, for messages
  [[nodiscard]] double median_ms() const;
};

struct LatencySamples {
  std::vector<LatencySampleSet> sets;  // by increasing batch size; never empty once parsed

  // (batch size, median) of each set: the planning profile.
  [[nodiscard]] std::vector<std::pair<int, double>> medians() const;
};

[[nodiscard]] Result<LatencySamples> parse_latency_samples(std::string_view csv_text, std::string_view source_name);
[[nodiscard]] Result<LatencySamples> load_latency_samples(const std::string& path);

}  // namespace pipescale::roles

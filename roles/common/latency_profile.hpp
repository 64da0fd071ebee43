#pragma once
// A model's latency profile: how long a Worker takes to process one batch, by batch size.
//
// Given as a table of (batch_size, latency_ms), from a CSV file
//
//   batch_size,latency_ms     # header optional (base/csv/numeric_csv.hpp has the dialect)
//   1,12.5
//   8,30
//   32,95
//
// or inline in the config. Rules (each refused with a message naming the source and the line or
// entry): batch sizes are whole numbers, strictly increasing and starting at 1 (so that L(1), which
// the drop rule and the SLO split use, is measured and never guessed); latencies are > 0 and
// non-decreasing in batch size (a larger batch never finishes sooner; otherwise the Scheduler's
// "largest b that fits" would not be well defined). Between entries the latency is interpolated
// linearly. Beyond the largest entry there is no extrapolation: that entry is max_batch(), the
// largest batch a Worker of this model accepts, unless a smaller cap is given.
//
// Every batch size's latency is computed once, at construction, so latency_ns() is an array read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace pipescale::roles {

// The rules of a profile's entries, written once: the config checks them up front (so that a bad
// profile stops a run before any process starts) and LatencyProfile checks them again as it
// builds a Worker's table, both through the two functions below.
inline constexpr int kMaxBatchSize = 65536;
inline constexpr double kMaxLatencyMs = 3'600'000.0;  // one hour
inline constexpr std::string_view kBatchSizeRule = "a whole number of requests from 1 to 65536";
inline constexpr std::string_view kLatencyRule = "a positive number of milliseconds, at most 3600000";

// One entry as read, with its values as written (for messages).
struct ProfileEntry {
  double batch_size = 0.0;
  double latency_ms = 0.0;
  std::string batch_text;
  std::string latency_text;
};

// What is wrong with the entry's own values ("batch_size '2.5': expected ..."), or "".
[[nodiscard]] std::string profile_value_problem(const ProfileEntry& entry);
// What is wrong with the entry given the one before it (nullptr for the first): the table starts
// at batch size 1, batch sizes strictly increase, latencies do not fall. "" when it is in order.
[[nodiscard]] std::string profile_order_problem(const ProfileEntry* previous, const ProfileEntry& entry);

class LatencyProfile {
 public:
  // `source_name` (a path, a config key) starts every error message. `max_batch`, when given,
  // caps the batch size below the table's largest entry; it must lie in [1, largest entry].
  static Result<LatencyProfile> from_pairs(const std::vector<std::pair<int, double>>& batch_latency_ms,
                                           std::string_view source_name, std::optional<int> max_batch = std::nullopt);
  static Result<LatencyProfile> parse_csv(std::string_view csv_text, std::string_view source_name,
                                          std::optional<int> max_batch = std::nullopt);
  static Result<LatencyProfile> load_csv(const std::string& path, std::optional<int> max_batch = std::nullopt);

  // L(b) for 1 <= b <= max_batch(). Outside that range is a caller's bug (asserted); a release
  // build clamps b into the range rather than read out of bounds.
  [[nodiscard]] std::int64_t latency_ns(int batch_size) const;
  [[nodiscard]] int max_batch() const { return static_cast<int>(latency_ns_.size()); }
  // L(1): the fastest any request can pass through this model.
  [[nodiscard]] std::int64_t fastest_ns() const { return latency_ns_.front(); }
  // L(max_batch()).
  [[nodiscard]] std::int64_t slowest_ns() const { return latency_ns_.back(); }

 private:
  explicit LatencyProfile(std::vector<std::int64_t> latency_ns) : latency_ns_(std::move(latency_ns)) {}

  std::vector<std::int64_t> latency_ns_;  // [b - 1] = L(b)
};

}  // namespace pipescale::roles

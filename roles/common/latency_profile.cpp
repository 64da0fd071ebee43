#include "roles/common/latency_profile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "base/csv/numeric_csv.hpp"

namespace pipescale::roles {

namespace {

// One table entry, with where it came from ("file.csv:3: " or "stage.profile: entry 2: ").
struct Entry {
  ProfileEntry values;
  std::string where;
};

Status check_entry(const Entry& entry, const Entry* previous) {
  if (std::string problem = profile_value_problem(entry.values); !problem.empty()) return Error{entry.where + problem};
  if (std::string problem = profile_order_problem(previous == nullptr ? nullptr : &previous->values, entry.values);
      !problem.empty()) {
    return Error{entry.where + problem};
  }
  return Ok{};
}

// Fills L(b) for every b from 1 to the cap, interpolating linearly between entries.
std::vector<std::int64_t> tabulate(const std::vector<Entry>& entries, int max_batch) {
  std::vector<std::int64_t> table(static_cast<std::size_t>(max_batch));
  std::size_t upper = 0;  // the first entry at or above b
  for (int b = 1; b <= max_batch; ++b) {
    while (entries[upper].values.batch_size < b) ++upper;
    const ProfileEntry& hi = entries[upper].values;
    double latency_ms = hi.latency_ms;
    if (hi.batch_size > b) {
      const ProfileEntry& lo = entries[upper - 1].values;
      const double fraction = (b - lo.batch_size) / (hi.batch_size - lo.batch_size);
      latency_ms = lo.latency_ms + fraction * (hi.latency_ms - lo.latency_ms);
    }
    table[static_cast<std::size_t>(b - 1)] = std::llround(latency_ms * 1e6);
  }
  return table;
}

// Checks the entries and the cap, then tabulates.
Result<std::vector<std::int64_t>> build_table(const std::vector<Entry>& entries, std::string_view source_name,
                                              std::optional<int> max_batch);

}  // namespace

std::string profile_value_problem(const ProfileEntry& entry) {
  const double b = entry.batch_size;
  if (!(b >= 1.0 && b <= kMaxBatchSize && b == std::floor(b))) {
    return "batch_size '" + entry.batch_text + "': expected " + std::string(kBatchSizeRule);
  }
  if (!(entry.latency_ms > 0.0 && entry.latency_ms <= kMaxLatencyMs)) {
    return "latency_ms '" + entry.latency_text + "': expected " + std::string(kLatencyRule);
  }
  return {};
}

std::string profile_order_problem(const ProfileEntry* previous, const ProfileEntry& entry) {
  if (previous == nullptr) {
    if (entry.batch_size == 1.0) return {};
    return "expected the first batch_size to be 1, got " + entry.batch_text;
  }
  if (!(entry.batch_size > previous->batch_size)) {
    return "expected batch sizes in increasing order, got " + entry.batch_text + " after " + previous->batch_text;
  }
  if (entry.latency_ms < previous->latency_ms) {
    return "expected latency_ms not to fall as batches grow, got " + entry.latency_text + " at batch_size " +
           entry.batch_text + " after " + previous->latency_text + " at " + previous->batch_text;
  }
  return {};
}

Result<LatencyProfile> LatencyProfile::from_pairs(const std::vector<std::pair<int, double>>& batch_latency_ms,
                                                  std::string_view source_name, std::optional<int> max_batch) {
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < batch_latency_ms.size(); ++i) {
    const auto& [batch, latency] = batch_latency_ms[i];
    entries.push_back({{static_cast<double>(batch), latency, std::to_string(batch), format_number(latency)},
                       std::string(source_name) + ": entry " + std::to_string(i + 1) + ": "});
  }
  auto table = build_table(entries, source_name, max_batch);
  if (!table) return table.error();
  return LatencyProfile(std::move(table).value());
}

Result<LatencyProfile> LatencyProfile::parse_csv(std::string_view csv_text, std::string_view source_name,
                                                 std::optional<int> max_batch) {
  auto rows = parse_numeric_csv(csv_text, source_name, {"batch_size", "latency_ms"});
  if (!rows) return rows.error();
  std::vector<Entry> entries;
  for (const auto& row : rows.value()) {
    entries.push_back(
        {{row.values[0], row.values[1], row.texts[0], row.texts[1]}, csv_error(source_name, row.line_number, "")});
  }
  auto table = build_table(entries, source_name, max_batch);
  if (!table) return table.error();
  return LatencyProfile(std::move(table).value());
}

Result<LatencyProfile> LatencyProfile::load_csv(const std::string& path, std::optional<int> max_batch) {
  auto text = read_text_file(path);
  if (!text) return text.error();
  return parse_csv(text.value(), path, max_batch);
}

std::int64_t LatencyProfile::latency_ns(int batch_size) const {
  assert(batch_size >= 1 && batch_size <= max_batch());
  const int b = std::clamp(batch_size, 1, max_batch());
  return latency_ns_[static_cast<std::size_t>(b - 1)];
}

namespace {

Result<std::vector<std::int64_t>> build_table(const std::vector<Entry>& entries, std::string_view source_name,
                                              std::optional<int> max_batch) {
  if (entries.empty()) return Error{std::string(source_name) + ": no entries: expected at least (1, latency_ms)"};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto status = check_entry(entries[i], i == 0 ? nullptr : &entries[i - 1]); !status) return status.error();
  }
  const auto largest = static_cast<int>(entries.back().values.batch_size);
  if (max_batch && (*max_batch < 1 || *max_batch > largest)) {
    return Error{std::string(source_name) + ": max_batch " + std::to_string(*max_batch) + ": expected a value in [1, " +
                 std::to_string(largest) + "] (the profile's largest batch size; it is not extrapolated)"};
  }
  return tabulate(entries, max_batch.value_or(largest));
}

}  // namespace

}  // namespace pipescale::roles

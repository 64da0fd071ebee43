#include "roles/common/latency_profile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "base/csv/numeric_csv.hpp"

namespace pipescale::roles {

namespace {

// One table entry, with where it came from ("file.csv:3: " or "stage.profile: entry 2: ") and
// its text as written, for messages.
struct Entry {
  double batch_size = 0.0;
  double latency_ms = 0.0;
  std::string where;
  std::string batch_text;
  std::string latency_text;
};

Status check_entry(const Entry& entry, const Entry* previous) {
  const double b = entry.batch_size;
  if (!(b >= 1.0 && b <= LatencyProfile::kMaxSupportedBatch && b == std::floor(b))) {
    return Error{entry.where + "batch_size '" + entry.batch_text + "': expected a whole number in [1, " +
                 std::to_string(LatencyProfile::kMaxSupportedBatch) + "]"};
  }
  if (previous == nullptr && b != 1.0) {
    return Error{entry.where + "batch_size '" + entry.batch_text + "': expected 1 (the table starts at batch size 1)"};
  }
  if (previous != nullptr && !(b > previous->batch_size)) {
    return Error{entry.where + "batch_size '" + entry.batch_text + "': expected a batch size above the previous " +
                 previous->batch_text + " (batch sizes must increase strictly)"};
  }
  if (!(entry.latency_ms > 0.0 && std::isfinite(entry.latency_ms))) {
    return Error{entry.where + "latency_ms '" + entry.latency_text + "': expected a finite latency > 0"};
  }
  if (previous != nullptr && entry.latency_ms < previous->latency_ms) {
    return Error{entry.where + "latency_ms '" + entry.latency_text + "': expected at least the previous " +
                 previous->latency_text + " (latency must not decrease as the batch grows)"};
  }
  return Ok{};
}

// Fills L(b) for every b from 1 to the cap, interpolating linearly between entries.
std::vector<std::int64_t> tabulate(const std::vector<Entry>& entries, int max_batch) {
  std::vector<std::int64_t> table(static_cast<std::size_t>(max_batch));
  std::size_t upper = 0;  // the first entry at or above b
  for (int b = 1; b <= max_batch; ++b) {
    while (entries[upper].batch_size < b) ++upper;
    const Entry& hi = entries[upper];
    double latency_ms = hi.latency_ms;
    if (hi.batch_size > b) {
      const Entry& lo = entries[upper - 1];
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

Result<LatencyProfile> LatencyProfile::from_pairs(const std::vector<std::pair<int, double>>& batch_latency_ms,
                                                  std::string_view source_name, std::optional<int> max_batch) {
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < batch_latency_ms.size(); ++i) {
    const auto& [batch, latency] = batch_latency_ms[i];
    entries.push_back({static_cast<double>(batch), latency,
                       std::string(source_name) + ": entry " + std::to_string(i + 1) + ": ", std::to_string(batch),
                       format_number(latency)});
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
        {row.values[0], row.values[1], csv_error(source_name, row.line_number, ""), row.texts[0], row.texts[1]});
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
  const auto largest = static_cast<int>(entries.back().batch_size);
  if (max_batch && (*max_batch < 1 || *max_batch > largest)) {
    return Error{std::string(source_name) + ": max_batch " + std::to_string(*max_batch) + ": expected a value in [1, " +
                 std::to_string(largest) + "] (the profile's largest batch size; it is not extrapolated)"};
  }
  return tabulate(entries, max_batch.value_or(largest));
}

}  // namespace

}  // namespace pipescale::roles

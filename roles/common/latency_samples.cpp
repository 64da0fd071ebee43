#include "roles/common/latency_samples.hpp"

#include <algorithm>
#include <map>

#include "base/csv/numeric_csv.hpp"
#include "roles/common/latency_profile.hpp"

namespace pipescale::roles {

double LatencySampleSet::median_ms() const {
  const std::size_t n = latency_ms.size();
  if (n == 0) return 0.0;
  return n % 2 == 1 ? latency_ms[n / 2] : (latency_ms[n / 2 - 1] + latency_ms[n / 2]) / 2.0;
}

std::vector<std::pair<int, double>> LatencySamples::medians() const {
  std::vector<std::pair<int, double>> points;
  points.reserve(sets.size());
  for (const LatencySampleSet& set : sets) points.emplace_back(set.batch_size, set.median_ms());
  return points;
}

namespace {

// The row's own values: the profile's rules, named by column.
Status check_row(const NumericCsvRow& row, std::string_view source_name) {
  const ProfileEntry entry{row.values[0], row.values[1], row.texts[0], row.texts[1]};
  std::string problem = profile_value_problem(entry);
  if (problem.empty()) return Ok{};
  const std::size_t column = problem.rfind("batch_size", 0) == 0 ? row.columns[0] : row.columns[1];
  return Error{csv_error(source_name, row.line_number, column, problem)};
}

// Size 1 present, medians that do not fall as batches grow.
Status check_sets(const LatencySamples& samples, std::string_view source_name) {
  if (samples.sets.front().batch_size != 1) {
    return Error{std::string(source_name) + ": no sample of batch_size 1: expected one at least (L(1) is measured, " +
                 "never guessed), got batch sizes from " + std::to_string(samples.sets.front().batch_size)};
  }
  for (std::size_t i = 1; i < samples.sets.size(); ++i) {
    const LatencySampleSet& previous = samples.sets[i - 1];
    const LatencySampleSet& set = samples.sets[i];
    if (set.median_ms() < previous.median_ms()) {
      return Error{csv_error(source_name, set.first_line, 1,
                             "the median of batch_size " + std::to_string(set.batch_size) + " (" +
                                 format_number(set.median_ms()) + " ms) is below that of batch_size " +
                                 std::to_string(previous.batch_size) + " (" + format_number(previous.median_ms()) +
                                 " ms): expected latencies not to fall as batches grow")};
    }
  }
  return Ok{};
}

}  // namespace

Result<LatencySamples> parse_latency_samples(std::string_view csv_text, std::string_view source_name) {
  auto rows = parse_numeric_csv(csv_text, source_name, {"batch_size", "latency_ms"});
  if (!rows) return rows.error();
  std::map<int, LatencySampleSet> by_size;
  for (const NumericCsvRow& row : rows.value()) {
    if (auto status = check_row(row, source_name); !status) return status.error();
    LatencySampleSet& set = by_size[static_cast<int>(row.values[0])];
    if (set.latency_ms.empty()) {
      set.batch_size = static_cast<int>(row.values[0]);
      set.first_line = row.line_number;
    }
    set.latency_ms.push_back(row.values[1]);
  }
  LatencySamples samples;
  for (auto& [size, set] : by_size) {
    std::sort(set.latency_ms.begin(), set.latency_ms.end());
    samples.sets.push_back(std::move(set));
  }
  if (auto status = check_sets(samples, source_name); !status) return status.error();
  return samples;
}

Result<LatencySamples> load_latency_samples(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return text.error();
  return parse_latency_samples(text.value(), path);
}

}  // namespace pipescale::roles

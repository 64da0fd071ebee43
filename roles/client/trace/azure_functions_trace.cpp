#include "roles/client/trace/azure_functions_trace.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <set>

#include "roles/client/trace/trace_csv.hpp"

namespace pipescale::roles {
namespace {

constexpr std::size_t kKeyColumns = 4;  // HashOwner,HashApp,HashFunction,Trigger
constexpr std::size_t kFunctionColumn = 2;
constexpr std::string_view kKeyHeader = "HashOwner,HashApp,HashFunction,Trigger";

// The header's number of minute columns, or an error if it is not the layout's.
Result<std::size_t> minute_columns(const TraceCsvReader& reader, const TraceLine& line) {
  auto refuse = [&](std::size_t column, const std::string& what) -> Result<std::size_t> {
    return Error{reader.error(
        line.number, column,
        what + ": expected the header " + std::string(kKeyHeader) + ",1,2,... (the Azure Functions trace layout)")};
  };
  std::vector<TraceField> keys(line.fields.begin(), line.fields.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                              kKeyColumns, line.fields.size())));
  if (line.fields.size() <= kKeyColumns || join_fields(keys) != kKeyHeader) {
    return refuse(1, "header " + quote_field(join_fields(line.fields)));
  }
  for (std::size_t i = kKeyColumns; i < line.fields.size(); ++i) {
    if (line.fields[i].text != std::to_string(i - kKeyColumns + 1)) {
      return refuse(line.fields[i].column, "minute column " + quote_field(line.fields[i].text));
    }
  }
  return line.fields.size() - kKeyColumns;
}

// One function's row: its counts written into `minutes` (one per minute column), its total returned.
Result<std::int64_t> read_counts(const TraceCsvReader& reader, const TraceLine& line,
                                 std::vector<std::int64_t>* minutes) {
  const std::size_t expected = kKeyColumns + minutes->size();
  if (line.fields.size() < expected) {
    return Error{reader.error(line.number, line.end_column,
                              "missing minute column " + std::to_string(line.fields.size() - kKeyColumns + 1) +
                                  ": the row has " + std::to_string(line.fields.size()) + " fields, the header " +
                                  std::to_string(expected))};
  }
  if (line.fields.size() > expected) {
    return Error{reader.error(line, line.fields[expected],
                              "the row has " + std::to_string(line.fields.size()) + " fields, the header " +
                                  std::to_string(expected) + ": expected one per header column")};
  }
  std::int64_t total = 0;
  for (std::size_t i = kKeyColumns; i < line.fields.size(); ++i) {
    std::int64_t count = 0;
    if (!parse_count(line.fields[i].text, count) || count > (std::int64_t{1} << 40)) {
      return Error{reader.error(line, line.fields[i],
                                "minute " + std::to_string(i - kKeyColumns + 1) + " " +
                                    quote_field(line.fields[i].text) +
                                    ": expected a whole number of invocations >= 0")};
    }
    (*minutes)[i - kKeyColumns] += count;
    total += count;
  }
  return total;
}

// Reads every row; `take(row index, HashFunction)` says which rows to add into `minutes`.
template <class Take>
Result<std::vector<std::int64_t>> sum_rows(std::string_view text, std::string_view source_name, Take take,
                                           std::vector<std::int64_t>* totals) {
  TraceCsvReader reader(text, source_name);
  TraceLine line;
  if (!reader.next(line))
    return Error{reader.error_at_end("empty: expected the header " + std::string(kKeyHeader) + ",1,2,...")};
  auto minutes_count = minute_columns(reader, line);
  if (!minutes_count) return minutes_count.error();
  std::vector<std::int64_t> minutes(*minutes_count, 0);
  std::vector<std::int64_t> scratch(*minutes_count, 0);
  std::size_t rows = 0;
  while (reader.next(line)) {
    const bool taken = line.fields.size() > kFunctionColumn && take(rows, line.fields[kFunctionColumn].text);
    std::fill(scratch.begin(), scratch.end(), 0);
    auto total = read_counts(reader, line, &scratch);
    if (!total) return total.error();
    if (totals != nullptr) totals->push_back(*total);
    if (taken) std::transform(minutes.begin(), minutes.end(), scratch.begin(), minutes.begin(), std::plus<>());
    ++rows;
  }
  if (rows == 0) return Error{reader.error_at_end("no functions: expected rows after the header")};
  return minutes;
}

std::vector<TracePoint> to_points(const std::vector<std::int64_t>& minutes) {
  std::vector<TracePoint> points;
  points.reserve(minutes.size() + 1);
  for (std::size_t m = 0; m < minutes.size(); ++m) {
    points.push_back({60.0 * static_cast<double>(m), static_cast<double>(minutes[m]) / 60.0});
  }
  points.push_back({60.0 * static_cast<double>(minutes.size()), 0.0});
  return points;
}

Result<std::vector<std::int64_t>> sum_named(std::string_view text, std::string_view source_name,
                                            const std::vector<std::string>& names) {
  const std::set<std::string, std::less<>> wanted(names.begin(), names.end());
  std::set<std::string, std::less<>> found;
  auto minutes = sum_rows(
      text, source_name,
      [&](std::size_t, std::string_view hash) {
        if (!wanted.contains(hash)) return false;
        found.emplace(hash);
        return true;
      },
      nullptr);
  if (!minutes) return minutes;
  for (const std::string& name : names) {
    if (!found.contains(name)) {
      return Error{std::string(source_name) + ": client.trace_functions names '" + name +
                   "', which is no HashFunction of the file"};
    }
  }
  return minutes;
}

Result<std::vector<std::int64_t>> sum_top(std::string_view text, std::string_view source_name, std::size_t top) {
  std::vector<std::int64_t> totals;
  if (auto pass = sum_rows(
          text, source_name, [](std::size_t, std::string_view) { return false; }, &totals);
      !pass) {
    return pass;
  }
  std::vector<std::size_t> order(totals.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return totals[a] > totals[b]; });
  std::vector<bool> chosen(totals.size(), false);
  for (std::size_t i = 0; i < std::min(top, order.size()); ++i) chosen[order[i]] = true;
  return sum_rows(
      text, source_name, [&](std::size_t row, std::string_view) { return chosen[row]; }, nullptr);
}

}  // namespace

Result<std::vector<TracePoint>> parse_azure_functions_trace(std::string_view text, std::string_view source_name,
                                                            const FunctionSelection& selection) {
  Result<std::vector<std::int64_t>> minutes =
      !selection.names.empty()
          ? sum_named(text, source_name, selection.names)
          : (selection.top > 0 ? sum_top(text, source_name, selection.top)
                               : sum_rows(
                                     text, source_name, [](std::size_t, std::string_view) { return true; }, nullptr));
  if (!minutes) return minutes.error();
  return to_points(*minutes);
}

}  // namespace pipescale::roles

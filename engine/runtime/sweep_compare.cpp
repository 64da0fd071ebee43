#include "engine/runtime/sweep_compare.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <vector>

#include "base/metrics/json_writer.hpp"

namespace pipescale::engine {
namespace {

// The figures compared, in sweep.csv's units; `scale` turns fractions into percent.
struct Headline {
  const char* metric;
  const char* label;
  const char* unit;
  double scale;
  int decimals;
};

constexpr Headline kHeadlines[] = {
    {"slo_attainment", "SLO attainment %", "%", 100.0, 2},
    {"goodput_rps", "goodput /s", "1/s", 1.0, 1},
    {"drop_rate", "drop rate %", "%", 100.0, 2},
    {"p50_ms", "latency p50 ms", "ms", 1.0, 2},
    {"p99_ms", "latency p99 ms", "ms", 1.0, 2},
    {"worker_seconds", "worker-seconds", "s", 1.0, 1},
};

std::string fixed(double value, int places) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", places, value);
  return text;
}

std::string signed_fixed(double value, int places) {
  char text[64];
  std::snprintf(text, sizeof text, "%+.*f", places, value);
  if (std::strtod(text, nullptr) == 0.0) return fixed(0.0, places);
  return text;
}

SweepStatistic scaled(const SweepStatistic& statistic, double scale) {
  const auto times = [scale](const std::optional<double>& value) {
    return value ? std::optional<double>(*value * scale) : std::nullopt;
  };
  return {times(statistic.mean), times(statistic.low), times(statistic.high)};
}

// B's point whose values, taken in A's key order, are `values`; nullptr when B has none.
const SweepTablePoint* find_point(const ComparedSweep& b, const std::vector<std::string>& a_keys,
                                  const std::vector<std::string>& values) {
  for (const SweepTablePoint& point : b.table.points) {
    bool same = true;
    for (std::size_t k = 0; k < a_keys.size() && same; ++k) {
      const auto position = std::find(b.table.keys.begin(), b.table.keys.end(), a_keys[k]) - b.table.keys.begin();
      same = point.values[static_cast<std::size_t>(position)] == values[k];
    }
    if (same) return &point;
  }
  return nullptr;
}

std::string point_label(const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  std::string label;
  for (std::size_t k = 0; k < keys.size(); ++k)
    label.append(k == 0 ? "" : " ").append(keys[k]).append("=").append(values[k]);
  return label;
}

std::optional<SweepStatistic> metric_of(const SweepTablePoint& point, const Headline& headline) {
  const auto found = point.metrics.find(headline.metric);
  if (found == point.metrics.end() || !found->second.mean) return std::nullopt;
  return scaled(found->second, headline.scale);
}

std::string statistic_cell(const std::optional<SweepStatistic>& statistic, int places) {
  if (!statistic) return "-";
  std::string cell = fixed(*statistic->mean, places);
  if (statistic->low && statistic->high) {
    cell += " [" + fixed(*statistic->low, places) + ", " + fixed(*statistic->high, places) + "]";
  }
  return cell;
}

const char* verdict_text(IntervalVerdict verdict) {
  switch (verdict) {
    case IntervalVerdict::kOverlap: return "overlap";
    case IntervalVerdict::kBHigher: return "apart, B higher";
    case IntervalVerdict::kBLower: return "apart, B lower";
    case IntervalVerdict::kUnknown: break;
  }
  return "-";
}

std::string pad(const std::string& text, std::size_t width, bool right) {
  const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
  return right ? fill + text : text + fill;
}

std::string table_text(const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> widths(cells.front().size(), 0);
  for (const auto& line : cells) {
    for (std::size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], line[c].size());
  }
  std::string out;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < cells[r].size(); ++c) {
      line += std::string(c == 0 ? "" : " | ") + pad(cells[r][c], widths[c], c >= 2);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
    if (r == 0) out += std::string(line.size(), '-') + '\n';
  }
  return out;
}

std::string describe(const char* side, const ComparedSweep& sweep) {
  std::size_t fewest = 0;
  std::size_t most = 0;
  for (const SweepTablePoint& point : sweep.table.points) {
    fewest = fewest == 0 ? point.runs : std::min(fewest, point.runs);
    most = std::max(most, point.runs);
  }
  const std::string runs = fewest == most ? std::to_string(most) : std::to_string(fewest) + "-" + std::to_string(most);
  return std::string(side) + ": " + sweep.dir.string() + "  (" + std::to_string(sweep.table.points.size()) +
         " points, " + runs + " runs each)\n";
}

void add_point_rows(std::vector<std::vector<std::string>>& cells, const std::string& label, const SweepTablePoint& a,
                    const SweepTablePoint& b) {
  bool first = true;
  for (const Headline& headline : kHeadlines) {
    const auto stat_a = metric_of(a, headline);
    const auto stat_b = metric_of(b, headline);
    if (!stat_a && !stat_b) continue;
    const std::string difference =
        stat_a && stat_b ? signed_fixed(*stat_b->mean - *stat_a->mean, headline.decimals) : std::string("-");
    const IntervalVerdict verdict = stat_a && stat_b ? interval_verdict(*stat_a, *stat_b) : IntervalVerdict::kUnknown;
    cells.push_back({first ? label : "", headline.label, statistic_cell(stat_a, headline.decimals),
                     statistic_cell(stat_b, headline.decimals), difference, verdict_text(verdict)});
    first = false;
  }
}

void write_statistic(JsonWriter& json, const std::optional<SweepStatistic>& statistic, std::size_t runs) {
  if (!statistic) {
    json.null();
    return;
  }
  json.begin_object().key("runs").value(static_cast<std::uint64_t>(runs)).key("mean").value(*statistic->mean, 4);
  json.key("ci_low");
  statistic->low ? json.value(*statistic->low, 4) : json.null();
  json.key("ci_high");
  statistic->high ? json.value(*statistic->high, 4) : json.null();
  json.end_object();
}

void write_json_point(JsonWriter& json, const std::vector<std::string>& keys, const SweepTablePoint& a,
                      const SweepTablePoint& b) {
  json.begin_object().key("values").begin_object();
  for (std::size_t k = 0; k < keys.size(); ++k) json.key(keys[k]).value(a.values[k]);
  json.end_object().key("metrics").begin_object();
  for (const Headline& headline : kHeadlines) {
    const auto stat_a = metric_of(a, headline);
    const auto stat_b = metric_of(b, headline);
    if (!stat_a && !stat_b) continue;
    json.key(headline.metric).begin_object().key("unit").value(headline.unit).key("a");
    write_statistic(json, stat_a, a.runs);
    json.key("b");
    write_statistic(json, stat_b, b.runs);
    json.key("difference");
    stat_a&& stat_b ? json.value(*stat_b->mean - *stat_a->mean, 4) : json.null();
    const IntervalVerdict verdict = stat_a && stat_b ? interval_verdict(*stat_a, *stat_b) : IntervalVerdict::kUnknown;
    json.key("intervals_overlap");
    verdict == IntervalVerdict::kUnknown ? json.null() : json.value(verdict == IntervalVerdict::kOverlap);
    json.end_object();
  }
  json.end_object().end_object();
}

void write_json_unmatched(JsonWriter& json, const ComparedSweep& side, const ComparedSweep& other) {
  json.begin_array();
  for (const SweepTablePoint& point : side.table.points) {
    if (find_point(other, side.table.keys, point.values) != nullptr) continue;
    json.begin_object();
    for (std::size_t k = 0; k < side.table.keys.size(); ++k) json.key(side.table.keys[k]).value(point.values[k]);
    json.end_object();
  }
  json.end_array();
}

}  // namespace

IntervalVerdict interval_verdict(const SweepStatistic& a, const SweepStatistic& b) {
  if (!a.low || !a.high || !b.low || !b.high) return IntervalVerdict::kUnknown;
  if (*b.low > *a.high) return IntervalVerdict::kBHigher;
  if (*b.high < *a.low) return IntervalVerdict::kBLower;
  return IntervalVerdict::kOverlap;
}

Status check_same_keys(const ComparedSweep& a, const ComparedSweep& b) {
  std::vector<std::string> keys_a = a.table.keys;
  std::vector<std::string> keys_b = b.table.keys;
  std::sort(keys_a.begin(), keys_a.end());
  std::sort(keys_b.begin(), keys_b.end());
  if (keys_a == keys_b) return Ok{};
  const auto list = [](const std::vector<std::string>& keys) {
    std::string text;
    for (const std::string& key : keys) text.append(text.empty() ? "" : ", ").append(key);
    return text;
  };
  return Error{"the sweeps swept different keys (A: " + list(a.table.keys) + "; B: " + list(b.table.keys) +
               "): only sweeps over the same keys can be compared point by point"};
}

std::string sweep_comparison_table(const ComparedSweep& a, const ComparedSweep& b) {
  std::vector<std::vector<std::string>> cells{
      {"point", "metric", "A mean [95% CI]", "B mean [95% CI]", "B - A", "intervals"}};
  for (const SweepTablePoint& point : a.table.points) {
    const std::string label = point_label(a.table.keys, point.values);
    const SweepTablePoint* other = find_point(b, a.table.keys, point.values);
    if (other == nullptr) {
      cells.push_back({label, "(only in A)", "", "", "", ""});
    } else {
      add_point_rows(cells, label, point, *other);
    }
  }
  for (const SweepTablePoint& point : b.table.points) {
    if (find_point(a, b.table.keys, point.values) == nullptr) {
      cells.push_back({point_label(b.table.keys, point.values), "(only in B)", "", "", "", ""});
    }
  }
  return describe("A", a) + describe("B", b) + "\n" + table_text(cells);
}

std::string sweep_comparison_json(const ComparedSweep& a, const ComparedSweep& b) {
  JsonWriter json;
  json.begin_object();
  for (const auto* side : {&a, &b}) {
    json.key(side == &a ? "a" : "b").begin_object().key("sweep_dir").value(side->dir.string()).key("keys");
    json.begin_array();
    for (const std::string& key : side->table.keys) json.value(key);
    json.end_array().end_object();
  }
  json.key("points").begin_array();
  for (const SweepTablePoint& point : a.table.points) {
    const SweepTablePoint* other = find_point(b, a.table.keys, point.values);
    if (other != nullptr) write_json_point(json, a.table.keys, point, *other);
  }
  json.end_array().key("only_in_a");
  write_json_unmatched(json, a, b);
  json.key("only_in_b");
  write_json_unmatched(json, b, a);
  json.end_object();
  return json.str() + "\n";
}

int compare_sweeps(const CompareOptions& options, std::ostream& out, std::ostream& err) {
  constexpr int kUnreadable = 2;
  auto table_a = read_sweep_table(options.run_a);
  if (!table_a) {
    err << "pipescale compare: " << table_a.error().message << '\n';
    return kUnreadable;
  }
  auto table_b = read_sweep_table(options.run_b);
  if (!table_b) {
    err << "pipescale compare: " << table_b.error().message << '\n';
    return kUnreadable;
  }
  const ComparedSweep a{options.run_a, std::move(*table_a)};
  const ComparedSweep b{options.run_b, std::move(*table_b)};
  if (auto same = check_same_keys(a, b); !same) {
    err << "pipescale compare: " << same.error().message << '\n';
    return kUnreadable;
  }
  out << (options.json ? sweep_comparison_json(a, b) : sweep_comparison_table(a, b));
  return 0;
}

}  // namespace pipescale::engine

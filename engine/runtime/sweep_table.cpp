#include "engine/runtime/sweep_table.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/metrics/confidence_interval.hpp"

namespace pipescale::engine {
namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Empty for a figure a run does not have: empty, not 0, so a plot does not draw a zero.
std::string optional_cell(const std::optional<double>& value, int decimals) {
  return value.has_value() ? fixed(*value, decimals) : std::string();
}

// Relative to the csv's folder when the run is inside it, so a sweep folder can be moved whole;
// otherwise absolute, since a path relative to wherever the sweep was started means nothing later.
std::string run_dir_cell(const std::filesystem::path& csv_dir, const std::filesystem::path& run_dir) {
  const std::filesystem::path base = std::filesystem::absolute(csv_dir).lexically_normal();
  const std::filesystem::path run = std::filesystem::absolute(run_dir).lexically_normal();
  const std::filesystem::path relative = run.lexically_relative(base);
  if (!relative.empty() && *relative.begin() != "..") return relative.string();
  return run.string();
}

std::string key_cells(const std::vector<std::string>& cells) {
  std::string line;
  for (const std::string& cell : cells) line += csv_cell(cell) + ',';
  return line;
}

Status write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{std::string("cannot write ") + path.string() + ": " + std::strerror(errno)};
  return Ok{};
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
}

// The points in the order each first appears, each with its runs' indices.
std::vector<std::vector<std::size_t>> group_points(const std::vector<SweepRun>& runs) {
  std::vector<std::vector<std::size_t>> points;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto same = [&](const std::vector<std::size_t>& point) {
      return runs[point.front()].values == runs[i].values;
    };
    const auto found = std::find_if(points.begin(), points.end(), same);
    if (found == points.end()) {
      points.push_back({i});
    } else {
      found->push_back(i);
    }
  }
  return points;
}

// Means and bounds keep at least two decimals: the mean of three counts is rarely whole.
std::string point_row(const std::vector<SweepRun>& runs, const std::vector<std::size_t>& point,
                      const std::vector<std::string>& stages) {
  const SweepRun& first = runs[point.front()];
  std::string line = key_cells(first.values) + std::to_string(point.size()) + ',' + csv_cell(first.summary.mode);
  std::vector<std::vector<RunMetric>> metrics;
  metrics.reserve(point.size());
  for (const std::size_t index : point) metrics.push_back(run_metrics(runs[index].summary, stages));
  for (std::size_t m = 0; m < metrics.front().size(); ++m) {
    std::vector<double> sample;
    for (const auto& run : metrics) {
      if (run[m].value) sample.push_back(*run[m].value);
    }
    const int decimals = std::max(metrics.front()[m].decimals, 2);
    if (sample.empty()) {
      line += ",,,";
      continue;
    }
    const MeanInterval interval = mean_interval(sample);
    line += ',' + fixed(interval.mean, decimals) + ',' + optional_cell(interval.low, decimals) + ',' +
            optional_cell(interval.high, decimals);
  }
  return line + '\n';
}

}  // namespace

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::vector<RunMetric> run_metrics(const RunSummary& s, const std::vector<std::string>& stages) {
  const auto count = [](std::uint64_t value) { return std::optional<double>(static_cast<double>(value)); };
  const double drop_rate = s.sent == 0 ? 0.0 : static_cast<double>(s.dropped) / static_cast<double>(s.sent);
  std::vector<RunMetric> metrics{
      {"sent", 0, count(s.sent)},
      {"completed", 0, count(s.completed)},
      {"dropped", 0, count(s.dropped)},
      {"failed", 0, count(s.failed)},
      {"slo_attainment", 4, s.slo_attainment},
      {"drop_rate", 4, drop_rate},
      {"p50_ms", 3, s.latency_ms.p50},
      {"p90_ms", 3, s.latency_ms.p90},
      {"p99_ms", 3, s.latency_ms.p99},
      {"p999_ms", 3, s.latency_ms.p999},
      {"hop_p50_us", 1, s.hop_overhead_us.p50},
      {"worker_seconds", 3, total_worker_seconds(s)},
      {"goodput_rps", 1, s.goodput_rps},
      {"wasted_fraction", 4, s.wasted_fraction},
  };
  for (const std::string& name : stages) {
    const StageRunSummary* stage = find_stage(s, name);
    metrics.push_back({name + "_dropped", 0, stage == nullptr ? std::nullopt : count(stage->dropped)});
    metrics.push_back(
        {name + "_worker_seconds", 3, stage == nullptr ? std::nullopt : std::optional<double>(stage->worker_seconds)});
  }
  return metrics;
}

std::vector<std::string> sweep_stages(const std::vector<SweepRun>& runs) {
  std::vector<std::string> stages;
  if (!runs.empty()) {
    for (const StageRunSummary& stage : runs.front().summary.stages) stages.push_back(stage.name);
  }
  return stages;
}

Status write_sweep_runs_csv(const std::filesystem::path& path, const std::vector<std::string>& keys,
                            const std::vector<SweepRun>& runs) {
  const std::vector<std::string> stages = sweep_stages(runs);
  std::string text = key_cells(keys) + "replication,seed,mode";
  for (const RunMetric& metric : run_metrics(RunSummary{}, stages)) text += ',' + csv_cell(metric.name);
  text += ",run_dir\n";
  for (const SweepRun& run : runs) {
    std::ostringstream row;
    row << key_cells(run.values) << run.replication + 1 << ',' << run.seed << ',' << csv_cell(run.summary.mode);
    for (const RunMetric& metric : run_metrics(run.summary, stages))
      row << ',' << optional_cell(metric.value, metric.decimals);
    row << ',' << csv_cell(run_dir_cell(folder_of(path), run.run_dir)) << '\n';
    text += row.str();
  }
  return write_text(path, text);
}

Status write_sweep_csv(const std::filesystem::path& path, const std::vector<std::string>& keys,
                       const std::vector<SweepRun>& runs) {
  const std::vector<std::string> stages = sweep_stages(runs);
  std::string text = key_cells(keys) + "runs,mode";
  for (const RunMetric& metric : run_metrics(RunSummary{}, stages)) {
    text += ',' + csv_cell(metric.name + "_mean") + ',' + csv_cell(metric.name + "_ci_low") + ',' +
            csv_cell(metric.name + "_ci_high");
  }
  text += '\n';
  for (const auto& point : group_points(runs)) text += point_row(runs, point, stages);
  return write_text(path, text);
}

}  // namespace pipescale::engine

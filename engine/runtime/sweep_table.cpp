#include "engine/runtime/sweep_table.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace pipescale::engine {
namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
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

// Empty for a figure the run's summary.json does not have (written before it existed).
std::string optional_cell(const std::optional<double>& value, int decimals) {
  return value.has_value() ? fixed(*value, decimals) : std::string();
}

std::string header(const std::string& param, const std::vector<std::string>& stages) {
  std::string line = csv_cell(param) +
                     ",mode,sent,completed,dropped,failed,slo_attainment,drop_rate,p50_ms,p90_ms,p99_ms,p999_ms,"
                     "hop_p50_us,worker_seconds,goodput_rps,wasted_fraction";
  for (const std::string& stage : stages) {
    line += ',' + csv_cell(stage + "_dropped") + ',' + csv_cell(stage + "_worker_seconds");
  }
  return line + ",run_dir\n";
}

std::string row(const SweepPoint& point, const std::vector<std::string>& stages, const std::filesystem::path& csv_dir) {
  const RunSummary& s = point.summary;
  const double drop_rate = s.sent == 0 ? 0.0 : static_cast<double>(s.dropped) / static_cast<double>(s.sent);
  std::ostringstream out;
  out << csv_cell(point.value) << ',' << csv_cell(s.mode) << ',' << s.sent << ',' << s.completed << ',' << s.dropped
      << ',' << s.failed << ',' << fixed(s.slo_attainment, 4) << ',' << fixed(drop_rate, 4) << ','
      << fixed(s.latency_ms.p50, 3) << ',' << fixed(s.latency_ms.p90, 3) << ',' << fixed(s.latency_ms.p99, 3) << ','
      << fixed(s.latency_ms.p999, 3) << ',' << fixed(s.hop_overhead_us.p50, 1) << ','
      << fixed(total_worker_seconds(s), 3) << ',' << optional_cell(s.goodput_rps, 1) << ','
      << optional_cell(s.wasted_fraction, 4);
  for (const std::string& name : stages) {
    const StageRunSummary* stage = find_stage(s, name);
    if (stage == nullptr) {
      out << ",,";  // this run has no such stage: empty, not 0, so a plot does not draw a zero
    } else {
      out << ',' << stage->dropped << ',' << fixed(stage->worker_seconds, 3);
    }
  }
  out << ',' << csv_cell(run_dir_cell(csv_dir, point.run_dir)) << '\n';
  return out.str();
}

}  // namespace

Status write_sweep_csv(const std::filesystem::path& path, const std::string& param,
                       const std::vector<SweepPoint>& points) {
  std::vector<std::string> stages;
  if (!points.empty()) {
    for (const StageRunSummary& stage : points.front().summary.stages) stages.push_back(stage.name);
  }
  const std::filesystem::path csv_dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::string text = header(param, stages);
  for (const SweepPoint& point : points) text += row(point, stages, csv_dir);

  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{std::string("cannot write ") + path.string() + ": " + std::strerror(errno)};
  return Ok{};
}

}  // namespace pipescale::engine

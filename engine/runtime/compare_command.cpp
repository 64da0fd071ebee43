#include "engine/runtime/compare_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <ostream>

#include "base/metrics/json_writer.hpp"

namespace pipescale::engine {
namespace {

// How a row's values are printed; the JSON form names it as "unit".
enum class Unit { kCount, kPercent, kMs, kUs, kSeconds, kRate };

// One metric of both runs; a side is empty when that run has no such stage.
struct Row {
  std::string label;  // the table's first column
  std::string key;    // the JSON key: the summary.json path it comes from
  Unit unit;
  std::optional<double> a;
  std::optional<double> b;
};

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::kCount: return "count";
    case Unit::kPercent: return "%";
    case Unit::kMs: return "ms";
    case Unit::kUs: return "us";
    case Unit::kSeconds: return "s";
    case Unit::kRate: return "1/s";
  }
  return "";
}

int decimals(Unit unit) {
  switch (unit) {
    case Unit::kCount: return 0;
    case Unit::kUs: return 1;
    default: return 2;
  }
}

std::string fixed(double value, int places) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", places, value);
  return text;
}

// A signed figure; one that rounds to zero prints without a sign, so "-0.00" never appears.
std::string signed_fixed(double value, int places) {
  char text[64];
  std::snprintf(text, sizeof text, "%+.*f", places, value);
  if (std::strtod(text, nullptr) == 0.0) return fixed(0.0, places);
  return text;
}

// 250 -> "250", 150.5 -> "150.5": config values as the user wrote them.
std::string plain(double value) {
  std::string text = fixed(value, 3);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::optional<double> difference(const Row& row) {
  if (!row.a || !row.b) return std::nullopt;
  return *row.b - *row.a;
}

// In percent of A; none when A is 0 (or a side is missing).
std::optional<double> relative_change(const Row& row) {
  if (!row.a || !row.b || *row.a == 0.0) return std::nullopt;
  return (*row.b - *row.a) / *row.a * 100.0;
}

std::string value_cell(const std::optional<double>& value, Unit unit) {
  if (!value) return "-";
  return fixed(*value, decimals(unit)) + (unit == Unit::kPercent ? " %" : "");
}

std::string difference_cell(const Row& row) {
  const auto delta = difference(row);
  if (!delta) return "-";
  return signed_fixed(*delta, decimals(row.unit)) + (row.unit == Unit::kPercent ? " pp" : "");
}

std::string change_cell(const Row& row) {
  const auto change = relative_change(row);
  return change ? signed_fixed(*change, 1) + " %" : "-";
}

// In %; none ("-", null) for a run that sent nothing (its summary's slo_attainment is null).
std::optional<double> attainment_pct(const RunSummary& run) {
  if (std::isnan(run.slo_attainment)) return std::nullopt;
  return run.slo_attainment * 100.0;
}

std::optional<double> reason_count(const StageRunSummary* stage, const std::string& reason) {
  if (stage == nullptr) return std::nullopt;
  for (const auto& [name, count] : stage->drop_reasons) {
    if (name == reason) return static_cast<double>(count);
  }
  return 0.0;  // a reason one run's build did not count: none of its drops were for it
}

// A's stages in order, then those only B has.
std::vector<std::string> stage_union(const RunSummary& a, const RunSummary& b) {
  std::vector<std::string> names;
  for (const StageRunSummary& stage : a.stages) names.push_back(stage.name);
  for (const StageRunSummary& stage : b.stages) {
    if (std::find(names.begin(), names.end(), stage.name) == names.end()) names.push_back(stage.name);
  }
  return names;
}

// The reasons either run has for the stage, A's order first.
std::vector<std::string> reason_union(const StageRunSummary* a, const StageRunSummary* b) {
  std::vector<std::string> names;
  for (const StageRunSummary* stage : {a, b}) {
    if (stage == nullptr) continue;
    for (const auto& reason : stage->drop_reasons) {
      if (std::find(names.begin(), names.end(), reason.first) == names.end()) names.push_back(reason.first);
    }
  }
  return names;
}

std::optional<double> stage_seconds(const StageRunSummary* stage) {
  if (stage == nullptr) return std::nullopt;
  return stage->worker_seconds;
}

void add_drop_rows(std::vector<Row>& rows, const RunSummary& a, const RunSummary& b) {
  for (const std::string& name : stage_union(a, b)) {
    const StageRunSummary* stage_a = find_stage(a, name);
    const StageRunSummary* stage_b = find_stage(b, name);
    const std::string key = std::string("drops_by_stage.") + name + ".";
    const auto total = [](const StageRunSummary* stage) {
      return stage == nullptr ? std::nullopt : std::optional<double>(static_cast<double>(stage->dropped));
    };
    rows.push_back({std::string("drops ") + name, key + "total", Unit::kCount, total(stage_a), total(stage_b)});
    for (const std::string& reason : reason_union(stage_a, stage_b)) {
      Row row{std::string("  ") + reason, key + reason, Unit::kCount, reason_count(stage_a, reason),
              reason_count(stage_b, reason)};
      // Only the reasons that happened: four rows of zeros per stage would hide the ones that did.
      if (row.a.value_or(0.0) != 0.0 || row.b.value_or(0.0) != 0.0) rows.push_back(std::move(row));
    }
  }
}

void add_worker_seconds_rows(std::vector<Row>& rows, const RunSummary& a, const RunSummary& b) {
  for (const std::string& name : stage_union(a, b)) {
    rows.push_back({std::string("worker-seconds ") + name, std::string("worker_seconds.") + name, Unit::kSeconds,
                    stage_seconds(find_stage(a, name)), stage_seconds(find_stage(b, name))});
  }
  rows.push_back({"worker-seconds total", "worker_seconds.total", Unit::kSeconds, total_worker_seconds(a),
                  total_worker_seconds(b)});
}

std::vector<Row> comparison_rows(const RunSummary& a, const RunSummary& b) {
  const auto count = [](std::uint64_t value) { return static_cast<double>(value); };
  std::vector<Row> rows{
      {"sent", "sent", Unit::kCount, count(a.sent), count(b.sent)},
      {"completed", "completed", Unit::kCount, count(a.completed), count(b.completed)},
      {"dropped", "dropped", Unit::kCount, count(a.dropped), count(b.dropped)},
      {"failed", "failed", Unit::kCount, count(a.failed), count(b.failed)},
      {"SLO attainment", "slo_attainment", Unit::kPercent, attainment_pct(a), attainment_pct(b)},
      {"goodput /s", "goodput_rps", Unit::kRate, a.goodput_rps, b.goodput_rps},
      {"latency p50 ms", "latency_ms.p50", Unit::kMs, a.latency_ms.p50, b.latency_ms.p50},
      {"latency p90 ms", "latency_ms.p90", Unit::kMs, a.latency_ms.p90, b.latency_ms.p90},
      {"latency p99 ms", "latency_ms.p99", Unit::kMs, a.latency_ms.p99, b.latency_ms.p99},
      {"latency p99.9 ms", "latency_ms.p999", Unit::kMs, a.latency_ms.p999, b.latency_ms.p999},
      {"latency max ms", "latency_ms.max", Unit::kMs, a.latency_ms.max, b.latency_ms.max},
      {"hop overhead p50 us", "hop_overhead_us.p50", Unit::kUs, a.hop_overhead_us.p50, b.hop_overhead_us.p50},
      {"hop overhead p99 us", "hop_overhead_us.p99", Unit::kUs, a.hop_overhead_us.p99, b.hop_overhead_us.p99},
  };
  add_drop_rows(rows, a, b);
  add_worker_seconds_rows(rows, a, b);
  const auto percent = [](const std::optional<double>& fraction) {
    return fraction ? std::optional<double>(*fraction * 100.0) : std::nullopt;
  };
  rows.push_back({"wasted worker time", "wasted_fraction", Unit::kPercent, percent(a.wasted_fraction),
                  percent(b.wasted_fraction)});
  return rows;
}

std::string stage_list(const RunSummary& summary) {
  std::string names;
  for (const StageRunSummary& stage : summary.stages) names += std::string(names.empty() ? "" : ", ") + stage.name;
  return names.empty() ? "none" : names;
}

std::string describe_run(const ComparedRun& run) {
  const RunSummary& s = run.summary;
  std::string text = run.dir.string() + "  (" + s.mode;
  if (s.hop_delay_us) text += std::string(", hop delay ") + plain(*s.hop_delay_us) + " us";
  text += std::string(", ") + plain(s.duration_s) + " s, transport " + s.transport + ", scheduler " +
          (s.scheduler_enabled ? "on" : "off") + ", SLO " + plain(s.slo_ms) + " ms)";
  return text;
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
      line += std::string(c == 0 ? "" : " | ") + pad(cells[r][c], widths[c], c != 0);
    }
    out += line + '\n';
    if (r == 0) out += std::string(line.size(), '-') + '\n';
  }
  return out;
}

void write_json_side(JsonWriter& json, const ComparedRun& run) {
  const RunSummary& s = run.summary;
  json.begin_object();
  json.key("run_dir").value(run.dir.string()).key("mode").value(s.mode).key("transport").value(s.transport);
  json.key("scheduler_enabled").value(s.scheduler_enabled).key("slo_ms").value(s.slo_ms);
  json.key("duration_s").value(s.duration_s);
  json.key("hop_delay_us");
  if (s.hop_delay_us) {
    json.value(*s.hop_delay_us);
  } else {
    json.null();
  }
  json.end_object();
}

void write_json_number(JsonWriter& json, const std::optional<double>& value, Unit unit) {
  if (!value) {
    json.null();
  } else if (unit == Unit::kCount) {
    json.value(static_cast<std::int64_t>(std::llround(*value)));
  } else {
    json.value(*value);
  }
}

}  // namespace

std::vector<std::string> comparison_warnings(const ComparedRun& a, const ComparedRun& b) {
  std::vector<std::string> warnings;
  if (a.summary.slo_ms != b.summary.slo_ms) {
    warnings.push_back(std::string("the runs have different SLOs (A ") + plain(a.summary.slo_ms) + " ms, B " +
                       plain(b.summary.slo_ms) + " ms): attainment and drops measure different targets");
  }
  if (stage_list(a.summary) != stage_list(b.summary)) {
    warnings.push_back(std::string("the runs have different stages (A: ") + stage_list(a.summary) +
                       "; B: " + stage_list(b.summary) + "): they are different pipelines");
  }
  for (std::string& line : manifest_warnings(a.manifest, b.manifest)) warnings.push_back(std::move(line));
  return warnings;
}

std::string comparison_table(const ComparedRun& a, const ComparedRun& b) {
  std::vector<std::vector<std::string>> cells{{"metric", "A", "B", "B - A", "change"}};
  for (const Row& row : comparison_rows(a.summary, b.summary)) {
    cells.push_back(
        {row.label, value_cell(row.a, row.unit), value_cell(row.b, row.unit), difference_cell(row), change_cell(row)});
  }
  return std::string("A: ") + describe_run(a) + "\nB: " + describe_run(b) + "\n\n" + table_text(cells);
}

std::string comparison_json(const ComparedRun& a, const ComparedRun& b) {
  JsonWriter json;
  json.begin_object();
  json.key("a");
  write_json_side(json, a);
  json.key("b");
  write_json_side(json, b);
  json.key("warnings").begin_array();
  for (const std::string& warning : comparison_warnings(a, b)) json.value(warning);
  json.end_array();
  json.key("metrics").begin_object();
  for (const Row& row : comparison_rows(a.summary, b.summary)) {
    json.key(row.key).begin_object();
    json.key("unit").value(unit_name(row.unit));
    json.key("a");
    write_json_number(json, row.a, row.unit);
    json.key("b");
    write_json_number(json, row.b, row.unit);
    json.key("difference");
    write_json_number(json, difference(row), row.unit);
    json.key("change_pct");
    write_json_number(json, relative_change(row), Unit::kPercent);
    json.end_object();
  }
  json.end_object();
  json.end_object();
  return json.str() + "\n";
}

int compare_runs(const CompareOptions& options, std::ostream& out, std::ostream& err) {
  constexpr int kUnreadable = 2;
  auto summary_a = read_run_summary(options.run_a);
  if (!summary_a) {
    err << "pipescale compare: " << summary_a.error().message << '\n';
    return kUnreadable;
  }
  auto summary_b = read_run_summary(options.run_b);
  if (!summary_b) {
    err << "pipescale compare: " << summary_b.error().message << '\n';
    return kUnreadable;
  }
  ComparedRun a{options.run_a, std::move(*summary_a), std::nullopt};
  ComparedRun b{options.run_b, std::move(*summary_b), std::nullopt};
  for (ComparedRun* run : {&a, &b}) {
    auto manifest = read_manifest(run->dir);
    if (manifest) {
      run->manifest = std::move(*manifest);
    } else {
      err << "pipescale compare: warning: " << manifest.error().message << '\n';
    }
  }
  for (const std::string& warning : comparison_warnings(a, b)) {
    err << "pipescale compare: warning: " << warning << '\n';
  }
  out << (options.json ? comparison_json(a, b) : comparison_table(a, b));
  return 0;
}

}  // namespace pipescale::engine

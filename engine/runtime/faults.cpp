#include "engine/runtime/faults.hpp"

#include <algorithm>
#include <cmath>

#include "engine/config/fault_target.hpp"

namespace pipescale::engine {
namespace {

std::int64_t to_ns(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * 1e9)); }

void time_or_null(JsonWriter& json, const char* key, double seconds) {
  json.key(key);
  if (seconds < 0.0) {
    json.null();
  } else {
    json.value(seconds, 3);
  }
}

}  // namespace

std::vector<FaultStep> fault_schedule(const PipelineConfig& config) {
  std::vector<FaultStep> steps;
  for (std::size_t i = 0; i < config.faults.size(); ++i) {
    const FaultConfig& fault = config.faults[i];
    steps.push_back({to_ns(fault.at_s), i, true});
    if (fault.action != FaultAction::kKill) steps.push_back({to_ns(fault.at_s + fault.duration_s), i, false});
  }
  std::stable_sort(steps.begin(), steps.end(), [](const FaultStep& a, const FaultStep& b) {
    if (a.at_ns != b.at_ns) return a.at_ns < b.at_ns;
    return !a.begin && b.begin;
  });
  return steps;
}

std::vector<FaultRecord> fault_records(const PipelineConfig& config) {
  std::vector<FaultRecord> records(config.faults.size());
  for (std::size_t i = 0; i < config.faults.size(); ++i) records[i].resolved = resolve_fault_target(config, i);
  return records;
}

void faults_json(JsonWriter& json, const PipelineConfig& config, const std::vector<FaultRecord>& records) {
  json.key("faults").begin_array();
  for (std::size_t i = 0; i < config.faults.size() && i < records.size(); ++i) {
    const FaultConfig& fault = config.faults[i];
    const FaultRecord& record = records[i];
    json.begin_object();
    json.key("at_s").value(fault.at_s);
    json.key("target").value(fault.target);
    json.key(fault.action == FaultAction::kDropLink ? "link" : "process").value(record.resolved);
    json.key("action").value(fault_action_name(fault.action));
    if (fault.action != FaultAction::kKill) json.key("duration_s").value(fault.duration_s);
    if (fault.action == FaultAction::kSlow) json.key("factor").value(fault.factor);
    time_or_null(json, "applied_s", record.applied_s);
    time_or_null(json, "ended_s", record.ended_s);
    time_or_null(json, "lost_s", record.lost_s);
    time_or_null(json, "replaced_s", record.replaced_s);
    json.key("note").value(record.note);
    json.end_object();
  }
  json.end_array();
}

int faults_active(const PipelineConfig& config, const std::vector<FaultRecord>& records, std::uint32_t second) {
  const double from = second;
  const double to = from + 1.0;
  int active = 0;
  for (std::size_t i = 0; i < config.faults.size() && i < records.size(); ++i) {
    const FaultRecord& record = records[i];
    if (record.applied_s < 0.0 || record.applied_s >= to) continue;
    if (config.faults[i].action == FaultAction::kKill) {
      if (record.applied_s >= from) ++active;  // a moment: the second it happened
    } else if (record.ended_s < 0.0 || record.ended_s > from) {
      ++active;  // in force over [applied_s, ended_s)
    }
  }
  return active;
}

std::uint32_t slow_factor_milli(const FaultConfig& fault) {
  return static_cast<std::uint32_t>(std::lround(std::clamp(fault.factor, kMinSlowFactor, kMaxSlowFactor) * 1000.0));
}

}  // namespace pipescale::engine

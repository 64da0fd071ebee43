#include "engine/runtime/run_validity.hpp"

#include <cstdio>

namespace pipescale::engine {

void recovery_json(JsonWriter& json, const RunRecord& record, const Summary& summary) {
  json.key("lost").value(summary.lost);
  json.key("replacements").begin_array();
  for (const Replacement& replacement : record.replacements) {
    json.begin_object();
    json.key("process").value(replacement.process).key("at_s").value(replacement.at_s);
    json.key("old_pid").value(replacement.old_pid).key("new_pid").value(replacement.new_pid);
    json.key("why").value(replacement.why);
    json.end_object();
  }
  json.end_array();
}

void derived_json(JsonWriter& json, const RunRecord& record, const char* key, double value, int decimals) {
  json.key(key);
  if (valid(record)) {
    json.value(value, decimals);
  } else {
    json.null();
  }
}

namespace {

std::string reasons(const RunRecord& record) {
  std::string joined;
  for (const std::string& reason : record.invalid_reasons) joined += (joined.empty() ? "" : "; ") + reason;
  return joined;
}

}  // namespace

std::string derived_text(const RunRecord& record, const std::string& text) {
  return valid(record) ? text : "n/a (invalid: " + reasons(record) + ")";
}

std::string attainment_text(const RunRecord& record, const Summary& summary) {
  if (summary.sent == 0) return "n/a";  // nothing sent: no attainment to speak of
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.2f %%", summary.slo_attainment * 100.0);
  return derived_text(record, percent);
}

std::uint64_t lost_count(const RunRecord& record, const Summary& summary) {
  const std::uint64_t returned = summary.completed + summary.dropped + summary.failed;
  return !valid(record) && summary.sent > returned ? summary.sent - returned : 0;
}

std::string rates_line(const RunRecord& record, const Summary& summary) {
  char goodput[32];
  char throughput[32];
  std::snprintf(goodput, sizeof goodput, "%.1f", summary.goodput_rps);
  std::snprintf(throughput, sizeof throughput, "%.1f", summary.throughput_rps);
  return "  goodput " + derived_text(record, goodput) + " requests/s within the SLO, throughput " +
         derived_text(record, throughput) + " completed/s\n";
}

std::string recovery_lines(const RunRecord& record, const Summary& summary) {
  std::string out;
  if (!valid(record)) {
    out += "  lost " + std::to_string(summary.lost) + ": sent and never counted (" + reasons(record) + ")\n";
  }
  for (const Replacement& replacement : record.replacements) {
    char line[256];
    std::snprintf(line, sizeof line, "  replaced %s at %.1f s (pid %d -> %d)\n", replacement.process.c_str(),
                  replacement.at_s, replacement.old_pid, replacement.new_pid);
    out += line;
  }
  return out;
}

}  // namespace pipescale::engine

#include "bench/ipc/pingpong/pingpong_report.hpp"

#include <cstdio>
#include <optional>

#include "bench/support/run_info.hpp"

namespace pipescale::bench {
namespace {

std::optional<LatencySummary> find(const PingPongReport& report, const std::string& name) {
  for (const auto& [case_name, summary] : report.results) {
    if (case_name == name) return summary;
  }
  return std::nullopt;
}

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

void write_ratio(JsonWriter& json, const PingPongReport& report, const char* key, const char* top, const char* bottom) {
  const auto numerator = find(report, top);
  const auto denominator = find(report, bottom);
  if (numerator && denominator) json.key(key).value(ratio(numerator->p50_ns, denominator->p50_ns));
}

std::string table_row(const std::string& name, const LatencySummary& summary,
                      const std::optional<LatencySummary>& floor) {
  char row[200];
  const std::int64_t floor_p50 = floor ? floor->p50_ns : 0;
  std::snprintf(row, sizeof row, "%-20s %9lld %9lld %9lld %9lld %10lld %10lld %9.2f\n", name.c_str(),
                static_cast<long long>(summary.p50_ns), static_cast<long long>(summary.p90_ns),
                static_cast<long long>(summary.p99_ns), static_cast<long long>(summary.p999_ns),
                static_cast<long long>(summary.max_ns), static_cast<long long>(floor_p50),
                ratio(summary.p50_ns, floor_p50));
  return row;
}

}  // namespace

std::string pingpong_json(const PingPongReport& report) {
  JsonWriter json;
  json.begin_object();
  json.key("cpu").value(report.cpu_model);
  json.key("cpus").value(report.cpus);
  json.key("message_bytes").value(static_cast<std::uint64_t>(report.config.message_bytes));
  json.key("round_trips").value(report.config.timed_round_trips());
  json.key("results").begin_object();
  for (const auto& [name, summary] : report.results) {
    json.key(name).begin_object();
    json.key("p50_ns").value(summary.p50_ns).key("p90_ns").value(summary.p90_ns);
    json.key("p99_ns").value(summary.p99_ns).key("p999_ns").value(summary.p999_ns);
    json.key("max_ns").value(summary.max_ns);
    json.end_object();
  }
  json.end_object();
  if (report.idle_measured) json.key("idle_cpu_percent").value(report.idle.percent);
  json.key("ratios").begin_object();
  write_ratio(json, report, "shm_spin_over_floor_p50", "shm_spin", "floor");
  write_ratio(json, report, "uds_over_shm_spin_p50", "uds", "shm_spin");
  json.end_object();
  json.key("commit").value(report.commit);
  json.end_object();
  return json.str();
}

std::string pingpong_table(const PingPongReport& report) {
  char line[400];
  std::string text;
  const PingPongConfig& config = report.config;
  std::snprintf(line, sizeof line,
                "ping-pong: %u-byte messages, one in flight; per case %llu timed round trips, in %llu rounds of "
                "%llu (+%llu untimed) interleaved with the other cases, after %llu untimed\n",
                config.message_bytes, static_cast<unsigned long long>(config.timed_round_trips()),
                static_cast<unsigned long long>(config.rounds),
                static_cast<unsigned long long>(config.block_round_trips),
                static_cast<unsigned long long>(config.block_warmup_round_trips),
                static_cast<unsigned long long>(config.warmup_round_trips));
  text += line;
  std::snprintf(line, sizeof line, "cpu: %s; cpus %d and %d (shared cache: %s); commit %s\n", report.cpu_model.c_str(),
                report.cpus.at(0), report.cpus.at(1), report.shared_cache.c_str(), report.commit.c_str());
  text += line;
  std::snprintf(line, sizeof line, "scheduling: %s; each sample includes one CLOCK_MONOTONIC read (~%lld ns)\n\n",
                report.realtime ? "SCHED_FIFO" : "normal", static_cast<long long>(report.clock_read_ns));
  text += line;
  std::snprintf(line, sizeof line, "%-20s %9s %9s %9s %9s %10s %10s %9s\n", "case", "p50 ns", "p90 ns", "p99 ns",
                "p99.9 ns", "max ns", "floor p50", "x floor");
  text += line;
  const auto floor = find(report, "floor");
  for (const auto& [name, summary] : report.results) text += table_row(name, summary, floor);
  if (report.idle_measured) {
    std::snprintf(line, sizeof line, "\nidle spin-then-park consumer: %.3f%% of a core over %.1f s (%llu parks)\n",
                  report.idle.percent, report.idle.wall_seconds, static_cast<unsigned long long>(report.idle.parks));
    text += line;
  }
  return text;
}

}  // namespace pipescale::bench

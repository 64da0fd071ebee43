// placement_bench: what placement changes on this machine. The ring ping-pong (the cache-line
// floor and the spinning shared-memory ring) between one pair of PUs of each kind the topology
// offers: two hardware threads of one core, two cores under one cache, two cores of one node
// without a shared cache, two NUMA nodes. The same harness and timing as pingpong_bench, whose
// session interleaves the cases in short blocks (pingpong_session.hpp); the pairs run one after
// another, so each pair's ring is compared with the floor measured beside it.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "bench/ipc/pingpong/pingpong_session.hpp"
#include "bench/support/latency_stats.hpp"
#include "bench/support/run_info.hpp"
#include "engine/placement/affinity.hpp"
#include "engine/placement/pair_classes.hpp"
#include "ipc/ring/ring_layout.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::bench {
namespace {

struct Options {
  std::uint64_t round_trips = 100'000;
  std::uint32_t message_bytes = 64;
  std::string json_path;
};

struct PairResult {
  engine::PuPair pair;
  LatencySummary floor;
  LatencySummary ring;
};

PingPongConfig config_for(const Options& options, const engine::PuPair& pair) {
  PingPongConfig config;
  config.parent_pu = pair.first_pu;
  config.child_pu = pair.second_pu;
  config.message_bytes = options.message_bytes;
  config.cases = {CaseKind::kFloor, CaseKind::kShmSpin};
  config.rounds = (options.round_trips + config.block_round_trips - 1) / config.block_round_trips;
  // A warm-up of at least one lap touches every page of the ring once (first-touch faults cost us).
  const std::uint64_t lap = config.ring_capacity_bytes / ipc::record_bytes(config.message_bytes) + 1;
  if (config.warmup_round_trips < lap) config.warmup_round_trips = lap;
  return config;
}

Result<PairResult> measure(const Options& options, const engine::PuPair& pair) {
  const PingPongConfig config = config_for(options, pair);
  if (auto bound = engine::bind_process_to_pus({pair.first_pu}); !bound) return bound.error();
  auto samples = run_session(config);
  if (!samples) return Error{pair.name + ": " + samples.error().message};
  return PairResult{pair, summarize((*samples)[0]), summarize((*samples)[1])};
}

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

void write_summary(JsonWriter& json, const char* key, const LatencySummary& summary) {
  json.key(key).begin_object();
  json.key("p50_ns").value(summary.p50_ns).key("p90_ns").value(summary.p90_ns);
  json.key("p99_ns").value(summary.p99_ns).key("p999_ns").value(summary.p999_ns);
  json.key("max_ns").value(summary.max_ns);
  json.end_object();
}

std::string report_json(const Options& options, const std::vector<PairResult>& results) {
  JsonWriter json;
  json.begin_object();
  json.key("cpu").value(engine::cpu_model());
  json.key("message_bytes").value(static_cast<std::uint64_t>(options.message_bytes));
  json.key("round_trips").value(config_for(options, results.front().pair).timed_round_trips());
  json.key("results").begin_object();
  for (const PairResult& result : results) {
    json.key(result.pair.name).begin_object();
    json.key("cpus").value(std::vector<int>{result.pair.first_pu, result.pair.second_pu});
    json.key("shared").value(result.pair.shared);
    write_summary(json, "floor", result.floor);
    write_summary(json, "shm_spin", result.ring);
    json.key("shm_spin_over_floor_p50").value(ratio(result.ring.p50_ns, result.floor.p50_ns));
    json.end_object();
  }
  json.end_object();
  json.key("commit").value(commit_id());
  json.end_object();
  return json.str();
}

std::string report_table(const Options& options, const std::vector<PairResult>& results) {
  char line[300];
  std::snprintf(line, sizeof line,
                "placement: ring ping-pong, %u-byte messages, per pair of PUs of each kind this machine offers\n"
                "cpu: %s; commit %s\n\n%-16s %-9s %-14s %9s %9s %9s %9s %10s %9s\n",
                options.message_bytes, engine::cpu_model().c_str(), commit_id().c_str(), "pair", "cpus", "shared",
                "floor p50", "ring p50", "ring p90", "ring p99", "ring p99.9", "x floor");
  std::string text = line;
  for (const PairResult& result : results) {
    const std::string cpus = std::to_string(result.pair.first_pu) + "," + std::to_string(result.pair.second_pu);
    std::snprintf(line, sizeof line, "%-16s %-9s %-14s %9lld %9lld %9lld %9lld %10lld %9.2f\n",
                  result.pair.name.c_str(), cpus.c_str(), result.pair.shared.c_str(),
                  static_cast<long long>(result.floor.p50_ns), static_cast<long long>(result.ring.p50_ns),
                  static_cast<long long>(result.ring.p90_ns), static_cast<long long>(result.ring.p99_ns),
                  static_cast<long long>(result.ring.p999_ns), ratio(result.ring.p50_ns, result.floor.p50_ns));
    text += line;
  }
  return text;
}

Status run(const Options& options) {
  auto pairs = engine::pair_classes("");
  if (!pairs) return pairs.error();
  if (pairs->empty()) return Error{"this machine offers no pair of PUs (one PU only)"};
  ipc::sweep_stale_segments();
  std::vector<PairResult> results;
  for (const engine::PuPair& pair : *pairs) {
    auto result = measure(options, pair);
    if (!result) return result.error();
    results.push_back(*result);
  }
  return emit_report(report_table(options, results), report_json(options, results), options.json_path);
}

}  // namespace
}  // namespace pipescale::bench

int main(int argc, char** argv) {
  pipescale::bench::Options options;
  CLI::App app{
      "Ring ping-pong between one pair of PUs of each kind this machine offers (SMT siblings, same "
      "cache, different cache, different NUMA node), beside the cache-line floor"};
  app.add_option("--round-trips", options.round_trips, "timed round trips per case and pair")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{100'000'000}));
  app.add_option("--message-bytes", options.message_bytes, "payload bytes per message")
      ->capture_default_str()
      ->check(CLI::Range(8u, 1u << 20));
  app.add_option("--json", options.json_path, "write the JSON result here instead of stdout");
  CLI11_PARSE(app, argc, argv);
  if (auto done = pipescale::bench::run(options); !done) {
    std::fprintf(stderr, "placement_bench: %s\n", done.error().message.c_str());
    return 1;
  }
  return 0;
}

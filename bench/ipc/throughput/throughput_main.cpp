// throughput_bench: messages per second from one producer process to one consumer process on two
// cores, through one shared-memory ring and through a Unix socketpair. See bench/README.md.
//
// Fairness: the cases alternate (shm, uds, shm, uds, ...) and each reports the median of its
// repetitions, so a burst of activity elsewhere on the box does not decide the ratio.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench/ipc/throughput/throughput_case.hpp"
#include "bench/support/child_process.hpp"
#include "bench/support/run_info.hpp"
#include "engine/placement/affinity.hpp"
#include "ipc/ring/ring_layout.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::bench {
namespace {

struct Options {
  ThroughputConfig config;
  int repetitions = 3;
  std::vector<int> cpus;
  std::string json_path;
  bool realtime = false;
};

struct CaseResult {
  std::string name;
  double msgs_per_s = 0;
};

Result<Throughput> run_shm_payload_throughput(const ThroughputConfig& config) {
  ThroughputConfig payload_config = config;
  payload_config.ring_payload_is_message = true;
  return run_shm_throughput(payload_config);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0.0 : values[(values.size() - 1) / 2];
}

void report_round(int round, int repetitions, const char* name, const Throughput& measured) {
  const double per_receive = static_cast<double>(measured.messages) /
                             static_cast<double>(std::max<std::uint64_t>(measured.polls_with_data, 1));
  std::fprintf(stderr, "round %d/%d %-4s %12.0f msgs/s (%llu messages in %.2f s; %.1f per receive, %llu full)\n", round,
               repetitions, name, measured.msgs_per_s(), static_cast<unsigned long long>(measured.messages),
               measured.seconds, per_receive, static_cast<unsigned long long>(measured.full_events));
}

Result<std::vector<CaseResult>> run_rounds(const ThroughputConfig& config, int repetitions) {
  using Runner = Result<Throughput> (*)(const ThroughputConfig&);
  // shm: a record of message_bytes (header included), as the socket carries message_bytes;
  // shm_payload: message_bytes of payload after the header, for the records an RPC would send.
  const std::pair<const char*, Runner> cases[] = {
      {"shm", run_shm_throughput}, {"uds", run_uds_throughput}, {"shm_payload", run_shm_payload_throughput}};
  std::vector<std::vector<double>> rates(std::size(cases));
  for (int round = 1; round <= repetitions; ++round) {
    for (std::size_t index = 0; index < std::size(cases); ++index) {
      auto measured = cases[index].second(config);
      if (!measured) return Error{std::string(cases[index].first) + ": " + measured.error().message};
      report_round(round, repetitions, cases[index].first, *measured);
      rates[index].push_back(measured->msgs_per_s());
    }
  }
  std::vector<CaseResult> results;
  for (std::size_t index = 0; index < std::size(cases); ++index)
    results.push_back({cases[index].first, median(rates[index])});
  return results;
}

std::string to_json(const std::vector<CaseResult>& results, const std::vector<int>& cpus, std::uint32_t message_bytes) {
  JsonWriter json;
  json.begin_object().key("results").begin_object();
  for (const CaseResult& each : results)
    json.key(each.name).begin_object().key("msgs_per_s").value(each.msgs_per_s).end_object();
  json.end_object();
  json.key("cpu").value(engine::cpu_model()).key("cpus").value(cpus);
  json.key("message_bytes").value(static_cast<std::uint64_t>(message_bytes));
  json.key("ring_record_bytes").value(static_cast<std::uint64_t>(message_bytes));
  json.key("ring_payload_bytes").value(static_cast<std::uint64_t>(message_bytes) - ipc::kRecordHeaderBytes);
  json.key("shm_payload_record_bytes").value(ipc::record_bytes(message_bytes));
  json.key("ratios")
      .begin_object()
      .key("shm_over_uds")
      .value(results[0].msgs_per_s / results[1].msgs_per_s)
      .end_object();
  json.key("commit").value(commit_id());
  json.end_object();
  return json.str();
}

std::string to_table(const std::vector<CaseResult>& results, const std::vector<int>& cpus, const Options& options) {
  std::string text;
  char line[512];
  std::snprintf(line, sizeof line,
                "throughput: %u-byte messages (shm: a record of that size, its header included; shm_payload: that "
                "much payload after the header), producer on cpu %d, consumer on cpu %d; median of %d runs of %.1f s\n"
                "cpu: %s (shared cache: %s); scheduling: %s; commit %s\n\n%-12s %14s %12s %10s\n",
                options.config.message_bytes, cpus[1], cpus[0], options.repetitions, options.config.duration_seconds,
                engine::cpu_model().c_str(), shared_cache(cpus[0], cpus[1]).c_str(),
                options.realtime ? "SCHED_FIFO" : "normal", commit_id().c_str(), "case", "msgs/s", "MB/s", "x uds");
  text += line;
  for (const CaseResult& each : results) {
    std::snprintf(line, sizeof line, "%-12s %14.0f %12.1f %10.1f\n", each.name.c_str(), each.msgs_per_s,
                  each.msgs_per_s * options.config.message_bytes / 1e6, each.msgs_per_s / results[1].msgs_per_s);
    text += line;
  }
  return text;
}

Status run(Options options) {
  const std::vector<int> cpus = options.cpus.empty() ? engine::pick_two_cores() : options.cpus;
  options.config.parent_pu = cpus.at(0);
  options.config.child_pu = cpus.at(1);
  if (cpus[0] == cpus[1]) std::fprintf(stderr, "warning: only one PU: both processes share it\n");
  if (auto bound = engine::bind_process_to_pus({cpus[0]}); !bound) return bound.error();
  if (options.realtime) {
    if (auto realtime = use_realtime_scheduling(); !realtime) return realtime.error();
  }
  ipc::sweep_stale_segments();
  auto results = run_rounds(options.config, options.repetitions);
  if (!results) return results.error();
  return emit_report(to_table(*results, cpus, options), to_json(*results, cpus, options.config.message_bytes),
                     options.json_path);
}

}  // namespace
}  // namespace pipescale::bench

int main(int argc, char** argv) {
  pipescale::bench::Options options;
  CLI::App app{"Messages per second from one process to another: a shared-memory ring against a Unix socket"};
  app.add_option("--message-bytes", options.config.message_bytes,
                 "bytes per message: the ring record's size (header included) and the socket message's")
      ->capture_default_str()
      ->check(CLI::Range(48u, 1u << 20));
  app.add_option("--duration-s", options.config.duration_seconds, "measured seconds per case and round")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 600.0));
  app.add_option("--warmup-s", options.config.warmup_seconds, "unmeasured seconds first")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  app.add_option("--repetitions", options.repetitions, "rounds over both cases; the median is reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 99));
  app.add_option("--ring-bytes", options.config.ring_capacity_bytes, "ring capacity (raised to fit the message)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--poll-limit", options.config.poll_limit, "records per poll() of the ring consumer; 0: no limit")
      ->capture_default_str();
  app.add_option("--cpus", options.cpus, "the two PUs (OS indexes): consumer, producer")->expected(2);
  app.add_option("--json", options.json_path, "write the JSON result here instead of stdout");
  app.add_flag("--realtime", options.realtime, "run both processes under SCHED_FIFO (for a busy machine; needs root)");
  CLI11_PARSE(app, argc, argv);
  if (auto done = pipescale::bench::run(options); !done) {
    std::fprintf(stderr, "throughput_bench: %s\n", done.error().message.c_str());
    return 1;
  }
  return 0;
}

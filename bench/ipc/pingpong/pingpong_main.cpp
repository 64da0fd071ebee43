// pingpong_bench: round-trip latency of the shared-memory rings beside the machine's floor (a raw
// cache-line ping-pong) and the socket baselines, in one run, between the same two processes on
// the same two cores, with the same timing. How the cases are interleaved, and why, is in
// pingpong_session.hpp; what the output means is in bench/README.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "bench/ipc/pingpong/pingpong_report.hpp"
#include "bench/ipc/pingpong/pingpong_session.hpp"
#include "bench/ipc/shm_link.hpp"
#include "bench/support/child_process.hpp"
#include "bench/support/run_info.hpp"
#include "engine/placement/affinity.hpp"
#include "ipc/ring/ring_layout.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::bench {
namespace {

struct Options {
  PingPongConfig config;
  std::uint64_t round_trips = 200'000;
  double idle_seconds = 2.0;
  std::vector<int> cpus;
  std::vector<std::string> cases;
  std::string json_path;
  bool realtime = false;
};

// Fills in what the options leave to be computed: cores, cases, rounds, ring size, and a warm-up
// long enough to touch every page of the rings once (first-touch page faults cost microseconds).
PingPongConfig resolve(const Options& options, const std::vector<int>& cpus) {
  PingPongConfig config = options.config;
  config.parent_pu = cpus.at(0);
  config.child_pu = cpus.at(1);
  if (!options.cases.empty()) {
    config.cases.clear();
    for (const std::string& name : options.cases) config.cases.push_back(*parse_case(name));
  }
  config.rounds = (options.round_trips + config.block_round_trips - 1) / config.block_round_trips;
  config.ring_capacity_bytes = ring_capacity_for(config.message_bytes, config.ring_capacity_bytes);
  const std::uint64_t lap = config.ring_capacity_bytes / ipc::record_bytes(config.message_bytes) + 1;
  if (config.warmup_round_trips < lap) config.warmup_round_trips = lap;
  return config;
}

Status run(const Options& options) {
  PingPongReport report;
  report.cpus = options.cpus.empty() ? engine::pick_two_cores() : options.cpus;
  report.config = resolve(options, report.cpus);
  if (report.cpus[0] == report.cpus[1]) std::fprintf(stderr, "warning: only one PU: both processes share it\n");
  if (auto bound = engine::bind_process_to_pus({report.cpus[0]}); !bound) return bound.error();
  if (options.realtime) {
    if (auto realtime = use_realtime_scheduling(); !realtime) return realtime.error();
    report.realtime = true;
  }
  ipc::sweep_stale_segments();
  report.cpu_model = engine::cpu_model();
  report.shared_cache = shared_cache(report.cpus[0], report.cpus[1]);
  report.commit = commit_id();
  report.clock_read_ns = clock_read_ns();
  auto samples = run_session(report.config);
  if (!samples) return samples.error();
  for (std::size_t index = 0; index < report.config.cases.size(); ++index) {
    report.results.emplace_back(case_name(report.config.cases[index]), summarize((*samples)[index]));
  }
  if (options.idle_seconds > 0) {
    auto idle = measure_idle_cpu(report.config, options.idle_seconds);
    if (!idle) return Error{"idle: " + idle.error().message};
    report.idle = *idle;
    report.idle_measured = true;
  }
  return emit_report(pingpong_table(report), pingpong_json(report), options.json_path);
}

void add_options(CLI::App& app, Options& options) {
  PingPongConfig& config = options.config;
  app.add_option("--message-bytes", config.message_bytes, "payload bytes per message")
      ->capture_default_str()
      ->check(CLI::Range(8u, 1u << 20));
  app.add_option("--round-trips", options.round_trips, "timed round trips per case (rounded up to whole blocks)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  app.add_option("--warmup", config.warmup_round_trips, "untimed round trips per case at the start")
      ->capture_default_str();
  app.add_option("--block", config.block_round_trips, "timed round trips per case in each round")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
  app.add_option("--block-warmup", config.block_warmup_round_trips, "untimed round trips before each block")
      ->capture_default_str();
  app.add_option("--ring-bytes", config.ring_capacity_bytes, "ring capacity (raised to fit the message)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--idle-seconds", options.idle_seconds, "idle-CPU measurement length; 0 skips it")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--cpus", options.cpus, "the two PUs (OS indexes); default: two cores chosen with hwloc")->expected(2);
  app.add_option("--cases", options.cases,
                 "cases to run, of: floor shm_spin shm_spin_then_park shm_park uds tcp (the default set), "
                 "line_walk raw_records (diagnostics)")
      ->delimiter(',')
      ->check(CLI::IsMember(
          {"floor", "shm_spin", "shm_spin_then_park", "shm_park", "uds", "tcp", "line_walk", "raw_records"}));
  app.add_option("--json", options.json_path, "write the JSON result here instead of stdout");
  app.add_flag("--realtime", options.realtime, "run both processes under SCHED_FIFO (for a busy machine; needs root)");
}

}  // namespace
}  // namespace pipescale::bench

int main(int argc, char** argv) {
  pipescale::bench::Options options;
  CLI::App app{"Round-trip latency of the shared-memory rings beside the cache-line floor, Unix sockets and TCP"};
  pipescale::bench::add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  if (auto done = pipescale::bench::run(options); !done) {
    std::fprintf(stderr, "pingpong_bench: %s\n", done.error().message.c_str());
    return 1;
  }
  return 0;
}

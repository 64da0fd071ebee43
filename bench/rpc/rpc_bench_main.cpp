// rpc_bench: FrontendService.SendRequest round trips between two processes on two cores, over the
// shared-memory rings (spinning, and parking on the doorbells) and over gRPC with the same
// FlatBuffers messages (Unix socket, loopback TCP), beside the machine's floor (the raw cache-line
// ping-pong of bench/ipc), all in one run. Latency with one call in flight, throughput with a
// window of calls in flight, and the rings' allocations per call. How the cases are scheduled is
// in rpc_session.hpp; what the output means is in bench/README.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

#include "bench/rpc/rpc_report.hpp"
#include "bench/rpc/rpc_session.hpp"
#include "bench/support/child_process.hpp"
#include "bench/support/run_info.hpp"
#include "engine/placement/affinity.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::bench {
namespace {

struct Options {
  RpcBenchConfig config;
  std::vector<int> cpus;
  std::vector<std::string> cases;
  std::string json_path;
  bool realtime = false;
  bool diagnostics = false;
};

Status run(Options& options) {
  RpcBenchReport report;
  report.cpus = options.cpus.empty() ? engine::pick_two_cores() : options.cpus;
  RpcBenchConfig& config = options.config;
  config.client_pu = report.cpus.at(0);
  config.server_pu = report.cpus.at(1);
  if (!options.cases.empty()) {
    config.cases.clear();
    for (const std::string& name : options.cases) config.cases.push_back(*parse_rpc_case(name));
  }
  if (options.diagnostics)
    config.cases.insert(config.cases.end(), std::begin(kDiagnosticRpcCases), std::end(kDiagnosticRpcCases));
  const auto canonical = [](RpcCase kind) { return static_cast<int>(kind); };  // floor first
  std::sort(config.cases.begin(), config.cases.end(),
            [&](RpcCase a, RpcCase b) { return canonical(a) < canonical(b); });
  config.cases.erase(std::unique(config.cases.begin(), config.cases.end()), config.cases.end());
  if (report.cpus[0] == report.cpus[1]) std::fprintf(stderr, "warning: only one PU: both processes share it\n");
  if (auto bound = engine::bind_process_to_pus({config.client_pu}); !bound) return bound.error();
  if (options.realtime) {
    if (auto realtime = use_realtime_scheduling(); !realtime) return realtime.error();
    report.realtime = true;
  }
  ipc::sweep_stale_segments();
  report.cpu_model = engine::cpu_model();
  report.shared_cache = shared_cache(config.client_pu, config.server_pu);
  report.commit = commit_id();
  report.clock_read_ns = clock_read_ns();
  report.config = config;
  auto compute = measure_compute_costs(config.stage_visits);
  if (!compute) return Error{"compute costs: " + compute.error().message};
  report.compute = *compute;
  auto session = run_rpc_session(config);
  if (!session) return session.error();
  report.request_bytes = session->request_bytes;
  report.response_bytes = session->response_bytes;
  for (CaseOutcome& outcome : session->cases) report.results.push_back(summarize_case(outcome, config.rounds));
  return emit_report(rpc_table(report), rpc_json(report), options.json_path);
}

void add_options(CLI::App& app, Options& options) {
  RpcBenchConfig& config = options.config;
  app.add_option("--calls", config.calls,
                 "timed calls per case for the floor and the rings (rounded up to whole rounds)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  app.add_option("--grpc-calls", config.grpc_calls, "timed calls per gRPC case")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  app.add_option("--rounds", config.rounds, "interleaved rounds the timed calls are split into")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  app.add_option("--warmup", config.warmup_calls, "untimed calls per case at the start (gRPC: a tenth)")
      ->capture_default_str();
  app.add_option("--window", config.window, "calls in flight in the throughput phase")
      ->capture_default_str()
      ->check(CLI::Range(1u, 4096u));
  app.add_option("--throughput-seconds", config.throughput_seconds, "throughput phase per case; 0 skips it")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--throughput-rounds", config.throughput_rounds, "interleaved slices of the throughput phase")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000}));
  app.add_option("--stage-visits", config.stage_visits, "StageVisit structs in each Request")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, kMaxStageVisits));
  app.add_option("--ring-bytes", config.ring_capacity_bytes, "capacity of each ring (a power of two)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{4096}, std::uint64_t{1} << 30));
  app.add_option("--cpus", options.cpus, "the client's and the server's PU (OS indexes); default: chosen with hwloc")
      ->expected(2);
  app.add_option("--cases", options.cases,
                 "cases to run, of: floor shm_rpc shm_rpc_park grpc_uds grpc_tcp (the default set), "
                 "shm_rpc_bare shm_rpc_prefetch (diagnostics)")
      ->delimiter(',')
      ->check(CLI::IsMember(
          {"floor", "shm_rpc", "shm_rpc_park", "grpc_uds", "grpc_tcp", "shm_rpc_bare", "shm_rpc_prefetch"}));
  app.add_flag("--diagnostics", options.diagnostics, "add the diagnostic cases shm_rpc_bare and shm_rpc_prefetch");
  app.add_option("--json", options.json_path, "write the JSON result here instead of stdout");
  app.add_flag("--realtime", options.realtime, "run both processes under SCHED_FIFO (for a busy machine; needs root)");
}

}  // namespace
}  // namespace pipescale::bench

int main(int argc, char** argv) {
  try {
    pipescale::bench::Options options;
    CLI::App app{"SendRequest round trips over the shared-memory rings and gRPC, beside the cache-line floor"};
    pipescale::bench::add_options(app, options);
    CLI11_PARSE(app, argc, argv);
    if (auto done = pipescale::bench::run(options); !done) {
      std::fprintf(stderr, "rpc_bench: %s\n", done.error().message.c_str());
      return 1;
    }
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rpc_bench: %s\n", error.what());
    return 1;
  }
}

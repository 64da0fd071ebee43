#include "bench/rpc/rpc_report.hpp"

#include <algorithm>
#include <cstdio>

#include "bench/support/run_info.hpp"

namespace pipescale::bench {
namespace {

// The acceptance thresholds (bench/README.md, "rpc").
constexpr double kMaxShmOverFloor = 2.5;
constexpr double kMinGrpcTcpOverShm = 50.0;
constexpr double kMinShmOverGrpcTcpThroughput = 50.0;

const RpcCaseReport* find(const RpcBenchReport& report, const char* name) {
  for (const RpcCaseReport& result : report.results) {
    if (result.name == name) return &result;
  }
  return nullptr;
}

double ratio(double numerator, double denominator) { return denominator == 0 ? 0.0 : numerator / denominator; }

double p50_ratio(const RpcCaseReport* top, const RpcCaseReport* bottom) {
  return top != nullptr && bottom != nullptr
             ? ratio(static_cast<double>(top->latency.p50_ns), static_cast<double>(bottom->latency.p50_ns))
             : 0.0;
}

// The median over rounds of top's round p50 over bottom's: both measured within the same minute,
// so a drift of the machine's cross-core latency during the run cancels out.
double round_p50_ratio(const RpcCaseReport* top, const RpcCaseReport* bottom) {
  if (top == nullptr || bottom == nullptr || top->round_p50_ns.size() != bottom->round_p50_ns.size() ||
      top->round_p50_ns.empty()) {
    return 0.0;
  }
  std::vector<double> ratios;
  for (std::size_t round = 0; round < top->round_p50_ns.size(); ++round) {
    ratios.push_back(
        ratio(static_cast<double>(top->round_p50_ns[round]), static_cast<double>(bottom->round_p50_ns[round])));
  }
  std::nth_element(ratios.begin(), ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() / 2), ratios.end());
  return ratios[ratios.size() / 2];
}

double throughput_ratio(const RpcCaseReport* top, const RpcCaseReport* bottom) {
  return top != nullptr && bottom != nullptr && top->pipelined && bottom->pipelined
             ? ratio(top->calls_per_s, bottom->calls_per_s)
             : 0.0;
}

void write_p50_ratio(JsonWriter& json, const RpcBenchReport& report, const char* top, const char* bottom) {
  const RpcCaseReport* a = find(report, top);
  const RpcCaseReport* b = find(report, bottom);
  if (a == nullptr || b == nullptr) return;
  json.key(std::string(top) + "_over_" + bottom + "_p50").value(p50_ratio(a, b));
  json.key(std::string(top) + "_over_" + bottom + "_p50_by_round").value(round_p50_ratio(a, b));
}

void write_throughput_ratio(JsonWriter& json, const RpcBenchReport& report, const char* top, const char* bottom) {
  const RpcCaseReport* a = find(report, top);
  const RpcCaseReport* b = find(report, bottom);
  if (a != nullptr && b != nullptr && a->pipelined && b->pipelined) {
    json.key(std::string(top) + "_over_" + bottom + "_calls_per_s").value(throughput_ratio(a, b));
  }
}

struct Verdicts {
  bool known[4] = {};
  bool met[4] = {};
};
constexpr const char* kVerdictNames[4] = {"shm_rpc_p50_at_most_2.5x_floor", "grpc_tcp_p50_at_least_50x_shm_rpc",
                                          "shm_rpc_calls_per_s_at_least_50x_grpc_tcp", "shm_no_allocation_per_call"};

Verdicts verdicts(const RpcBenchReport& report) {
  Verdicts v;
  const RpcCaseReport* floor = find(report, "floor");
  const RpcCaseReport* shm = find(report, "shm_rpc");
  const RpcCaseReport* tcp = find(report, "grpc_tcp");
  if (floor != nullptr && shm != nullptr) {
    v.known[0] = true;
    v.met[0] = p50_ratio(shm, floor) <= kMaxShmOverFloor;
  }
  if (shm != nullptr && tcp != nullptr) {
    v.known[1] = true;
    v.met[1] = p50_ratio(tcp, shm) >= kMinGrpcTcpOverShm;
    v.known[2] = shm->pipelined && tcp->pipelined;
    v.met[2] = throughput_ratio(shm, tcp) >= kMinShmOverGrpcTcpThroughput;
  }
  for (const RpcCaseReport& result : report.results) {
    if (!result.allocations_counted) continue;
    v.met[3] = (v.known[3] ? v.met[3] : true) && result.client_allocations == 0 && result.server_allocations == 0;
    v.known[3] = true;
  }
  return v;
}

void write_case(JsonWriter& json, const RpcCaseReport& result) {
  json.key(result.name).begin_object();
  json.key("calls").value(result.calls);
  json.key("p50_ns").value(result.latency.p50_ns).key("p90_ns").value(result.latency.p90_ns);
  json.key("p99_ns").value(result.latency.p99_ns).key("p999_ns").value(result.latency.p999_ns);
  json.key("max_ns").value(result.latency.max_ns);
  if (result.pipelined) {
    json.key("calls_per_s").value(result.calls_per_s).key("pipelined_calls").value(result.pipelined_calls);
  }
  if (result.allocations_counted) {
    json.key("allocs_per_call").value(result.client_allocs_per_call + result.server_allocs_per_call);
    json.key("client_allocs_per_call").value(result.client_allocs_per_call);
    json.key("server_allocs_per_call").value(result.server_allocs_per_call);
    json.key("client_allocations")
        .value(result.client_allocations)
        .key("client_counted_calls")
        .value(result.client_calls);
    json.key("server_allocations")
        .value(result.server_allocations)
        .key("server_counted_calls")
        .value(result.server_calls);
  }
  json.end_object();
}

std::string table_row(const RpcCaseReport& result, const RpcCaseReport* floor, const RpcCaseReport* shm) {
  char row[300];
  const auto count = [](std::int64_t value) { return static_cast<long long>(value); };
  std::snprintf(row, sizeof row, "%-16s %7llu %8lld %8lld %8lld %9lld %9lld %8.2f %8.2f", result.name.c_str(),
                static_cast<unsigned long long>(result.calls), count(result.latency.p50_ns),
                count(result.latency.p90_ns), count(result.latency.p99_ns), count(result.latency.p999_ns),
                count(result.latency.max_ns), p50_ratio(&result, floor), p50_ratio(&result, shm));
  std::string text = row;
  if (result.pipelined) {
    std::snprintf(row, sizeof row, " %12.0f %9.1f", result.calls_per_s, throughput_ratio(shm, &result));
  } else {
    std::snprintf(row, sizeof row, " %12s %9s", "-", "-");
  }
  text += row;
  if (result.allocations_counted) {
    std::snprintf(row, sizeof row, " %7.3f/%.3f", result.client_allocs_per_call, result.server_allocs_per_call);
    text += row;
  }
  return text + "\n";
}

}  // namespace

RpcCaseReport summarize_case(CaseOutcome& outcome, std::uint64_t rounds) {
  RpcCaseReport result;
  result.name = std::string(rpc_case_name(outcome.kind));
  result.calls = outcome.samples_ns.size();
  const std::size_t block = rounds == 0 ? 0 : outcome.samples_ns.size() / rounds;
  for (std::size_t first = 0; block != 0 && first + block <= outcome.samples_ns.size(); first += block) {
    std::vector<std::int64_t> samples(outcome.samples_ns.begin() + static_cast<std::ptrdiff_t>(first),
                                      outcome.samples_ns.begin() + static_cast<std::ptrdiff_t>(first + block));
    result.round_p50_ns.push_back(summarize(samples).p50_ns);
  }
  result.latency = summarize(outcome.samples_ns);
  result.pipelined = is_pipelined(outcome.kind) && outcome.pipelined_ns > 0;
  result.pipelined_calls = outcome.pipelined_calls;
  result.calls_per_s =
      ratio(static_cast<double>(outcome.pipelined_calls) * 1e9, static_cast<double>(outcome.pipelined_ns));
  result.allocations_counted = is_ring(outcome.kind);
  result.client_allocations = outcome.client_allocations;
  result.server_allocations = outcome.server_allocations;
  result.client_calls = outcome.client_calls;
  result.server_calls = outcome.server_calls;
  result.client_allocs_per_call =
      ratio(static_cast<double>(outcome.client_allocations), static_cast<double>(outcome.client_calls));
  result.server_allocs_per_call =
      ratio(static_cast<double>(outcome.server_allocations), static_cast<double>(outcome.server_calls));
  return result;
}

std::string rpc_json(const RpcBenchReport& report) {
  JsonWriter json;
  json.begin_object();
  json.key("cpu").value(report.cpu_model);
  json.key("cpus").value(report.cpus);
  json.key("shared_cache").value(report.shared_cache);
  json.key("message_bytes").value(static_cast<std::uint64_t>(report.request_bytes));
  json.key("response_bytes").value(static_cast<std::uint64_t>(report.response_bytes));
  json.key("stage_visits").value(static_cast<std::uint64_t>(report.config.stage_visits));
  json.key("rounds").value(report.config.rounds);
  json.key("window").value(static_cast<std::uint64_t>(report.config.window));
  json.key("throughput_seconds").value(report.config.throughput_seconds);
  json.key("scheduling").value(report.realtime ? "SCHED_FIFO" : "normal");
  json.key("clock_read_ns").value(report.clock_read_ns);
  json.key("results").begin_object();
  for (const RpcCaseReport& result : report.results) write_case(json, result);
  json.end_object();
  json.key("ratios").begin_object();
  write_p50_ratio(json, report, "shm_rpc", "floor");
  write_p50_ratio(json, report, "shm_rpc_park", "floor");
  write_p50_ratio(json, report, "shm_rpc_bare", "floor");
  write_p50_ratio(json, report, "shm_rpc_prefetch", "floor");
  write_p50_ratio(json, report, "grpc_uds", "shm_rpc");
  write_p50_ratio(json, report, "grpc_tcp", "shm_rpc");
  write_throughput_ratio(json, report, "shm_rpc", "grpc_uds");
  write_throughput_ratio(json, report, "shm_rpc", "grpc_tcp");
  write_throughput_ratio(json, report, "shm_rpc_park", "grpc_tcp");
  json.end_object();
  const ComputeCosts& compute = report.compute;
  json.key("compute_ns").begin_object();
  json.key("encode_request").value(compute.encode_request_ns).key("verify_request").value(compute.verify_request_ns);
  json.key("answer").value(compute.answer_ns).key("verify_response").value(compute.verify_response_ns);
  json.key("local_round_trip").value(compute.local_round_trip_ns);
  json.key("local_bare_round_trip").value(compute.local_bare_round_trip_ns);
  json.end_object();
  const Verdicts v = verdicts(report);
  json.key("acceptance").begin_object();
  for (int i = 0; i < 4; ++i) {
    if (v.known[i]) json.key(kVerdictNames[i]).value(v.met[i] ? "met" : "missed");
  }
  json.end_object();
  json.key("commit").value(report.commit);
  json.end_object();
  return json.str();
}

std::string rpc_table(const RpcBenchReport& report) {
  char line[400];
  std::string text;
  const RpcBenchConfig& config = report.config;
  std::snprintf(line, sizeof line,
                "rpc: FrontendService.SendRequest, %zu-byte Request (%zu stage visits), %zu-byte Response; latency: "
                "one call in flight, %llu interleaved rounds; throughput: %u in flight for %.1f s per case\n",
                report.request_bytes, config.stage_visits, report.response_bytes,
                static_cast<unsigned long long>(config.rounds), config.window, config.throughput_seconds);
  text += line;
  std::snprintf(line, sizeof line, "cpu: %s; client cpu %d, server cpu %d (shared cache: %s); commit %s\n",
                report.cpu_model.c_str(), report.cpus.at(0), report.cpus.at(1), report.shared_cache.c_str(),
                report.commit.c_str());
  text += line;
  std::snprintf(line, sizeof line, "scheduling: %s; each sample includes one CLOCK_MONOTONIC read (~%lld ns)\n\n",
                report.realtime ? "SCHED_FIFO" : "normal", static_cast<long long>(report.clock_read_ns));
  text += line;
  std::snprintf(line, sizeof line, "%-16s %7s %8s %8s %8s %9s %9s %8s %8s %12s %9s %s\n", "case", "calls", "p50 ns",
                "p90 ns", "p99 ns", "p99.9 ns", "max ns", "x floor", "x shm", "calls/s", "shm x", "allocs/call (c/s)");
  text += line;
  const RpcCaseReport* floor = find(report, "floor");
  const RpcCaseReport* shm = find(report, "shm_rpc");
  for (const RpcCaseReport& result : report.results) text += table_row(result, floor, shm);
  text += "\n(x floor, x shm: p50 over the floor's and shm_rpc's; shm x: shm_rpc's calls/s over this case's)\n";
  const RpcCaseReport* tcp = find(report, "grpc_tcp");
  if (floor != nullptr && shm != nullptr) {
    std::snprintf(line, sizeof line, "median over rounds of each round's p50 ratio (cancels drift): shm_rpc/floor %.2f",
                  round_p50_ratio(shm, floor));
    text += line;
    if (tcp != nullptr) {
      std::snprintf(line, sizeof line, ", grpc_tcp/shm_rpc %.1f", round_p50_ratio(tcp, shm));
      text += line;
    }
    text += "\n";
  }
  const ComputeCosts& c = report.compute;
  std::snprintf(line, sizeof line,
                "compute alone, on the client's core: encode Request %.0f ns, verify it %.0f, answer %.0f, verify and "
                "read Response %.0f; a whole call with both ends in one process: %.0f ns (shm_rpc_bare's: %.0f)\n",
                c.encode_request_ns, c.verify_request_ns, c.answer_ns, c.verify_response_ns, c.local_round_trip_ns,
                c.local_bare_round_trip_ns);
  text += line;
  const Verdicts v = verdicts(report);
  for (int i = 0; i < 4; ++i) {
    if (!v.known[i]) continue;
    std::snprintf(line, sizeof line, "acceptance %-42s %s\n", kVerdictNames[i], v.met[i] ? "met" : "MISSED");
    text += line;
  }
  return text;
}

}  // namespace pipescale::bench

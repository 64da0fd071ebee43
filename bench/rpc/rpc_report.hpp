#pragma once
// What the rpc benchmark prints: a table for people and one JSON document for tools, in the shape
// of scripts/bench pingpong's (results.<case>.p50_ns and so on), plus calls_per_s for pipelined
// calls and allocs_per_call for the rings.
#include <cstdint>
#include <string>
#include <vector>

#include "bench/rpc/compute_costs.hpp"
#include "bench/rpc/rpc_session.hpp"
#include "bench/support/latency_stats.hpp"

namespace pipescale::bench {

struct RpcCaseReport {
  std::string name;
  std::uint64_t calls = 0;  // timed, one in flight
  LatencySummary latency;
  std::vector<std::int64_t> round_p50_ns;  // the median of each round's block, in round order
  bool pipelined = false;                  // the floor has no throughput phase
  double calls_per_s = 0;
  std::uint64_t pipelined_calls = 0;
  bool allocations_counted = false;  // the rings only
  double client_allocs_per_call = 0;
  double server_allocs_per_call = 0;
  std::uint64_t client_allocations = 0;
  std::uint64_t server_allocations = 0;
  std::uint64_t client_calls = 0;  // the calls those allocations were counted over
  std::uint64_t server_calls = 0;
};

// Sorts outcome.samples_ns (after taking each round's median).
RpcCaseReport summarize_case(CaseOutcome& outcome, std::uint64_t rounds);

struct RpcBenchReport {
  std::string cpu_model;
  std::vector<int> cpus;  // client (harness), server
  std::string shared_cache;
  std::string commit;
  RpcBenchConfig config;
  std::int64_t clock_read_ns = 0;
  bool realtime = false;
  std::size_t request_bytes = 0;
  std::size_t response_bytes = 0;
  std::vector<RpcCaseReport> results;  // in case order, floor first
  ComputeCosts compute;                // on the client's core, before the session
};

std::string rpc_json(const RpcBenchReport& report);
std::string rpc_table(const RpcBenchReport& report);

}  // namespace pipescale::bench

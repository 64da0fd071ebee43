#pragma once
// An rpc benchmark session: the harness (the client, pinned to one core), the ring server process
// and the gRPC server process (both pinned to another core), with every transport set up at once:
// the floor's cache lines, a ring connection served by an RpcServer, and gRPC on a Unix socket and
// on loopback TCP.
//
// Order: the floor's and the rings' warm-up; the rings' allocation count (rpc_harness.hpp), while
// neither the harness nor the ring server runs any gRPC thread; the gRPC warm-up; then latency:
// `rounds` rounds in which each case, in turn, makes a short untimed warm-up and a block of timed
// calls, one in flight. Interleaving small blocks makes every case sample the same machine
// conditions (on a virtual machine the cross-core latency moves several-fold within minutes;
// bench/ipc/pingpong/pingpong_session.hpp). Last, throughput: each case but the floor keeps
// `window` asynchronous calls in flight, in throughput_rounds interleaved slices.
//
// The harness tells the ring server what to serve next through a command word in shared memory
// (shm_rpc.hpp); it idles between commands on its doorbell, and parks while gRPC is measured.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "bench/rpc/rpc_messages.hpp"

namespace pipescale::bench {

// shm_rpc_bare and shm_rpc_prefetch are diagnostics (shm_rpc.hpp, RingMethod), run on request.
enum class RpcCase : std::uint8_t { kFloor, kShmRpc, kShmRpcPark, kGrpcUds, kGrpcTcp, kShmRpcBare, kShmRpcPrefetch };
inline constexpr RpcCase kAllRpcCases[] = {RpcCase::kFloor, RpcCase::kShmRpc, RpcCase::kShmRpcPark, RpcCase::kGrpcUds,
                                           RpcCase::kGrpcTcp};
inline constexpr RpcCase kDiagnosticRpcCases[] = {RpcCase::kShmRpcBare, RpcCase::kShmRpcPrefetch};
std::string_view rpc_case_name(RpcCase kind);
std::optional<RpcCase> parse_rpc_case(std::string_view name);
constexpr bool is_grpc(RpcCase kind) { return kind == RpcCase::kGrpcUds || kind == RpcCase::kGrpcTcp; }
constexpr bool is_diagnostic(RpcCase kind) { return kind == RpcCase::kShmRpcBare || kind == RpcCase::kShmRpcPrefetch; }
constexpr bool is_ring(RpcCase kind) {
  return kind == RpcCase::kShmRpc || kind == RpcCase::kShmRpcPark || is_diagnostic(kind);
}
// The floor and the diagnostics have no throughput phase.
constexpr bool is_pipelined(RpcCase kind) { return kind != RpcCase::kFloor && !is_diagnostic(kind); }

struct RpcBenchConfig {
  int client_pu = 0;
  int server_pu = 1;
  std::vector<RpcCase> cases{std::begin(kAllRpcCases), std::end(kAllRpcCases)};
  std::uint64_t calls = 100'000;            // timed, per case: the floor and the rings
  std::uint64_t grpc_calls = 100'000;       // timed, per gRPC case (about 10 s each on a 2-core VM)
  std::uint64_t rounds = 100;               // the timed calls are split into this many blocks
  std::uint64_t warmup_calls = 20'000;      // untimed, per case, at the start (gRPC: a tenth)
  std::uint64_t allocation_calls = 20'000;  // the rings: synchronous calls over which allocations are counted...
  double allocation_seconds = 0.25;         // ...and pipelined calls for this long
  std::uint32_t window = 64;                // calls in flight in the throughput phase
  double throughput_seconds = 2.0;          // per case
  std::uint64_t throughput_rounds = 4;
  std::size_t stage_visits = kDefaultStageVisits;
  std::uint64_t ring_capacity_bytes = std::uint64_t{64} * 1024;  // each way
  std::int64_t connect_timeout_ns = 10'000'000'000;
  std::int64_t child_exit_timeout_ns = 10'000'000'000;

  [[nodiscard]] std::uint64_t block_calls(RpcCase kind) const {
    const std::uint64_t total = is_grpc(kind) ? grpc_calls : calls;
    return (total + rounds - 1) / rounds;
  }
  [[nodiscard]] std::uint64_t timed_calls(RpcCase kind) const { return block_calls(kind) * rounds; }
};

struct CaseOutcome {
  RpcCase kind = RpcCase::kFloor;
  std::vector<std::int64_t> samples_ns;  // one per timed call: two CLOCK_MONOTONIC reads around it
  std::uint64_t pipelined_calls = 0;     // throughput phase (is_pipelined cases)
  std::int64_t pipelined_ns = 0;
  // The rings only: over allocation_calls synchronous calls and allocation_seconds of pipelined
  // calls after the warm-up, before any gRPC channel exists in the harness.
  std::uint64_t client_allocations = 0;
  std::uint64_t client_calls = 0;
  std::uint64_t server_allocations = 0;
  std::uint64_t server_calls = 0;
};

struct SessionResult {
  std::vector<CaseOutcome> cases;  // in config.cases order
  std::size_t request_bytes = 0;   // the encoded Request
  std::size_t response_bytes = 0;  // the encoded Response
};

Result<SessionResult> run_rpc_session(const RpcBenchConfig& config);

}  // namespace pipescale::bench

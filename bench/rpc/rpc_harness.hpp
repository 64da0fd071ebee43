#pragma once
// The harness's (the client's) side of an rpc benchmark session: one object that makes a call of
// any case (the floor's ping, a ring call, a gRPC call), runs blocks of them, and tells the server
// process what to serve before each block (shm_rpc.hpp, Command).
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/result.hpp"
#include "bench/ipc/pingpong/pingpong_endpoints.hpp"
#include "bench/rpc/grpc_rpc.hpp"
#include "bench/rpc/rpc_session.hpp"
#include "bench/rpc/shm_rpc.hpp"

namespace pipescale::bench {

class ChildProcess;

class Harness {
 public:
  Harness(const RpcBenchConfig& config, const ChildProcess& server, const RpcEnd& rpc, Endpoints floor);

  Status connect_ring();
  // Only after the rings' allocations are counted: gRPC's own threads allocate now and then, and
  // the counter counts the whole process.
  Status connect_grpc(const std::string& socket_path, int tcp_port);

  // `untimed` calls, then one timed call per element of `samples`, one call in flight.
  Status block(RpcCase kind, std::uint64_t untimed, std::span<std::int64_t> samples);
  // Calls with config.window in flight for duration_ns; adds to *outcome (null: a warm-up).
  Status pipeline(RpcCase kind, std::int64_t duration_ns, CaseOutcome* outcome);
  // The rings: this process's allocations over `calls` synchronous calls and, for a pipelined
  // case, pipeline_ns of pipelined calls; the server process counts its own meanwhile.
  Status count_allocations(RpcCase kind, std::uint64_t calls, std::int64_t pipeline_ns, CaseOutcome& outcome);
  void stop();
  [[nodiscard]] std::size_t request_bytes() { return shm_.request_bytes(); }

 private:
  // Tells the server what the next block is and waits until it has taken that up; false if the
  // server process is gone.
  bool begin(RpcCase kind, std::uint64_t floor_trips, bool counted);
  bool round_trip(RpcCase kind, std::int64_t now_ns);
  Result<PipelineResult> run_pipeline(RpcCase kind, std::int64_t duration_ns);
  GrpcClient& grpc(RpcCase kind) { return kind == RpcCase::kGrpcUds ? *uds_ : *tcp_; }
  [[nodiscard]] Error failed(RpcCase kind) const;
  [[nodiscard]] static Error server_gone();

  const RpcBenchConfig& config_;
  const ChildProcess& server_;
  RpcEnd rpc_;
  Endpoints floor_;
  ShmRpcClient shm_;
  std::unique_ptr<GrpcClient> uds_;
  std::unique_ptr<GrpcClient> tcp_;
  std::uint64_t serial_ = 0;
  std::uint64_t floor_sequence_ = 0;
  std::uint64_t request_id_ = 1;
};

}  // namespace pipescale::bench

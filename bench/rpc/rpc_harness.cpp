#include "bench/rpc/rpc_harness.hpp"

#include "base/metrics/allocation_counter.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

ServerMode server_mode(RpcCase kind) {
  if (kind == RpcCase::kFloor) return ServerMode::kFloor;
  if (kind == RpcCase::kShmRpcPark) return ServerMode::kShmPark;
  return is_ring(kind) ? ServerMode::kShmSpin : ServerMode::kWait;
}

RingMethod ring_method(RpcCase kind) {
  if (kind == RpcCase::kShmRpcBare) return RingMethod::kBare;
  return kind == RpcCase::kShmRpcPrefetch ? RingMethod::kPrefetch : RingMethod::kStandard;
}

}  // namespace

Harness::Harness(const RpcBenchConfig& config, const ChildProcess& server, const RpcEnd& rpc, Endpoints floor)
    : config_(config),
      server_(server),
      rpc_(rpc),
      floor_(std::move(floor)),
      shm_(rpc.own_bell, config.window, config.stage_visits) {}

Status Harness::connect_ring() { return shm_.connect(rpc_.regions); }

Status Harness::connect_grpc(const std::string& socket_path, int tcp_port) {
  // The ring server parks first: under --realtime (SCHED_FIFO) a ring server spinning on the
  // shared core would keep the gRPC server's threads from ever accepting the connection.
  if (!begin(RpcCase::kGrpcUds, 0, false)) return server_gone();
  auto uds = GrpcClient::connect("unix:" + socket_path, config_.stage_visits, config_.connect_timeout_ns);
  if (!uds) return uds.error();
  auto tcp = GrpcClient::connect("ipv4:127.0.0.1:" + std::to_string(tcp_port), config_.stage_visits,
                                 config_.connect_timeout_ns);
  if (!tcp) return tcp.error();
  uds_ = std::move(*uds);
  tcp_ = std::move(*tcp);
  return Ok{};
}

bool Harness::begin(RpcCase kind, std::uint64_t floor_trips, bool counted) {
  BenchControl& control = *rpc_.control;
  if (kind == RpcCase::kFloor) {
    control.floor_first.value.store(floor_sequence_, std::memory_order_relaxed);
    control.floor_trips.value.store(floor_trips, std::memory_order_relaxed);
  }
  if (is_ring(kind)) shm_.use_wait(kind == RpcCase::kShmRpcPark ? ipc::WaitKind::kPark : ipc::WaitKind::kSpin);
  post_command(control, ipc::Doorbell(rpc_.regions.server_bell),
               {++serial_, server_mode(kind), counted, static_cast<std::uint8_t>(kind)});
  // Wait until the server has taken the command up, so that every call of the block is served
  // (and counted) under it. acquire pairs with the server's release store of ack.
  while (control.ack.value.load(std::memory_order_acquire) != serial_) {
    if (server_.exit_signalled()) return false;
    ipc::cpu_relax();
  }
  return true;
}

bool Harness::round_trip(RpcCase kind, std::int64_t now_ns) {
  switch (kind) {
    case RpcCase::kFloor: return ping(floor_, CaseKind::kFloor, floor_sequence_++, &server_);
    case RpcCase::kGrpcUds:
    case RpcCase::kGrpcTcp: return grpc(kind).call_once(request_id_++, now_ns);
    default: return shm_.call_once(ring_method(kind), request_id_++, now_ns);
  }
}

Error Harness::failed(RpcCase kind) const {
  return Error{std::string(rpc_case_name(kind)) + ": call " + std::to_string(request_id_ - 1) +
               " failed (the server stopped answering, or answered wrongly)"};
}

Error Harness::server_gone() { return Error{"a server process exited before the run was over"}; }

Status Harness::block(RpcCase kind, std::uint64_t untimed, std::span<std::int64_t> samples) {
  if (!begin(kind, untimed + samples.size(), false)) return server_gone();
  for (std::uint64_t call = 0; call < untimed; ++call) {
    if (!round_trip(kind, ipc::monotonic_ns())) return failed(kind);
  }
  for (std::int64_t& sample : samples) {
    const std::int64_t start_ns = ipc::monotonic_ns();
    const bool ok = round_trip(kind, start_ns);
    const std::int64_t end_ns = ipc::monotonic_ns();
    if (!ok) return failed(kind);
    sample = end_ns - start_ns;
  }
  return Ok{};
}

Result<PipelineResult> Harness::run_pipeline(RpcCase kind, std::int64_t duration_ns) {
  auto done = is_ring(kind) ? shm_.pipeline(duration_ns, request_id_)
                            : grpc(kind).pipeline(duration_ns, config_.window, request_id_);
  if (!done) return Error{std::string(rpc_case_name(kind)) + ": " + done.error().message};
  return done;
}

Status Harness::pipeline(RpcCase kind, std::int64_t duration_ns, CaseOutcome* outcome) {
  if (!begin(kind, 0, false)) return server_gone();
  auto done = run_pipeline(kind, duration_ns);
  if (!done) return done.error();
  if (outcome != nullptr) {
    outcome->pipelined_calls += done->completed;
    outcome->pipelined_ns += done->elapsed_ns;
  }
  return Ok{};
}

Status Harness::count_allocations(RpcCase kind, std::uint64_t calls, std::int64_t pipeline_ns, CaseOutcome& outcome) {
  if (!begin(kind, 0, true)) return server_gone();
  std::uint64_t allocations = allocations_so_far();
  for (std::uint64_t call = 0; call < calls; ++call) {
    if (!round_trip(kind, ipc::monotonic_ns())) return failed(kind);
  }
  outcome.client_allocations += allocations_so_far() - allocations;
  outcome.client_calls += calls;
  if (!is_pipelined(kind) || pipeline_ns <= 0) return Ok{};
  if (!begin(kind, 0, true)) return server_gone();
  allocations = allocations_so_far();
  auto done = run_pipeline(kind, pipeline_ns);
  if (!done) return done.error();
  outcome.client_allocations += allocations_so_far() - allocations;
  outcome.client_calls += done->completed;
  return Ok{};
}

void Harness::stop() {
  post_command(*rpc_.control, ipc::Doorbell(rpc_.regions.server_bell), {++serial_, ServerMode::kStop});
}

}  // namespace pipescale::bench

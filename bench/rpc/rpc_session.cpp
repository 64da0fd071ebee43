#include "bench/rpc/rpc_session.hpp"

#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/metrics/allocation_counter.hpp"
#include "bench/ipc/pingpong/pingpong_endpoints.hpp"
#include "bench/rpc/grpc_rpc.hpp"
#include "bench/rpc/rpc_harness.hpp"
#include "bench/rpc/shm_rpc.hpp"
#include "bench/rpc/socket_dir.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

static_assert(static_cast<std::size_t>(RpcCase::kShmRpcPrefetch) < kMaxTallies, "one tally per case");
constexpr std::uint64_t kFloorLinkBytes = 4096;  // the link's rings go unused: only its floor lines
constexpr std::int64_t kPipelineWarmupNs = 100'000'000;

struct KillFirst {
  ChildProcess& child;
  ~KillFirst() { child.kill(); }  // a no-op once the child was waited for
};

struct Names {
  std::string link_segment;
  std::string rpc_segment;
  std::string socket_path;
};

bool any_grpc(const RpcBenchConfig& config) {
  for (const RpcCase kind : config.cases) {
    if (is_grpc(kind)) return true;
  }
  return false;
}

// The server's main loop: waits for each command and carries it out, until kStop.
int follow_commands(BenchControl& control, Endpoints& floor, ShmRpcServer& shm, ipc::Doorbell bell) {
  ipc::IdleStrategy between(wait_options(ipc::WaitKind::kSpinThenPark), bell);
  ipc::IdleStrategy asleep(wait_options(ipc::WaitKind::kPark), bell);  // after kWait: leave the core to gRPC
  std::uint64_t current = 0;
  ServerMode mode = ServerMode::kWait;
  for (;;) {
    // acquire pairs with post_command's release: the command's parameters are visible.
    const auto posted = [&] { return control.command.value.load(std::memory_order_acquire) != current; };
    ipc::IdleStrategy& idle = mode == ServerMode::kWait ? asleep : between;
    while (!posted()) idle.idle(posted);
    idle.reset();
    current = control.command.value.load(std::memory_order_acquire);
    const Command command = decode(current);
    mode = command.mode;
    // release pairs with the harness's acquire in Harness::begin: everything this process did for
    // the previous command (its counts included) happened before.
    control.ack.value.store(command.serial, std::memory_order_release);
    switch (command.mode) {
      case ServerMode::kStop:
        control.counts.failed_replies.store(shm.failed_replies(), std::memory_order_relaxed);
        return 0;
      case ServerMode::kWait: break;
      case ServerMode::kFloor: {
        const std::uint64_t first = control.floor_first.value.load(std::memory_order_relaxed);
        const std::uint64_t trips = control.floor_trips.value.load(std::memory_order_relaxed);
        for (std::uint64_t trip = 0; trip < trips; ++trip) {
          if (!pong(floor, CaseKind::kFloor, first + trip)) return 1;
        }
        break;
      }
      case ServerMode::kShmSpin:
      case ServerMode::kShmPark: {
        const std::uint64_t allocations = allocations_so_far();
        const auto wait = command.mode == ServerMode::kShmSpin ? ipc::WaitKind::kSpin : ipc::WaitKind::kPark;
        const std::uint64_t calls = shm.serve(control.command, current, wait);
        if (command.counted && command.tally < kMaxTallies) {  // read after this process exited: relaxed
          control.counts.allocations[command.tally].fetch_add(allocations_so_far() - allocations,
                                                              std::memory_order_relaxed);
          control.counts.calls[command.tally].fetch_add(calls, std::memory_order_relaxed);
        }
        break;
      }
    }
  }
}

int serve(const Names& names) {
  auto link_segment = ipc::Segment::open(names.link_segment);
  auto link = link_segment ? attach_link_end(*link_segment, LinkSide::kChild) : Result<LinkEnd>(link_segment.error());
  auto rpc_segment = ipc::Segment::open(names.rpc_segment);
  auto rpc = rpc_segment ? attach_rpc_end(*rpc_segment, true) : Result<RpcEnd>(rpc_segment.error());
  if (!link || !rpc) {
    std::fprintf(stderr, "rpc server: %s\n", (!link ? link.error() : rpc.error()).message.c_str());
    return 1;
  }
  ShmRpcServer shm(rpc->own_bell);
  if (auto bound = shm.bind(rpc->regions); !bound) {
    std::fprintf(stderr, "rpc server: %s\n", bound.error().message.c_str());
    return 1;
  }
  Endpoints floor = make_endpoints(*link, UniqueFd(), UniqueFd(), sizeof(std::uint64_t), false);
  announce_ready(*link->control);
  return follow_commands(*rpc->control, floor, shm, ipc::Doorbell(rpc->own_bell));
}

// Warm-up of the floor and the rings, their allocation count, then gRPC's warm-up (its channels
// exist only from then on), then the interleaved latency rounds and throughput slices.
Status run_schedule(const RpcBenchConfig& config, Harness& harness, const std::function<Status()>& connect_grpc,
                    std::vector<CaseOutcome>& outcomes) {
  for (const CaseOutcome& outcome : outcomes) {
    if (is_grpc(outcome.kind)) continue;
    if (auto done = harness.block(outcome.kind, config.warmup_calls, {}); !done) return done;
    if (!is_pipelined(outcome.kind)) continue;
    if (auto done = harness.pipeline(outcome.kind, kPipelineWarmupNs, nullptr); !done) return done;
  }
  const auto allocation_ns = static_cast<std::int64_t>(config.allocation_seconds * 1e9);
  for (CaseOutcome& outcome : outcomes) {
    if (!is_ring(outcome.kind)) continue;
    if (auto done = harness.count_allocations(outcome.kind, config.allocation_calls, allocation_ns, outcome); !done) {
      return done;
    }
  }
  if (auto connected = connect_grpc(); !connected) return connected;
  for (const CaseOutcome& outcome : outcomes) {
    if (!is_grpc(outcome.kind)) continue;
    if (auto done = harness.block(outcome.kind, config.warmup_calls / 10, {}); !done) return done;
    if (auto done = harness.pipeline(outcome.kind, kPipelineWarmupNs, nullptr); !done) return done;
  }
  for (std::uint64_t round = 0; round < config.rounds; ++round) {
    for (CaseOutcome& outcome : outcomes) {
      const std::uint64_t block = config.block_calls(outcome.kind);
      const std::span<std::int64_t> samples(outcome.samples_ns.data() + round * block, block);
      if (auto done = harness.block(outcome.kind, block / 10, samples); !done) return done;
    }
  }
  const auto slice_ns =
      static_cast<std::int64_t>(config.throughput_seconds * 1e9 / static_cast<double>(config.throughput_rounds));
  for (std::uint64_t round = 0; slice_ns > 0 && round < config.throughput_rounds; ++round) {
    for (CaseOutcome& outcome : outcomes) {
      if (!is_pipelined(outcome.kind)) continue;
      if (auto done = harness.pipeline(outcome.kind, slice_ns, &outcome); !done) return done;
    }
  }
  return Ok{};
}

// The server's own counts, written to shared memory before it exited.
Status collect_server_counts(const BenchControl& control, std::vector<CaseOutcome>& outcomes) {
  if (const auto failed = control.counts.failed_replies.load(std::memory_order_relaxed); failed != 0) {
    return Error{"the ring server failed to send " + std::to_string(failed) + " replies"};
  }
  for (CaseOutcome& outcome : outcomes) {
    if (!is_ring(outcome.kind)) continue;
    const auto tally = static_cast<std::size_t>(outcome.kind);
    outcome.server_allocations = control.counts.allocations[tally].load(std::memory_order_relaxed);
    outcome.server_calls = control.counts.calls[tally].load(std::memory_order_relaxed);
  }
  return Ok{};
}

std::size_t response_bytes() {
  flatbuffers::FlatBufferBuilder builder(256);
  build_response(builder, {1, true, ps::DropReason::None});
  return builder.GetSize();
}

}  // namespace

std::string_view rpc_case_name(RpcCase kind) {
  switch (kind) {
    case RpcCase::kFloor: return "floor";
    case RpcCase::kShmRpc: return "shm_rpc";
    case RpcCase::kShmRpcPark: return "shm_rpc_park";
    case RpcCase::kGrpcUds: return "grpc_uds";
    case RpcCase::kGrpcTcp: return "grpc_tcp";
    case RpcCase::kShmRpcBare: return "shm_rpc_bare";
    case RpcCase::kShmRpcPrefetch: return "shm_rpc_prefetch";
  }
  return "unknown";
}

std::optional<RpcCase> parse_rpc_case(std::string_view name) {
  for (const RpcCase kind : kAllRpcCases) {
    if (rpc_case_name(kind) == name) return kind;
  }
  for (const RpcCase kind : kDiagnosticRpcCases) {
    if (rpc_case_name(kind) == name) return kind;
  }
  return std::nullopt;
}

Result<SessionResult> run_rpc_session(const RpcBenchConfig& config) {
  auto link = ShmLink::create(kFloorLinkBytes);
  if (!link) return link.error();
  auto rpc_segment = RpcSegment::create(config.ring_capacity_bytes);
  if (!rpc_segment) return rpc_segment.error();
  auto socket_dir = SocketDir::create();
  if (!socket_dir) return socket_dir.error();
  const Names names{link->name(), rpc_segment->name(), socket_dir->socket_path()};
  auto parent_link = attach_link_end(link->segment(), LinkSide::kParent);
  if (!parent_link) return parent_link.error();
  auto rpc = attach_rpc_end(rpc_segment->segment(), false);
  if (!rpc) return rpc.error();
  // No gRPC before a fork (its threads do not survive one): the server process starts it after,
  // the harness only once both servers run.
  auto child = ChildProcess::spawn(config.server_pu, [&] { return serve(names); });
  if (!child) return child.error();
  if (auto ready = await_ready(*parent_link->control, *child, config.connect_timeout_ns); !ready) return ready.error();
  std::optional<GrpcServerProcess> grpc_server;
  if (any_grpc(config)) {
    auto spawned = GrpcServerProcess::spawn(config.server_pu, names.socket_path, config.connect_timeout_ns);
    if (!spawned) return spawned.error();
    grpc_server.emplace(std::move(*spawned));
  }
  // On the way out the ring server goes first: a ring server still spinning under SCHED_FIFO
  // would keep the gRPC server process, on the same core, from ever running to its end.
  const KillFirst ring_server_first{*child};
  Harness harness(config, *child, *rpc,
                  make_endpoints(*parent_link, UniqueFd(), UniqueFd(), sizeof(std::uint64_t), true));
  if (auto connected = harness.connect_ring(); !connected) return connected.error();
  const auto connect_grpc = [&]() -> Status {
    return grpc_server ? harness.connect_grpc(names.socket_path, grpc_server->tcp_port()) : Status(Ok{});
  };

  SessionResult result;
  result.request_bytes = harness.request_bytes();
  result.response_bytes = response_bytes();
  for (const RpcCase kind : config.cases) {
    CaseOutcome outcome;
    outcome.kind = kind;
    outcome.samples_ns.assign(config.timed_calls(kind), 0);  // touched before timing
    result.cases.push_back(std::move(outcome));
  }
  if (auto done = run_schedule(config, harness, connect_grpc, result.cases); !done) return done.error();
  harness.stop();
  if (auto waited = child->wait(config.child_exit_timeout_ns); !waited) return waited.error();
  if (grpc_server) {
    if (auto stopped = grpc_server->stop(config.child_exit_timeout_ns); !stopped) return stopped.error();
  }
  if (auto counted = collect_server_counts(*rpc->control, result.cases); !counted) return counted.error();
  return result;
}

}  // namespace pipescale::bench

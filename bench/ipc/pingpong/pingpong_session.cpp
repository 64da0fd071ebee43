#include "bench/ipc/pingpong/pingpong_session.hpp"

#include <cstdio>
#include <string>

#include "bench/ipc/pingpong/pingpong_endpoints.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

constexpr std::int64_t kUntimed = -1;

// The order of round trips that both processes follow without talking about it: every case's
// initial warm-up, then `rounds` rounds of (block warm-up, timed block) per case. visit(case
// index, sequence number, sample slot or kUntimed) makes one round trip; false stops the walk.
template <class Visit>
bool walk_schedule(const PingPongConfig& config, Visit&& visit) {
  std::uint64_t sequence = 0;
  for (std::size_t index = 0; index < config.cases.size(); ++index) {
    for (std::uint64_t trip = 0; trip < config.warmup_round_trips; ++trip) {
      if (!visit(index, sequence++, kUntimed)) return false;
    }
  }
  for (std::uint64_t round = 0; round < config.rounds; ++round) {
    for (std::size_t index = 0; index < config.cases.size(); ++index) {
      for (std::uint64_t trip = 0; trip < config.block_warmup_round_trips; ++trip) {
        if (!visit(index, sequence++, kUntimed)) return false;
      }
      for (std::uint64_t trip = 0; trip < config.block_round_trips; ++trip) {
        if (!visit(index, sequence++, static_cast<std::int64_t>(round * config.block_round_trips + trip))) return false;
      }
    }
  }
  return true;
}

struct Sockets {
  std::pair<UniqueFd, UniqueFd> uds;  // parent's end, child's end
  Listener tcp_listener;
};

int serve(const PingPongConfig& config, const std::string& segment_name, Sockets& sockets) {
  sockets.uds.first.reset();  // so that the parent sees end-of-file if this process dies
  sockets.tcp_listener.fd.reset();
  auto segment = ipc::Segment::open(segment_name);
  auto link = segment ? attach_link_end(*segment, LinkSide::kChild) : Result<LinkEnd>(segment.error());
  auto tcp = connect_to_loopback(sockets.tcp_listener.port);
  if (!link || !tcp) {
    std::fprintf(stderr, "ping-pong child: %s\n", (!link ? link.error() : tcp.error()).message.c_str());
    return 1;
  }
  Endpoints ends = make_endpoints(*link, std::move(sockets.uds.second), std::move(*tcp), config.message_bytes, false);
  const bool served = walk_schedule(config, [&](std::size_t index, std::uint64_t sequence, std::int64_t) {
    return pong(ends, config.cases[index], sequence);
  });
  if (!served) std::fprintf(stderr, "ping-pong child: a message was missing or wrong\n");
  return served ? 0 : 1;
}

Result<std::vector<Samples>> time_schedule(const PingPongConfig& config, Endpoints& ends, const ChildProcess& child) {
  std::vector<Samples> samples(config.cases.size(), Samples(config.timed_round_trips()));  // touched before timing
  std::uint64_t failed_at = 0;
  const bool done = walk_schedule(config, [&](std::size_t index, std::uint64_t sequence, std::int64_t slot) {
    const std::int64_t start_ns = ipc::monotonic_ns();
    if (!ping(ends, config.cases[index], sequence, &child)) {
      failed_at = sequence;
      return false;
    }
    const std::int64_t end_ns = ipc::monotonic_ns();
    if (slot != kUntimed) samples[index][static_cast<std::size_t>(slot)] = end_ns - start_ns;
    return true;
  });
  if (!done)
    return Error{"round trip " + std::to_string(failed_at) + ": the child stopped answering or echoed wrong data"};
  return samples;
}

}  // namespace

std::string_view case_name(CaseKind kind) {
  switch (kind) {
    case CaseKind::kFloor: return "floor";
    case CaseKind::kShmSpin: return "shm_spin";
    case CaseKind::kShmSpinThenPark: return "shm_spin_then_park";
    case CaseKind::kShmPark: return "shm_park";
    case CaseKind::kUds: return "uds";
    case CaseKind::kTcp: return "tcp";
    case CaseKind::kLineWalk: return "line_walk";
    case CaseKind::kRawRecords: return "raw_records";
  }
  return "unknown";
}

std::optional<CaseKind> parse_case(std::string_view name) {
  for (const CaseKind kind : kAllCases) {
    if (case_name(kind) == name) return kind;
  }
  for (const CaseKind kind : kDiagnosticCases) {
    if (case_name(kind) == name) return kind;
  }
  return std::nullopt;
}

Result<std::vector<Samples>> run_session(const PingPongConfig& config) {
  auto link = ShmLink::create(config.ring_capacity_bytes);
  if (!link) return link.error();
  auto parent_link = attach_link_end(link->segment(), LinkSide::kParent);
  if (!parent_link) return parent_link.error();
  auto uds = make_unix_socketpair();
  if (!uds) return uds.error();
  auto listener = listen_on_loopback();
  if (!listener) return listener.error();
  Sockets sockets{std::move(*uds), std::move(*listener)};
  auto child = ChildProcess::spawn(config.child_pu, [&] { return serve(config, link->name(), sockets); });
  if (!child) return child.error();
  sockets.uds.second.reset();
  auto tcp = accept_one(sockets.tcp_listener.fd.get(), static_cast<int>(config.connect_timeout_ms));
  if (!tcp) return tcp.error();  // ~ChildProcess kills the child
  Endpoints ends =
      make_endpoints(*parent_link, std::move(sockets.uds.first), std::move(*tcp), config.message_bytes, true);
  auto samples = time_schedule(config, ends, *child);
  if (!samples) return samples.error();
  if (auto waited = child->wait(config.child_exit_timeout_ns); !waited) return waited.error();
  return samples;
}

}  // namespace pipescale::bench

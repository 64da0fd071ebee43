#include "bench/ipc/pingpong/pingpong_endpoints.hpp"

#include "bench/ipc/payload.hpp"
#include "bench/ipc/pingpong/pingpong_diagnostics.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

ipc::WaitOptions wait_options(ipc::WaitKind kind) {
  ipc::WaitOptions options;  // the defaults: 50 us of spinning, parks of at most 100 ms
  options.kind = kind;
  return options;
}

bool peer_gone(const ChildProcess* peer) { return peer != nullptr && peer->exit_signalled(); }

// The floor: the sender stores the sequence number (+1, so that zeroed memory never matches) in
// its own line; the receiver spins on it with the same pause hint as the rings' spin strategy.
SharedWord& floor_line(Endpoints& ends, bool outbound) {
  const bool to_child = ends.parent == outbound;
  return to_child ? ends.link.control->floor_to_child : ends.link.control->floor_to_parent;
}

bool floor_wait(const SharedWord& line, std::uint64_t sequence, const ChildProcess* peer) {
  // acquire pairs with the sender's release store
  while (line.value.load(std::memory_order_acquire) != sequence + 1) {
    if (peer_gone(peer)) return line.value.load(std::memory_order_acquire) == sequence + 1;
    ipc::cpu_relax();
  }
  return true;
}

// One message in flight, so the ring is never full and a failed claim means a broken ring.
bool ring_send(Endpoints& ends, std::uint64_t sequence, bool ring_bell) {
  std::span<std::byte> payload;
  if (ends.link.writer.try_claim(static_cast<std::uint32_t>(ends.buffer.size()), payload) != ipc::RingStatus::kOk) {
    return false;
  }
  write_payload(payload, sequence);
  ipc::RecordMeta meta;
  meta.correlation_id = sequence;
  ends.link.writer.commit(meta);
  if (ring_bell) ends.link.peer_bell.notify();
  return true;
}

bool ring_wait(Endpoints& ends, ipc::IdleStrategy& idle, std::uint64_t sequence, const ChildProcess* peer) {
  bool matched = false;
  const auto handler = [&](const ipc::RecordView& record) {
    const PayloadRead read = read_payload(record.payload);
    do_not_optimize(read.checksum);
    matched = read.sequence == sequence;
  };
  ipc::RingReader& reader = ends.link.reader;
  const auto has_work = [&] { return reader.has_data(); };
  for (;;) {
    if (reader.poll(handler, 1) != 0) {
      idle.reset();
      return matched;
    }
    if (peer_gone(peer)) return reader.poll(handler, 1) != 0 && matched;
    idle.idle(has_work);
  }
}

bool socket_send(int fd, std::vector<std::byte>& buffer, std::uint64_t sequence) {
  write_payload(buffer, sequence);
  return write_all(fd, buffer);
}

bool socket_wait(int fd, std::vector<std::byte>& buffer, std::uint64_t sequence) {
  if (!read_all(fd, buffer)) return false;  // end-of-file: the peer is gone
  const PayloadRead read = read_payload(buffer);
  do_not_optimize(read.checksum);
  return read.sequence == sequence;
}

bool send(Endpoints& ends, CaseKind kind, std::uint64_t sequence) {
  switch (kind) {
    case CaseKind::kFloor:
      floor_line(ends, true).value.store(sequence + 1, std::memory_order_release);  // pairs with floor_wait
      return true;
    case CaseKind::kShmSpin: return ring_send(ends, sequence, false);
    case CaseKind::kShmSpinThenPark:
    case CaseKind::kShmPark: return ring_send(ends, sequence, true);
    case CaseKind::kUds: return socket_send(ends.uds.get(), ends.buffer, sequence);
    case CaseKind::kTcp: return socket_send(ends.tcp.get(), ends.buffer, sequence);
    case CaseKind::kLineWalk: line_walk_send(ends.link.walk_out, sequence); return true;
    case CaseKind::kRawRecords:
      raw_record_send(ends.link.records_out, static_cast<std::uint32_t>(ends.buffer.size()), sequence);
      return true;
  }
  return false;
}

bool receive(Endpoints& ends, CaseKind kind, std::uint64_t sequence, const ChildProcess* peer) {
  const auto gone = [peer] { return peer_gone(peer); };
  switch (kind) {
    case CaseKind::kFloor: return floor_wait(floor_line(ends, false), sequence, peer);
    case CaseKind::kShmSpin: return ring_wait(ends, ends.spin, sequence, peer);
    case CaseKind::kShmSpinThenPark: return ring_wait(ends, ends.spin_then_park, sequence, peer);
    case CaseKind::kShmPark: return ring_wait(ends, ends.park, sequence, peer);
    case CaseKind::kUds: return socket_wait(ends.uds.get(), ends.buffer, sequence);
    case CaseKind::kTcp: return socket_wait(ends.tcp.get(), ends.buffer, sequence);
    case CaseKind::kLineWalk: return line_walk_wait(ends.link.walk_in, sequence, gone);
    case CaseKind::kRawRecords:
      return raw_record_wait(ends.link.records_in, static_cast<std::uint32_t>(ends.buffer.size()), sequence, gone);
  }
  return false;
}

}  // namespace

Endpoints make_endpoints(LinkEnd link, UniqueFd uds, UniqueFd tcp, std::uint32_t message_bytes, bool parent) {
  Endpoints ends;
  ends.spin = ipc::IdleStrategy(wait_options(ipc::WaitKind::kSpin), link.own_bell);
  ends.spin_then_park = ipc::IdleStrategy(wait_options(ipc::WaitKind::kSpinThenPark), link.own_bell);
  ends.park = ipc::IdleStrategy(wait_options(ipc::WaitKind::kPark), link.own_bell);
  ends.link = link;
  ends.uds = std::move(uds);
  ends.tcp = std::move(tcp);
  ends.buffer.resize(message_bytes);
  ends.parent = parent;
  return ends;
}

bool ping(Endpoints& ends, CaseKind kind, std::uint64_t sequence, const ChildProcess* peer) {
  return send(ends, kind, sequence) && receive(ends, kind, sequence, peer);
}

bool pong(Endpoints& ends, CaseKind kind, std::uint64_t sequence) {
  return receive(ends, kind, sequence, nullptr) && send(ends, kind, sequence);
}

}  // namespace pipescale::bench

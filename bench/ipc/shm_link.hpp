#pragma once
// The shared-memory side of the transport harnesses: one segment holding a connection between the
// harness process (the parent) and its child, laid out as a real connection is: an SPSC ring each
// way, a doorbell per receiving process, plus a control block (start and stop flags, and the two
// lines of the raw cache-line ping-pong that serves as the floor).
#include <atomic>
#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "ipc/common/constants.hpp"
#include "ipc/ring/spsc_ring.hpp"
#include "ipc/segment/segment.hpp"
#include "ipc/wait/doorbell.hpp"

namespace pipescale::bench {

// One 64-bit word alone in its false-sharing block: written by one side, read by the other.
struct alignas(ipc::kFalseSharingBytes) SharedWord {
  std::atomic<std::uint64_t> value;
};

struct LinkControl {
  SharedWord ready;            // child -> parent: set up, about to serve
  SharedWord stop;             // parent -> child: finish now
  SharedWord floor_to_child;   // the floor ping-pong: the parent's line
  SharedWord floor_to_parent;  // the floor ping-pong: the child's line
};
static_assert(sizeof(LinkControl) == 4 * ipc::kFalseSharingBytes);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

enum class LinkSide : std::uint8_t { kParent, kChild };

// A plain ring-sized area in one direction, for experiments that take the ring apart (see
// pingpong_diagnostics.hpp). Zeroed; `position` is this process's own cursor.
struct Lane {
  std::byte* area = nullptr;
  std::uint64_t bytes = 0;
  std::uint64_t position = 0;
};

// One process's end of the link: it writes `writer`, reads `reader`, parks on `own_bell` and rings
// `peer_bell` after its commits when the peer may be parked.
struct LinkEnd {
  ipc::RingWriter writer;
  ipc::RingReader reader;
  ipc::Doorbell own_bell;
  ipc::Doorbell peer_bell;
  LinkControl* control = nullptr;
  const ipc::RingControl* inbound = nullptr;  // for the producer's counters (diagnostics)
  Lane walk_out, walk_in;                     // line_walk
  Lane records_out, records_in;               // raw_records
};

// Owns the segment ("pipescale.<pid>.<run id>.bench"): removed when this is destroyed, and also
// if the harness is stopped by SIGINT, SIGTERM or SIGHUP.
class ShmLink {
 public:
  static Result<ShmLink> create(std::uint64_t ring_capacity_bytes);
  ShmLink(ShmLink&& other) noexcept;
  ShmLink& operator=(ShmLink&&) = delete;
  ShmLink(const ShmLink&) = delete;
  ShmLink& operator=(const ShmLink&) = delete;
  ~ShmLink();

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const ipc::Segment& segment() const { return segment_; }

 private:
  ShmLink(ipc::Segment segment, std::string name) : segment_(std::move(segment)), name_(std::move(name)) {}
  ipc::Segment segment_;
  std::string name_;
};

// Finds the regions of a link segment (the parent's own, or one a child opened by name).
Result<LinkEnd> attach_link_end(const ipc::Segment& segment, LinkSide side);

class ChildProcess;
// Sleeps (never spins) until the child sets control.ready: with --realtime, a parent spinning on
// its core would otherwise keep a child that has not yet moved to its own core from ever running.
Status await_ready(const LinkControl& control, const ChildProcess& child, std::int64_t timeout_ns);
// The child's side: everything is attached, the measured work starts now.
inline void announce_ready(LinkControl& control) {
  control.ready.value.store(1, std::memory_order_release);  // pairs with await_ready's acquire
}

// The smallest power-of-two ring capacity, at least floor_bytes, whose largest record (capacity/8
// minus a header, see RingOptions) holds message_bytes.
std::uint64_t ring_capacity_for(std::uint64_t message_bytes, std::uint64_t floor_bytes);

}  // namespace pipescale::bench

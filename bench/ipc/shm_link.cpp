#include "bench/ipc/shm_link.hpp"

#include <bit>
#include <chrono>
#include <new>
#include <thread>
#include <tuple>

#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

constexpr const char* kToChild = "to_child";
constexpr const char* kToParent = "to_parent";
constexpr const char* kChildBell = "child_bell";
constexpr const char* kParentBell = "parent_bell";
constexpr const char* kControl = "control";
// Each holds the two diagnostic lanes of one direction, each as large as a ring's data area.
constexpr const char* kLanesToChild = "lanes_to_child";
constexpr const char* kLanesToParent = "lanes_to_parent";

Status lay_out(ipc::Segment& segment, std::uint64_t ring_capacity_bytes) {
  for (const char* ring : {kToChild, kToParent}) {
    if (auto made = segment.allocate_ring(ring, ring_capacity_bytes); !made) return made.error();
  }
  for (const char* bell : {kChildBell, kParentBell}) {
    if (auto made = segment.allocate_doorbell(bell); !made) return made.error();
  }
  auto control = segment.allocate(kControl, sizeof(LinkControl), ipc::RegionKind::kBytes);
  if (!control) return control.error();
  new (control->address) LinkControl{};
  for (const char* lanes : {kLanesToChild, kLanesToParent}) {
    if (auto made = segment.allocate(lanes, 2 * ring_capacity_bytes, ipc::RegionKind::kBytes); !made) {
      return made.error();
    }
  }
  return Ok{};
}

// The first failed lookup's error, or null.
template <class... Lookups>
const Error* first_error(const Lookups&... lookups) {
  const Error* error = nullptr;
  ((error = (error == nullptr && !lookups) ? &lookups.error() : error), ...);
  return error;
}

// Splits a lanes region into its two lanes (line_walk first, raw_records second).
std::pair<Lane, Lane> split_lanes(const ipc::Region& region) {
  const std::uint64_t half = region.bytes / 2;
  auto* base = static_cast<std::byte*>(region.address);
  return {Lane{base, half, 0}, Lane{base + half, half, 0}};
}

}  // namespace

Result<ShmLink> ShmLink::create(std::uint64_t ring_capacity_bytes) {
  const std::string run_id = ipc::make_run_id();
  ipc::SegmentOptions options;
  options.name = ipc::segment_name(run_id, "bench");
  options.run_id = run_id;
  // Every region starts on a page: two rings, two lane regions, two doorbells and the control block.
  const auto page_rounded = [](std::uint64_t bytes) { return ipc::align_up(bytes, ipc::kPageBytes); };
  options.arena_bytes = 2 * page_rounded(ipc::ring_bytes(ring_capacity_bytes)) +
                        2 * page_rounded(2 * ring_capacity_bytes) + 2 * page_rounded(sizeof(ipc::DoorbellLayout)) +
                        page_rounded(sizeof(LinkControl));
  auto segment = ipc::Segment::create(options);
  if (!segment) return segment.error();
  remove_segment_on_signal(options.name.c_str());
  ShmLink link(std::move(segment.value()), options.name);
  if (auto laid = lay_out(link.segment_, ring_capacity_bytes); !laid) return laid.error();
  link.segment_.publish();
  return link;
}

ShmLink::ShmLink(ShmLink&& other) noexcept
    : segment_(std::move(other.segment_)), name_(std::exchange(other.name_, std::string())) {}

ShmLink::~ShmLink() {
  if (!name_.empty()) forget_segment_on_signal(name_.c_str());
}

Result<LinkEnd> attach_link_end(const ipc::Segment& segment, LinkSide side) {
  const bool parent = side == LinkSide::kParent;
  auto outbound = segment.find_ring(parent ? kToChild : kToParent);
  auto inbound = segment.find_ring(parent ? kToParent : kToChild);
  auto own_bell = segment.find_doorbell(parent ? kParentBell : kChildBell);
  auto peer_bell = segment.find_doorbell(parent ? kChildBell : kParentBell);
  auto control = segment.find(kControl, ipc::RegionKind::kBytes);
  auto lanes_out = segment.find(parent ? kLanesToChild : kLanesToParent, ipc::RegionKind::kBytes);
  auto lanes_in = segment.find(parent ? kLanesToParent : kLanesToChild, ipc::RegionKind::kBytes);
  if (const Error* error = first_error(outbound, inbound, own_bell, peer_bell, control, lanes_out, lanes_in)) {
    return *error;
  }
  if (control->bytes < sizeof(LinkControl)) return Error{"link control region is too small"};
  LinkEnd end;
  end.writer = ipc::RingWriter(*outbound);
  end.reader = ipc::RingReader(*inbound);
  end.own_bell = ipc::Doorbell(*own_bell);
  end.peer_bell = ipc::Doorbell(*peer_bell);
  end.control = static_cast<LinkControl*>(control->address);
  end.inbound = *inbound;
  std::tie(end.walk_out, end.records_out) = split_lanes(*lanes_out);
  std::tie(end.walk_in, end.records_in) = split_lanes(*lanes_in);
  return end;
}

Status await_ready(const LinkControl& control, const ChildProcess& child, std::int64_t timeout_ns) {
  const std::int64_t give_up_ns = ipc::monotonic_ns() + timeout_ns;
  while (control.ready.value.load(std::memory_order_acquire) == 0) {  // pairs with announce_ready
    if (child.exit_signalled()) return Error{"the child exited before it was ready"};
    if (ipc::monotonic_ns() > give_up_ns) return Error{"the child was not ready in time"};
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Ok{};
}

std::uint64_t ring_capacity_for(std::uint64_t message_bytes, std::uint64_t floor_bytes) {
  std::uint64_t capacity = std::bit_ceil(floor_bytes < 1024 ? std::uint64_t{1024} : floor_bytes);
  while (capacity / 8 - ipc::kRecordHeaderBytes < message_bytes) capacity *= 2;
  return capacity;
}

}  // namespace pipescale::bench

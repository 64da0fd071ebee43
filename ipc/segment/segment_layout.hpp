#pragma once
// The shared-memory segment is a protocol: this header, then a directory of named regions (rings,
// doorbells, counters), then the regions themselves at page-aligned offsets. Nothing holds a
// pointer. The creator fills everything, then writes `state` = ready last with release order; an
// opener checks every field below and refuses with a message that names what differs.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ipc/common/constants.hpp"
#include "ipc/ring/ring_layout.hpp"
#include "ipc/wait/doorbell.hpp"

namespace pipescale::ipc {

inline constexpr std::uint64_t kSegmentMagic = 0x4C41435345504950ULL;  // "PIPESCAL" little-endian
inline constexpr std::uint32_t kSegmentLayoutVersion = 1;
inline constexpr std::size_t kRegionNameBytes = 48;
inline constexpr std::size_t kRunIdBytes = 32;

enum class SegmentState : std::uint32_t { kInit = 1, kReady = 2, kClosing = 3 };
enum class RegionKind : std::uint32_t { kRing = 1, kDoorbell = 2, kBytes = 3 };

struct SegmentHeader {
  std::uint64_t magic;
  std::uint32_t layout_version;
  std::uint32_t header_bytes;     // sizeof(SegmentHeader)
  std::uint64_t abi_fingerprint;  // sizes and alignments of every shared struct, see abi_fingerprint()
  std::uint64_t total_bytes;      // the whole mapping
  std::uint32_t cache_line_bytes;
  std::uint32_t directory_capacity;
  std::uint32_t directory_count;  // entries in use; fixed before state becomes ready
  std::int32_t creator_pid;
  std::uint64_t creator_start_ticks;  // /proc/<pid>/stat starttime: tells a reused pid apart
  std::uint64_t epoch;                // random per segment: identifies this incarnation
  std::uint64_t arena_offset;         // first byte after the directory
  std::uint64_t arena_used;           // bytes handed out so far, from arena_offset
  char run_id[kRunIdBytes];
  alignas(kCacheLineBytes) std::atomic<std::uint32_t> state;  // SegmentState, written last
};
static_assert(sizeof(SegmentHeader) == 3 * kCacheLineBytes);

struct DirectoryEntry {
  char name[kRegionNameBytes];
  std::uint64_t offset;  // from the start of the segment
  std::uint64_t bytes;
  RegionKind kind;
  std::int32_t numa_node;  // where the region's memory is meant to live; -1 for anywhere
};
static_assert(sizeof(DirectoryEntry) == 72);

// A fingerprint of every struct two processes must agree on: built with other flags, another
// compiler or another cache-line assumption, a process would disagree here and be refused.
constexpr std::uint64_t abi_fingerprint() {
  constexpr std::uint64_t kFacts[] = {sizeof(SegmentHeader),
                                      alignof(SegmentHeader),
                                      offsetof(SegmentHeader, state),
                                      sizeof(DirectoryEntry),
                                      alignof(DirectoryEntry),
                                      sizeof(RingControl),
                                      alignof(RingControl),
                                      offsetof(RingControl, head),
                                      offsetof(RingControl, consumer),
                                      sizeof(RecordHeader),
                                      alignof(RecordHeader),
                                      offsetof(RecordHeader, epoch),
                                      sizeof(DoorbellLayout),
                                      kCacheLineBytes,
                                      kFalseSharingBytes,
                                      std::atomic<std::uint64_t>::is_always_lock_free ? 1u : 0u,
                                      sizeof(void*)};
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (const std::uint64_t fact : kFacts) {
    for (int shift = 0; shift < 64; shift += 8) {
      hash ^= (fact >> shift) & 0xFF;
      hash *= 1099511628211ULL;
    }
  }
  return hash;
}

}  // namespace pipescale::ipc

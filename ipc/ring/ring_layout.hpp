#pragma once
// The shared-memory layout of one single-producer, single-consumer byte ring: plain data, no
// pointers, no behaviour. RingWriter and RingReader (spsc_ring.hpp) act on it. The wire format
// is described with a diagram in ipc/README.md.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ipc/common/constants.hpp"

namespace pipescale::ipc {

enum class RecordKind : std::uint8_t {
  kInvalid = 0,  // zeroed memory is never a record
  kData = 1,
  kPadding = 2,  // fills the space before the end of the data area when a record does not fit
};

// Precedes every record's payload. 32 bytes (DESIGN.md suggests about 24): the extra room holds
// the sender's epoch, so that replies addressed to a previous incarnation of a peer are rejected
// without parsing the payload, and keeps payloads 32-byte aligned.
struct RecordHeader {
  // Commit marker: (the record's own ring position + 1) XOR the ring's random salt, stored last
  // with release order by the producer. A consumer expecting position p reads this word alone to
  // learn whether the record is complete. A header from an earlier lap carries another position
  // and never matches; zeroed memory never matches (the salt's top bit is set, a position's never
  // is); stale payload bytes under a new header match only by a 2^-64 chance, since a marker looks
  // random to anything that does not know the salt. So nothing is cleared, before or after.
  // Accessed through std::atomic_ref only.
  std::uint64_t commit;
  std::uint64_t correlation_id;
  std::uint32_t length;  // payload bytes, excluding this header and the alignment tail
  std::uint16_t method_id;
  RecordKind kind;
  std::uint8_t flags;
  std::uint16_t status;
  std::uint16_t reserved;
  std::uint32_t epoch;
};
static_assert(sizeof(RecordHeader) == 32);
static_assert(alignof(RecordHeader) == 8);

inline constexpr std::uint64_t kRecordHeaderBytes = sizeof(RecordHeader);
// Records start on their own cache line: the consumer, polling for the next marker, never spins
// on a line the producer is still filling with the previous record's payload.
inline constexpr std::uint64_t kRecordAlignment = 64;

constexpr std::uint64_t marker_for(std::uint64_t position, std::uint64_t salt) { return (position + 1) ^ salt; }

constexpr std::uint64_t record_bytes(std::uint64_t payload_bytes) {
  return align_up(kRecordHeaderBytes + payload_bytes, kRecordAlignment);
}

inline constexpr std::uint64_t kRingMagic = 0x474E495253505350ULL;  // "PSPSRING" little-endian
inline constexpr std::uint32_t kRingLayoutVersion = 2;

// Control block in front of the data area. Each group of fields written by one side sits in its
// own 128-byte block, so the producer's stores never invalidate the line the consumer polls and
// the other way round.
struct RingControl {
  // Written once by the creator before the segment is published; read-only afterwards.
  struct alignas(kFalseSharingBytes) Config {
    std::uint64_t magic;
    std::uint32_t layout_version;
    std::uint32_t record_header_bytes;
    std::uint64_t capacity_bytes;     // power of two
    std::uint64_t max_payload_bytes;  // larger records are refused by try_claim
    std::uint64_t marker_salt;        // random, top bit set: a marker is (position + 1) ^ salt
  } config;

  // The consumer's head, alone in its block: the only field the producer ever reads.
  struct alignas(kFalseSharingBytes) Head {
    std::atomic<std::uint64_t> position;
  } head;

  // Written by the producer only; read by diagnostics (watchdogs, counters), never by the consumer.
  struct alignas(kFalseSharingBytes) ProducerCounters {
    std::atomic<std::uint64_t> tail;  // the next position the producer will claim
    std::atomic<std::uint64_t> records_committed;
    std::atomic<std::uint64_t> full_events;  // try_claim found no room
    std::atomic<std::uint64_t> too_large;    // try_claim refused a record over max_payload_bytes
  } producer;

  // Written by the consumer only; read by diagnostics.
  struct alignas(kFalseSharingBytes) ConsumerCounters {
    std::atomic<std::uint64_t> records_consumed;
    std::atomic<std::uint64_t> corrupt_records;
    std::atomic<std::uint32_t> broken;  // 1 once a corrupt record was seen: the ring is dead
  } consumer;
};
static_assert(sizeof(RingControl) == 4 * kFalseSharingBytes);
static_assert(offsetof(RingControl, head) == kFalseSharingBytes);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic_ref<std::uint64_t>::required_alignment <= alignof(RecordHeader));

// Bytes of shared memory one ring of the given capacity occupies (control block + data area).
constexpr std::uint64_t ring_bytes(std::uint64_t capacity_bytes) { return sizeof(RingControl) + capacity_bytes; }

}  // namespace pipescale::ipc

#pragma once
// Two experiments that take the ring apart, to explain the distance between shm_spin and the floor.
// They are not in the default case list; select them with --cases (bench/README.md has results).
//
//   line_walk    the floor's protocol (a sequence number stored in a cache line, the receiver
//                spinning on it), except that message i uses line i mod (capacity / 64) of a
//                ring-sized area: what moving to a new line for every message costs by itself.
//   raw_records  the ring's wire format without any of its code: a 32-byte header whose first word
//                is the commit marker (position + 1, stored last with release order), then the
//                payload, 8-byte aligned and back to back in a ring-sized area. The receiver spins
//                on the marker, copies the header, reads the payload. No head, no counters, no
//                checks: the memory traffic of a ring record and nothing else.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "bench/ipc/payload.hpp"
#include "bench/ipc/shm_link.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/ring/ring_layout.hpp"

namespace pipescale::bench {

inline std::atomic_ref<std::uint64_t> word_at(std::byte* at) {
  return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(at));
}

// Spins (with the pause hint, like the rings' spin strategy) until the word at `at` equals
// `expected`; false if peer_gone() turns true first and the word still differs.
template <class PeerGone>
bool spin_for_word(std::byte* at, std::uint64_t expected, PeerGone&& peer_gone) {
  while (word_at(at).load(std::memory_order_acquire) != expected) {  // pairs with the sender's release
    if (peer_gone()) return word_at(at).load(std::memory_order_acquire) == expected;
    ipc::cpu_relax();
  }
  return true;
}

inline std::byte* walk_line(const Lane& lane, std::uint64_t sequence) {
  return lane.area + (sequence % (lane.bytes / ipc::kCacheLineBytes)) * ipc::kCacheLineBytes;
}

inline void line_walk_send(Lane& out, std::uint64_t sequence) {
  word_at(walk_line(out, sequence)).store(sequence + 1, std::memory_order_release);
}

template <class PeerGone>
bool line_walk_wait(Lane& in, std::uint64_t sequence, PeerGone&& peer_gone) {
  return spin_for_word(walk_line(in, sequence), sequence + 1, peer_gone);
}

// Where the next record of payload_bytes goes: at the cursor, or at the start of the area when it
// would not fit before the end (both sides skip the same tail, so no padding record is needed).
inline std::byte* next_record(Lane& lane, std::uint32_t payload_bytes) {
  const std::uint64_t bytes = ipc::record_bytes(payload_bytes);
  const std::uint64_t offset = lane.position % lane.bytes;
  if (lane.bytes - offset < bytes) lane.position += lane.bytes - offset;
  return lane.area + lane.position % lane.bytes;
}

inline void raw_record_send(Lane& out, std::uint32_t payload_bytes, std::uint64_t sequence) {
  std::byte* record = next_record(out, payload_bytes);
  write_payload(std::span<std::byte>(record + ipc::kRecordHeaderBytes, payload_bytes), sequence);
  const std::uint64_t fields[3] = {sequence, payload_bytes, 0};  // correlation id, length, the rest
  std::memcpy(record + sizeof(std::uint64_t), fields, sizeof fields);
  word_at(record).store(out.position + 1, std::memory_order_release);  // pairs with spin_for_word
  out.position += ipc::record_bytes(payload_bytes);
}

template <class PeerGone>
bool raw_record_wait(Lane& in, std::uint32_t payload_bytes, std::uint64_t sequence, PeerGone&& peer_gone) {
  std::byte* record = next_record(in, payload_bytes);
  if (!spin_for_word(record, in.position + 1, peer_gone)) return false;
  ipc::RecordHeader header;
  std::memcpy(&header, record, sizeof header);
  const PayloadRead read = read_payload(std::span<const std::byte>(record + ipc::kRecordHeaderBytes, payload_bytes));
  do_not_optimize(read.checksum);
  in.position += ipc::record_bytes(payload_bytes);
  return header.correlation_id == sequence && read.sequence == sequence;
}

}  // namespace pipescale::bench

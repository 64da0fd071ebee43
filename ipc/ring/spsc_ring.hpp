#pragma once
// Process-local handles on a shared RingControl: RingWriter (the one producer) and RingReader
// (the one consumer). The hot path is here, inline: no locks, no allocation, no system calls, no
// compare-and-swap. A crashed or malicious producer can break only its own ring: the reader reads
// every header field once, bounds-checks it, and on the first bad record marks the ring broken
// and stops reading it.
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "base/result.hpp"
#include "ipc/ring/ring_layout.hpp"

namespace pipescale::ipc {

enum class RingStatus : std::uint8_t {
  kOk = 0,
  kFull,      // not enough free space now; retry after the consumer catches up
  kTooLarge,  // payload exceeds the ring's max_payload_bytes; retrying will not help
  kBroken,    // the consumer found a corrupt record; the ring carries nothing more
};
const char* to_string(RingStatus status);

// The header fields a producer chooses for a record.
struct RecordMeta {
  std::uint64_t correlation_id = 0;
  std::uint16_t method_id = 0;
  std::uint8_t flags = 0;
  std::uint16_t status = 0;
  std::uint32_t epoch = 0;
};

// What a consumer's handler sees: header fields already copied and checked, and a read-only view
// of the payload that is valid only during the handler call.
struct RecordView {
  std::uint64_t position;
  RecordMeta meta;
  std::span<const std::byte> payload;
};

struct RingOptions {
  std::uint64_t capacity_bytes = 1 << 20;
  // 0 picks capacity / 8 minus a header: a record then always fits after at most one padding
  // record, and one large record cannot monopolise the ring.
  std::uint64_t max_payload_bytes = 0;
};

inline constexpr std::uint64_t kMinRingCapacityBytes = 1024;

// Lays out a ring in zeroed shared memory of ring_bytes(capacity) bytes, before it is published
// to other processes. Refuses a capacity that is not a power of two or a bad maximum.
Result<RingControl*> init_ring(void* memory, const RingOptions& options);

// Checks a ring found in a segment written by another process (magic, version, sizes).
Result<RingControl*> attach_ring(void* memory, std::uint64_t available_bytes);

class RingWriter {
 public:
  RingWriter() = default;
  explicit RingWriter(RingControl* ring)
      : ring_(ring),
        data_(reinterpret_cast<std::byte*>(ring + 1)),
        capacity_(ring->config.capacity_bytes),
        max_payload_(ring->config.max_payload_bytes),
        salt_(ring->config.marker_salt),
        // acquire pairs with the release store of head in RingReader::poll, as the reload in
        // try_claim does: this writer may reuse the space of every record before that head at
        // once, so the consumer's reads of those records must come first.
        head_cache_(ring->head.position.load(std::memory_order_acquire)),
        // relaxed: pairs with nothing; only a producer writes this diagnostics count (commit()).
        committed_(ring->producer.records_committed.load(std::memory_order_relaxed)) {
    // relaxed: only a producer writes tail. A writer that replaces a dead one resumes where the
    // last commit ended, or at the head if the consumer already stepped past a padding record
    // that the dead writer published but never counted.
    const std::uint64_t saved_tail = ring->producer.tail.load(std::memory_order_relaxed);
    tail_ = saved_tail > head_cache_ ? saved_tail : head_cache_;
    // Both came from shared memory: a saved tail more than a capacity ahead of the head is
    // corruption, and writing there would overrun records the consumer has not read.
    if (tail_ - head_cache_ > capacity_) corrupt_ = true;
  }

  // Reserves room for a record with payload_bytes of payload and points `payload` at it. Until
  // commit() nothing is visible to the consumer; abort() gives the room back.
  [[nodiscard]] RingStatus try_claim(std::uint32_t payload_bytes, std::span<std::byte>& payload) {
    if (corrupt_) return RingStatus::kBroken;
    if (payload_bytes > max_payload_) {
      // relaxed: a diagnostics counter; pairs with nothing.
      ring_->producer.too_large.fetch_add(1, std::memory_order_relaxed);
      return RingStatus::kTooLarge;
    }
    const std::uint64_t needed = record_bytes(payload_bytes);
    const std::uint64_t offset = tail_ & (capacity_ - 1);
    const std::uint64_t to_end = capacity_ - offset;
    const std::uint64_t skip = to_end < needed ? to_end : 0;  // wrap: pad out the end first
    if (tail_ + skip + needed - head_cache_ > capacity_) {
      // acquire pairs with the release store of head in RingReader::poll: the consumer is done
      // reading everything before the head we see, so we may overwrite it.
      head_cache_ = ring_->head.position.load(std::memory_order_acquire);
      // The head comes from shared memory: a consumer never moves it past this writer's tail or
      // more than a capacity behind it. Any other value is corruption, never room to write over.
      if (head_cache_ > tail_ || tail_ - head_cache_ > capacity_) {
        corrupt_ = true;
        // relaxed: as in RingReader::mark_broken; the consumer polls nothing on its strength.
        ring_->consumer.broken.store(1, std::memory_order_relaxed);
        return RingStatus::kBroken;
      }
      if (tail_ + skip + needed - head_cache_ > capacity_) {
        // A broken ring is never drained again: say so rather than let the caller retry kFull
        // forever. Checked only here, off the hot path: the flag shares its 128-byte block with
        // counters the consumer writes on every poll.
        if (broken()) return RingStatus::kBroken;
        // relaxed: a diagnostics counter; pairs with nothing.
        ring_->producer.full_events.fetch_add(1, std::memory_order_relaxed);
        return RingStatus::kFull;
      }
    }
    if (skip != 0) write_padding(offset, to_end);
    claimed_position_ = tail_;
    claimed_bytes_ = payload_bytes;
    claim_open_ = true;
    payload = std::span<std::byte>(data_ + (tail_ & (capacity_ - 1)) + kRecordHeaderBytes, payload_bytes);
    return RingStatus::kOk;
  }

  // Publishes the claimed record; `payload_bytes` may shrink the claim (for messages whose final
  // size is known only after building them).
  void commit(const RecordMeta& meta, std::uint32_t payload_bytes) {
    assert(claim_open_ && "commit() without a successful try_claim()");
    claim_open_ = false;
    std::byte* at = data_ + (claimed_position_ & (capacity_ - 1));
    auto* header = reinterpret_cast<RecordHeader*>(at);
    header->correlation_id = meta.correlation_id;
    header->length = payload_bytes <= claimed_bytes_ ? payload_bytes : claimed_bytes_;
    header->method_id = meta.method_id;
    header->kind = RecordKind::kData;
    header->flags = meta.flags;
    header->status = meta.status;
    header->reserved = 0;
    header->epoch = meta.epoch;
    tail_ = claimed_position_ + record_bytes(header->length);
    // release pairs with the acquire load of the commit word in RingReader::poll: the payload and
    // the header fields above become visible together with the marker.
    std::atomic_ref<std::uint64_t>(header->commit)
        .store(marker_for(claimed_position_, salt_), std::memory_order_release);
    // relaxed: diagnostics only; nobody synchronises on these.
    ring_->producer.tail.store(tail_, std::memory_order_relaxed);
    ring_->producer.records_committed.store(++committed_, std::memory_order_relaxed);
  }
  void commit(const RecordMeta& meta) { commit(meta, claimed_bytes_); }

  // Gives up the claim. A padding record written by the claim stays: it is harmless.
  void abort() {
    claim_open_ = false;
    claimed_bytes_ = 0;
  }

  // Claim, copy and commit in one call.
  [[nodiscard]] RingStatus try_write(const RecordMeta& meta, std::span<const std::byte> bytes) {
    std::span<std::byte> payload;
    const RingStatus status = try_claim(static_cast<std::uint32_t>(bytes.size()), payload);
    if (status != RingStatus::kOk) return status;
    if (!bytes.empty()) std::memcpy(payload.data(), bytes.data(), bytes.size());
    commit(meta);
    return RingStatus::kOk;
  }

  [[nodiscard]] bool attached() const { return ring_ != nullptr; }
  [[nodiscard]] std::uint64_t max_payload_bytes() const { return max_payload_; }
  [[nodiscard]] std::uint64_t tail() const { return tail_; }
  // relaxed: reads the flag RingReader::mark_broken stores (relaxed); no data is read on the
  // strength of it, the producer only stops sending.
  [[nodiscard]] bool broken() const { return corrupt_ || ring_->consumer.broken.load(std::memory_order_relaxed) != 0; }

 private:
  void write_padding(std::uint64_t offset, std::uint64_t to_end) {
    // A tail shorter than a header cannot hold a padding record; both sides skip it implicitly.
    // (Not reached through the API while records are 64-byte aligned; kept so that the format
    // does not depend on the alignment, and tested with positions set off the grid.)
    if (to_end >= kRecordHeaderBytes) {
      auto* header = reinterpret_cast<RecordHeader*>(data_ + offset);
      header->correlation_id = 0;
      header->length = static_cast<std::uint32_t>(to_end - kRecordHeaderBytes);
      header->method_id = 0;
      header->kind = RecordKind::kPadding;
      header->flags = 0;
      header->status = 0;
      header->reserved = 0;
      header->epoch = 0;
      const std::uint64_t padding_position = tail_;
      tail_ += to_end;
      // release pairs with the consumer's acquire load of the commit word, as in commit().
      std::atomic_ref<std::uint64_t>(header->commit)
          .store(marker_for(padding_position, salt_), std::memory_order_release);
      return;
    }
    tail_ += to_end;
  }

  RingControl* ring_ = nullptr;
  std::byte* data_ = nullptr;
  std::uint64_t capacity_ = 0;
  std::uint64_t max_payload_ = 0;
  std::uint64_t tail_ = 0;  // private: the consumer learns of records from their markers
  std::uint64_t salt_ = 0;
  std::uint64_t head_cache_ = 0;  // last head seen; re-read only when the ring looks full
  std::uint64_t claimed_position_ = 0;
  std::uint32_t claimed_bytes_ = 0;
  bool claim_open_ = false;
  bool corrupt_ = false;  // this writer read an impossible head: the ring carries nothing more
  std::uint64_t committed_ = 0;
};

class RingReader {
 public:
  RingReader() = default;
  explicit RingReader(RingControl* ring)
      : ring_(ring),
        data_(reinterpret_cast<const std::byte*>(ring + 1)),
        capacity_(ring->config.capacity_bytes),
        max_payload_(ring->config.max_payload_bytes),
        salt_(ring->config.marker_salt),
        // relaxed: pairs with nothing; only the consumer writes head, these counters and the
        // broken flag (poll, mark_broken), one consumer at a time: a new reader resumes there.
        head_(ring->head.position.load(std::memory_order_relaxed)),
        consumed_(ring->consumer.records_consumed.load(std::memory_order_relaxed)),
        broken_(ring->consumer.broken.load(std::memory_order_relaxed) != 0) {}

  // Hands up to `limit` complete records, in order, to handler(const RecordView&), then publishes
  // the head once for the whole batch. Returns how many data records it handed over. A corrupt
  // record marks the ring broken: it is counted, never handed over, and the ring is not read again.
  template <class Handler>
  std::size_t poll(Handler&& handler, std::size_t limit = SIZE_MAX) {
    if (broken_) return 0;
    std::uint64_t position = head_;
    std::size_t handled = 0;
    while (handled < limit) {
      const std::uint64_t offset = position & (capacity_ - 1);
      const std::uint64_t to_end = capacity_ - offset;
      if (to_end < kRecordHeaderBytes) {  // implicit skip; see RingWriter::write_padding
        position += to_end;
        continue;
      }
      const auto* header = reinterpret_cast<const RecordHeader*>(data_ + offset);
      // acquire pairs with the release store of the marker in RingWriter::commit / write_padding.
      const std::uint64_t marker =
          std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(header->commit)).load(std::memory_order_acquire);
      if (marker != marker_for(position, salt_)) {  // not written yet
        // Fetch the record's second line while waiting: when the marker lands, the rest of a
        // small record is then usually here already instead of costing a second transfer.
        __builtin_prefetch(data_ + ((offset + kCacheLineBytes) & (capacity_ - 1)));
        break;
      }
      // Read each field once into a local: the producer is untrusted and could change them.
      RecordHeader copy;
      std::memcpy(&copy, header, sizeof copy);
      const std::uint64_t length = copy.length;
      if (copy.kind == RecordKind::kPadding) {
        if (length != to_end - kRecordHeaderBytes) {
          mark_broken();
          break;
        }
        position += to_end;
        continue;
      }
      if (copy.kind != RecordKind::kData || length > max_payload_ || record_bytes(length) > to_end) {
        mark_broken();
        break;
      }
      // The handler needs the whole record now: ask for every line after the first at once, so
      // that a reader that follows offsets (the FlatBuffers verifier) waits for one transfer
      // rather than one per line, in turn. (The second line may have been fetched while waiting,
      // before the producer wrote it.)
      const std::uint64_t lines = record_bytes(length) / kCacheLineBytes;
      for (std::uint64_t line = 1; line < lines; ++line) __builtin_prefetch(data_ + offset + line * kCacheLineBytes);
      handler(RecordView{position, RecordMeta{copy.correlation_id, copy.method_id, copy.flags, copy.status, copy.epoch},
                         std::span<const std::byte>(data_ + offset + kRecordHeaderBytes, length)});
      position += record_bytes(length);
      ++handled;
    }
    if (position != head_) {
      head_ = position;
      // release pairs with the producer's acquire load of head in RingWriter::try_claim: our reads
      // of the records before `position` are done before the producer may reuse their space.
      ring_->head.position.store(position, std::memory_order_release);
      consumed_ += handled;
      ring_->consumer.records_consumed.store(consumed_, std::memory_order_relaxed);  // diagnostics
    }
    return handled;
  }

  // True when poll() would find something: a complete record or padding at the head. Used by the
  // waiting protocol's re-check before parking.
  [[nodiscard]] bool has_data() const {
    if (broken_) return false;
    std::uint64_t position = head_;
    const std::uint64_t to_end = capacity_ - (position & (capacity_ - 1));
    if (to_end < kRecordHeaderBytes) position += to_end;
    const auto* header = reinterpret_cast<const RecordHeader*>(data_ + (position & (capacity_ - 1)));
    // acquire: as in poll.
    return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(header->commit)).load(std::memory_order_acquire) ==
           marker_for(position, salt_);
  }

  [[nodiscard]] bool attached() const { return ring_ != nullptr; }
  [[nodiscard]] bool broken() const { return broken_; }
  [[nodiscard]] std::uint64_t head() const { return head_; }
  [[nodiscard]] std::uint64_t corrupt_records() const {
    // relaxed: a diagnostics counter (mark_broken); pairs with nothing.
    return ring_->consumer.corrupt_records.load(std::memory_order_relaxed);
  }

 private:
  void mark_broken() {
    broken_ = true;
    // relaxed: counters for diagnostics; the producer polls `broken` only to stop sending.
    ring_->consumer.corrupt_records.fetch_add(1, std::memory_order_relaxed);
    ring_->consumer.broken.store(1, std::memory_order_relaxed);
  }

  RingControl* ring_ = nullptr;
  const std::byte* data_ = nullptr;
  std::uint64_t capacity_ = 0;
  std::uint64_t max_payload_ = 0;
  std::uint64_t salt_ = 0;
  std::uint64_t head_ = 0;
  std::uint64_t consumed_ = 0;
  bool broken_ = false;
};

}  // namespace pipescale::ipc

#pragma once
// A ring in process-local memory for single-threaded ring tests, and small helpers to write and
// collect records. The memory is exactly ring_bytes(capacity) long, so AddressSanitizer reports
// any write past the end of the data area.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <span>
#include <vector>

#include "ipc/ring/spsc_ring.hpp"

namespace pipescale::test {

struct FreeDeleter {
  void operator()(std::byte* memory) const { std::free(memory); }
};
using AlignedBytes = std::unique_ptr<std::byte, FreeDeleter>;

// Zeroed memory aligned as a segment region is (rings need 128 bytes).
inline AlignedBytes aligned_zeroed(std::size_t bytes) {
  AlignedBytes memory(static_cast<std::byte*>(std::aligned_alloc(ipc::kFalseSharingBytes, bytes)));
  if (memory) std::memset(memory.get(), 0, bytes);
  return memory;
}

class LocalRing {
 public:
  explicit LocalRing(ipc::RingOptions options)
      : memory_(aligned_zeroed(static_cast<std::size_t>(ipc::ring_bytes(options.capacity_bytes)))) {
    auto ring = ipc::init_ring(memory_.get(), options);
    if (!ring) ADD_FAILURE() << ring.error().message;
    control_ = ring.ok() ? ring.value() : nullptr;
  }
  explicit LocalRing(std::uint64_t capacity_bytes = 1024) : LocalRing(ipc::RingOptions{capacity_bytes, 0}) {}

  [[nodiscard]] ipc::RingControl& control() const { return *control_; }
  [[nodiscard]] std::uint64_t capacity() const { return control_->config.capacity_bytes; }
  // The data area, as both sides address it: position p lives at data()[p % capacity].
  [[nodiscard]] std::byte* data() const { return reinterpret_cast<std::byte*>(control_ + 1); }
  [[nodiscard]] std::uint64_t salt() const { return control_->config.marker_salt; }
  // The commit marker a complete record at `position` carries in this ring.
  [[nodiscard]] std::uint64_t marker_for(std::uint64_t position) const { return ipc::marker_for(position, salt()); }
  [[nodiscard]] ipc::RecordHeader header_at(std::uint64_t offset) const {
    ipc::RecordHeader header{};
    std::memcpy(&header, data() + offset, sizeof header);
    return header;
  }

 private:
  AlignedBytes memory_;
  ipc::RingControl* control_ = nullptr;
};

// Recognisable payload bytes: seed, seed + 1, ... (mod 256).
inline std::vector<std::byte> pattern(std::size_t bytes, std::uint8_t seed = 1) {
  std::vector<std::byte> out(bytes);
  for (std::size_t i = 0; i < bytes; ++i) out[i] = static_cast<std::byte>((seed + i) & 0xFF);
  return out;
}

inline ipc::RecordMeta meta_for(std::uint64_t correlation_id) {
  return ipc::RecordMeta{correlation_id, static_cast<std::uint16_t>(correlation_id + 7), 0x5A, 3, 0xE90C4};
}

// A record as the consumer's handler saw it, copied out of the ring.
struct Received {
  std::uint64_t position = 0;
  ipc::RecordMeta meta;
  std::vector<std::byte> payload;
};

inline std::vector<Received> drain(ipc::RingReader& reader, std::size_t limit = SIZE_MAX) {
  std::vector<Received> out;
  const std::size_t handled = reader.poll(
      [&](const ipc::RecordView& view) {
        out.push_back(Received{view.position, view.meta, {view.payload.begin(), view.payload.end()}});
      },
      limit);
  EXPECT_EQ(handled, out.size());
  return out;
}

// Writes `count` records of `payload_bytes` each; returns false at the first that does not fit.
inline bool write_records(ipc::RingWriter& writer, std::size_t count, std::uint32_t payload_bytes,
                          std::uint64_t first_id = 0) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto bytes = pattern(payload_bytes, static_cast<std::uint8_t>(first_id + i));
    if (writer.try_write(meta_for(first_id + i), bytes) != ipc::RingStatus::kOk) return false;
  }
  return true;
}

}  // namespace pipescale::test

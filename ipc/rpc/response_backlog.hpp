#pragma once
// Responses that found their ring full wait here, in order, until the client makes room: a
// process-local byte FIFO sized at setup (nothing allocates after), one per connection. Entries
// are a small header and the payload, and may wrap around the end of the buffer.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ipc/ring/spsc_ring.hpp"

namespace pipescale::ipc {

class ResponseBacklog {
 public:
  ResponseBacklog() = default;
  explicit ResponseBacklog(std::size_t capacity_bytes);  // rounded up to a power of two

  // False when the entry does not fit (nothing is stored then).
  [[nodiscard]] bool push(const RecordMeta& meta, std::span<const std::byte> payload);
  // Writes the oldest entry into `ring` and removes it; anything but kOk leaves it in place.
  [[nodiscard]] RingStatus write_front(RingWriter& ring);
  void pop_front();

  [[nodiscard]] bool empty() const { return head_ == tail_; }
  [[nodiscard]] std::size_t entries() const { return entries_; }
  [[nodiscard]] std::uint64_t used_bytes() const { return tail_ - head_; }
  [[nodiscard]] std::uint64_t capacity_bytes() const { return buffer_.size(); }

 private:
  struct EntryHeader {
    RecordMeta meta;
    std::uint32_t length;
  };

 public:
  // Bytes an entry takes besides its payload.
  static constexpr std::size_t kEntryOverheadBytes = sizeof(EntryHeader);

 private:
  void copy_in(std::uint64_t position, const void* from, std::size_t bytes);
  void copy_out(std::uint64_t position, void* to, std::size_t bytes) const;

  std::vector<std::byte> buffer_;
  std::uint64_t head_ = 0;  // positions only grow; the offset is position & (size - 1)
  std::uint64_t tail_ = 0;
  std::size_t entries_ = 0;
};

}  // namespace pipescale::ipc

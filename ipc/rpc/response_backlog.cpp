#include "ipc/rpc/response_backlog.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>

namespace pipescale::ipc {

ResponseBacklog::ResponseBacklog(std::size_t capacity_bytes)
    : buffer_(capacity_bytes == 0 ? 0 : std::bit_ceil(capacity_bytes)) {}

void ResponseBacklog::copy_in(std::uint64_t position, const void* from, std::size_t bytes) {
  const std::size_t offset = position & (buffer_.size() - 1);
  const std::size_t first = std::min(bytes, buffer_.size() - offset);
  std::memcpy(buffer_.data() + offset, from, first);
  if (first < bytes) std::memcpy(buffer_.data(), static_cast<const std::byte*>(from) + first, bytes - first);
}

void ResponseBacklog::copy_out(std::uint64_t position, void* to, std::size_t bytes) const {
  const std::size_t offset = position & (buffer_.size() - 1);
  const std::size_t first = std::min(bytes, buffer_.size() - offset);
  std::memcpy(to, buffer_.data() + offset, first);
  if (first < bytes) std::memcpy(static_cast<std::byte*>(to) + first, buffer_.data(), bytes - first);
}

bool ResponseBacklog::push(const RecordMeta& meta, std::span<const std::byte> payload) {
  const std::uint64_t bytes = sizeof(EntryHeader) + payload.size();
  if (payload.size() > UINT32_MAX || used_bytes() + bytes > buffer_.size()) return false;
  const EntryHeader header{meta, static_cast<std::uint32_t>(payload.size())};
  copy_in(tail_, &header, sizeof header);
  if (!payload.empty()) copy_in(tail_ + sizeof header, payload.data(), payload.size());
  tail_ += bytes;
  ++entries_;
  return true;
}

RingStatus ResponseBacklog::write_front(RingWriter& ring) {
  EntryHeader header{};
  copy_out(head_, &header, sizeof header);
  std::span<std::byte> room;
  const RingStatus status = ring.try_claim(header.length, room);
  if (status != RingStatus::kOk) return status;
  if (header.length != 0) copy_out(head_ + sizeof header, room.data(), header.length);
  ring.commit(header.meta, header.length);
  pop_front();
  return RingStatus::kOk;
}

void ResponseBacklog::pop_front() {
  EntryHeader header{};
  copy_out(head_, &header, sizeof header);
  head_ += sizeof(EntryHeader) + header.length;
  --entries_;
}

}  // namespace pipescale::ipc

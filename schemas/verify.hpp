#pragma once
// The one way to read a message that came from a peer: verify it against fixed limits, then
// hand out its root. Every transport (rings and gRPC) uses these limits, so a payload that one
// refuses the other refuses too. Everything read from a peer is untrusted (DESIGN.md, ipc).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <flatbuffers/base.h>
#include <flatbuffers/buffer.h>
#include <flatbuffers/verifier.h>
#include <span>
#include <vector>

#include "schemas/services_generated.h"

namespace pipescale::schema {

// Batch -> Request is the deepest nesting today (2 tables); 8 leaves room to grow while a
// crafted buffer still cannot make the verifier recurse far.
inline constexpr flatbuffers::uoffset_t kVerifyMaxDepth = 8;
// A Batch of N requests is N + 1 tables: this admits batches of up to 4095 requests.
inline constexpr flatbuffers::uoffset_t kVerifyMaxTables = 4096;

// The largest alignment any field of these schemas needs (int64, double, the structs). The
// Verifier checks alignment only relative to the buffer's start, so the start itself must be
// aligned this much for every field read to be aligned. Ring payloads always are, and a
// FlatBufferBuilder's own output is aligned for what it holds; gRPC hands over slices at any
// address, so a gRPC message goes through realigned() first (grpc_verify.hpp does it).
inline constexpr std::size_t kMessageAlignment = 8;
static_assert(alignof(StageVisit) <= kMessageAlignment, "raise kMessageAlignment");
static_assert(alignof(StageTimestamps) <= kMessageAlignment, "raise kMessageAlignment");

inline flatbuffers::Verifier::Options verifier_options() {
  flatbuffers::Verifier::Options options;
  options.max_depth = kVerifyMaxDepth;
  options.max_tables = kVerifyMaxTables;
  options.check_alignment = true;
  return options;
}

inline bool is_message_aligned(const void* data) {
  return reinterpret_cast<std::uintptr_t>(data) % kMessageAlignment == 0;
}

// True if payload is a well-formed Table buffer within the limits. Bounds-checks every offset;
// reads nothing outside payload. A start that is not even 4-byte aligned (the root offset's
// alignment) is refused outright: no FlatBuffer can start there, but a gRPC slice can.
template <class Table>
[[nodiscard]] bool verify_message(std::span<const std::byte> payload) {
  const auto address = reinterpret_cast<std::uintptr_t>(payload.data());
  if (address % alignof(flatbuffers::uoffset_t) != 0 || payload.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return false;  // (the Verifier asserts rather than refuses above that size)
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size(),
                                 verifier_options());
  return verifier.VerifyBuffer<Table>(nullptr);
}

// The verified root, or nullptr if payload fails verify_message. The pointer is valid as long
// as payload is.
template <class Table>
[[nodiscard]] const Table* verified_root(std::span<const std::byte> payload) {
  if (!verify_message<Table>(payload)) {
    return nullptr;
  }
  return flatbuffers::GetRoot<Table>(payload.data());
}

// Reusable space for copying a misaligned payload to an aligned address. It grows to the
// largest payload seen and then stops allocating; keep one per thread that reads messages.
class AlignedScratch {
 public:
  std::span<const std::byte> copy(std::span<const std::byte> payload) {
    const std::size_t words = (payload.size() + sizeof(Word) - 1) / sizeof(Word);
    if (storage_.size() < words) {
      storage_.resize(words);
    }
    if (!payload.empty()) {
      std::memcpy(storage_.data(), payload.data(), payload.size());
    }
    return {reinterpret_cast<const std::byte*>(storage_.data()), payload.size()};
  }

 private:
  struct alignas(kMessageAlignment) Word {
    std::byte bytes[kMessageAlignment];
  };
  std::vector<Word> storage_;
};

// payload itself when it is aligned, otherwise an aligned copy in scratch (valid until the
// next copy into the same scratch).
inline std::span<const std::byte> realigned(std::span<const std::byte> payload, AlignedScratch& scratch) {
  return is_message_aligned(payload.data()) ? payload : scratch.copy(payload);
}

}  // namespace pipescale::schema

#include "ipc/ring/spsc_ring.hpp"

#include <new>
#include <random>
#include <string>

namespace pipescale::ipc {

const char* to_string(RingStatus status) {
  switch (status) {
    case RingStatus::kOk: return "ok";
    case RingStatus::kFull: return "ring full";
    case RingStatus::kTooLarge: return "record larger than the ring's maximum";
    case RingStatus::kBroken: return "ring broken by a corrupt record";
  }
  return "unknown ring status";
}

Result<RingControl*> init_ring(void* memory, const RingOptions& options) {
  const std::uint64_t capacity = options.capacity_bytes;
  if (!is_power_of_two(capacity) || capacity < kMinRingCapacityBytes) {
    return Error{"ring capacity_bytes must be a power of two of at least 1024, got " + std::to_string(capacity)};
  }
  const std::uint64_t largest = capacity / 2 - kRecordHeaderBytes;
  const std::uint64_t max_payload =
      options.max_payload_bytes != 0 ? options.max_payload_bytes : capacity / 8 - kRecordHeaderBytes;
  if (max_payload > largest || max_payload > UINT32_MAX) {
    return Error{"ring max_payload_bytes " + std::to_string(max_payload) + " is too large for capacity " +
                 std::to_string(capacity) + " (at most " + std::to_string(largest) + ")"};
  }
  if (reinterpret_cast<std::uintptr_t>(memory) % kFalseSharingBytes != 0) {
    return Error{"ring memory must be aligned to " + std::to_string(kFalseSharingBytes) + " bytes"};
  }
  auto* ring = new (memory) RingControl{};
  ring->config.magic = kRingMagic;
  ring->config.layout_version = kRingLayoutVersion;
  ring->config.record_header_bytes = static_cast<std::uint32_t>(kRecordHeaderBytes);
  ring->config.capacity_bytes = capacity;
  ring->config.max_payload_bytes = max_payload;
  std::random_device device;
  ring->config.marker_salt = ((static_cast<std::uint64_t>(device()) << 32) ^ device()) | (std::uint64_t{1} << 63);
  return ring;
}

Result<RingControl*> attach_ring(void* memory, std::uint64_t available_bytes) {
  if (available_bytes < sizeof(RingControl)) {
    return Error{"ring region of " + std::to_string(available_bytes) + " bytes is smaller than a ring control block"};
  }
  auto* ring = static_cast<RingControl*>(memory);
  const auto& config = ring->config;
  if (config.magic != kRingMagic) return Error{"ring magic mismatch: not a pipescale ring"};
  if (config.layout_version != kRingLayoutVersion) {
    return Error{"ring layout version " + std::to_string(config.layout_version) + ", this build speaks " +
                 std::to_string(kRingLayoutVersion)};
  }
  if (config.record_header_bytes != kRecordHeaderBytes) {
    return Error{"ring record header of " + std::to_string(config.record_header_bytes) + " bytes, this build uses " +
                 std::to_string(kRecordHeaderBytes)};
  }
  // At least init_ring's smallest capacity: below a header's size every position would be an
  // implicit skip, and poll() would never stop (found by fuzz_ring); the subtraction below would
  // also wrap.
  if (!is_power_of_two(config.capacity_bytes) || config.capacity_bytes < kMinRingCapacityBytes ||
      ring_bytes(config.capacity_bytes) > available_bytes ||
      config.max_payload_bytes > config.capacity_bytes / 2 - kRecordHeaderBytes) {
    return Error{"ring capacity " + std::to_string(config.capacity_bytes) + " does not fit its region of " +
                 std::to_string(available_bytes) + " bytes"};
  }
  // relaxed: a check at attach time; the writer and reader re-read them in their constructors.
  const std::uint64_t head = ring->head.position.load(std::memory_order_relaxed);
  const std::uint64_t tail = ring->producer.tail.load(std::memory_order_relaxed);
  if (head % kRecordAlignment != 0 || tail % kRecordAlignment != 0 || head > tail + config.capacity_bytes ||
      tail > head + config.capacity_bytes) {
    return Error{"ring positions are inconsistent (head " + std::to_string(head) + ", tail " + std::to_string(tail) +
                 "): expected multiples of " + std::to_string(kRecordAlignment) + " at most a capacity apart"};
  }
  return ring;
}

}  // namespace pipescale::ipc

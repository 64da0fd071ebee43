#pragma once
// The cases of the throughput harness: one producer process (the child) streams messages as fast
// as the transport takes them to one consumer process (the harness itself), each pinned to its own
// core. The consumer checks every message's sequence number and reads all its bytes.
#include <cstdint>

#include "base/result.hpp"

namespace pipescale::bench {

struct ThroughputConfig {
  int parent_pu = 0;
  int child_pu = 1;
  // Bytes one message occupies on the transport: the ring carries a record of this size (its
  // 32-byte header and the rest payload); the socket carries a message of this size.
  std::uint32_t message_bytes = 64;
  bool ring_payload_is_message = false;  // the ring's payload, not its record, is message_bytes
  double warmup_seconds = 0.2;
  double duration_seconds = 2.0;
  std::uint64_t ring_capacity_bytes = 1 << 20;
  std::uint64_t poll_limit = 0;  // records per poll() call; 0 for no limit
  std::int64_t child_timeout_ns = 10'000'000'000;
};

struct Throughput {
  std::uint64_t messages = 0;  // counted after the warm-up
  double seconds = 0;
  // How the two sides ran (shm only): a consumer that finds 1 to 3 records per poll trails the
  // producer by a cache line or two and fights it for them; big batches mean it trails far behind.
  std::uint64_t polls_with_data = 0;
  std::uint64_t full_events = 0;  // the producer found the ring full
  [[nodiscard]] double msgs_per_s() const { return seconds > 0 ? static_cast<double>(messages) / seconds : 0; }
};

// shm: one SPSC ring; the producer spins when it is full, the consumer spins when it is empty and
// drains everything visible per poll (publishing its head once per batch).
Result<Throughput> run_shm_throughput(const ThroughputConfig& config);
// uds: socketpair(AF_UNIX, SOCK_STREAM); one send() per message and one recv() per message.
Result<Throughput> run_uds_throughput(const ThroughputConfig& config);

}  // namespace pipescale::bench

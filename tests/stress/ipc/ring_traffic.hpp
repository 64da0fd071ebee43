#pragma once
// Traffic for the ring stress tests. The producer sends numbered records of random length; each
// payload carries its sequence number and a checksum of the rest, and the header fields are
// derived from the sequence number too. Along the way the producer also claims more than it
// commits and aborts claims, so those paths run under concurrency. The consumer checks order,
// bounds, header fields and checksum of every record.
//
// Payload layout: [sequence: u64][checksum: u64][body: random bytes], 16 bytes at least.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <thread>

#include "ipc/common/clock.hpp"
#include "ipc/ring/spsc_ring.hpp"
#include "ipc/wait/doorbell.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::test {

struct TrafficConfig {
  std::uint64_t records = 0;
  std::uint32_t min_payload = 16;
  std::uint32_t max_payload = 256;
  std::uint64_t seed = 0x5EEDULL;
};

inline constexpr std::uint64_t kShrinkEvery = 8;  // claim the maximum, commit less
inline constexpr std::uint64_t kAbortEvery = 61;  // claim, scribble, abort, claim again

class TrafficRng {
 public:
  explicit TrafficRng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  std::uint32_t between(std::uint32_t low, std::uint32_t high) {
    return low + static_cast<std::uint32_t>(engine_() % (std::uint64_t{high} - low + 1));
  }

 private:
  std::mt19937_64 engine_;
};

// Seeded with the sequence number, so that a record delivered twice or out of place fails too.
inline std::uint64_t payload_checksum(std::uint64_t sequence, std::span<const std::byte> body) {
  std::uint64_t hash = 0x243F6A8885A308D3ULL ^ (sequence * 0x9E3779B97F4A7C15ULL) ^ body.size();
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, body.data() + i, 8);
    hash = (hash ^ word) * 0xFF51AFD7ED558CCDULL;
    hash ^= hash >> 29;
  }
  for (; i < body.size(); ++i) hash = (hash ^ std::to_integer<std::uint64_t>(body[i])) * 0x100000001B3ULL;
  return hash;
}

inline ipc::RecordMeta traffic_meta(std::uint64_t sequence, std::size_t length) {
  return ipc::RecordMeta{sequence, static_cast<std::uint16_t>(sequence * 31), static_cast<std::uint8_t>(sequence),
                         static_cast<std::uint16_t>(length), static_cast<std::uint32_t>(sequence >> 3)};
}

inline void fill_payload(std::span<std::byte> payload, std::uint64_t sequence, TrafficRng& rng) {
  const auto body = payload.subspan(16);
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    const std::uint64_t word = rng.next();
    std::memcpy(body.data() + i, &word, 8);
  }
  for (; i < body.size(); ++i) body[i] = static_cast<std::byte>(rng.next());
  const std::uint64_t checksum = payload_checksum(sequence, body);
  std::memcpy(payload.data(), &sequence, 8);
  std::memcpy(payload.data() + 8, &checksum, 8);
}

// Empty when the record is the intact record number `expected`, else what is wrong with it.
inline std::string check_record(const ipc::RecordView& view, std::uint64_t expected, const TrafficConfig& config) {
  const auto fail = [&](const std::string& what) {
    return "record " + std::to_string(expected) + " at position " + std::to_string(view.position) + ": " + what;
  };
  const std::size_t length = view.payload.size();
  if (length < config.min_payload || length > config.max_payload) return fail("length " + std::to_string(length));
  std::uint64_t sequence = 0;
  std::uint64_t checksum = 0;
  std::memcpy(&sequence, view.payload.data(), 8);
  std::memcpy(&checksum, view.payload.data() + 8, 8);
  if (sequence != expected) return fail("carries sequence " + std::to_string(sequence));
  const ipc::RecordMeta meta = traffic_meta(expected, length);
  if (view.meta.correlation_id != meta.correlation_id || view.meta.method_id != meta.method_id ||
      view.meta.flags != meta.flags || view.meta.status != meta.status || view.meta.epoch != meta.epoch) {
    return fail("header fields differ");
  }
  if (checksum != payload_checksum(sequence, view.payload.subspan(16))) return fail("checksum mismatch");
  return {};
}

// try_claim, waiting while the ring is full (spin, then yield: the box may have fewer cores than
// threads). Returns kFull only when `stop` was raised while waiting.
inline ipc::RingStatus claim_waiting(ipc::RingWriter& writer, std::uint32_t bytes, std::span<std::byte>& payload,
                                     const std::atomic<bool>& stop) {
  for (unsigned spins = 0;; ++spins) {
    const ipc::RingStatus status = writer.try_claim(bytes, payload);
    if (status != ipc::RingStatus::kFull) return status;
    if (stop.load(std::memory_order_relaxed)) return status;
    if (spins < 64) {
      ipc::cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
}

// Sends config.records records. Returns 0 on success, else a small code (also a child's exit
// status): 2 stopped while the ring was full, 3 refused by try_claim.
inline int produce(ipc::RingWriter& writer, ipc::Doorbell doorbell, const TrafficConfig& config,
                   const std::atomic<bool>& stop) {
  TrafficRng rng(config.seed);
  std::span<std::byte> payload;
  for (std::uint64_t sequence = 0; sequence < config.records; ++sequence) {
    const std::uint32_t length = rng.between(config.min_payload, config.max_payload);
    if (sequence % kAbortEvery == 1) {
      if (claim_waiting(writer, length, payload, stop) != ipc::RingStatus::kOk) return 3;
      std::memset(payload.data(), 0xFF, payload.size());  // must never be seen: sequence ~0
      writer.abort();
    }
    const std::uint32_t claim = sequence % kShrinkEvery == 0 ? config.max_payload : length;
    const ipc::RingStatus status = claim_waiting(writer, claim, payload, stop);
    if (status == ipc::RingStatus::kFull) return 2;
    if (status != ipc::RingStatus::kOk) return 3;
    fill_payload(payload.first(length), sequence, rng);
    writer.commit(traffic_meta(sequence, length), length);
    doorbell.notify();
  }
  return 0;
}

struct ConsumerReport {
  std::uint64_t received = 0;
  std::string error;
};

// Receives until config.records records arrived, a record is wrong, or the producer has ended
// with nothing left to read.
inline ConsumerReport consume(ipc::RingReader& reader, ipc::IdleStrategy& idle, const TrafficConfig& config,
                              const std::function<bool()>& producer_ended) {
  ConsumerReport report;
  const auto handle = [&](const ipc::RecordView& view) {
    if (report.error.empty()) report.error = check_record(view, report.received, config);
    ++report.received;
  };
  while (report.received < config.records && report.error.empty()) {
    if (reader.poll(handle, 256) > 0) {
      idle.reset();
      continue;
    }
    if (reader.broken()) {
      report.error = "ring broken after " + std::to_string(report.received) + " records";
    } else if (producer_ended() && !reader.has_data()) {
      report.error = "producer ended after " + std::to_string(report.received) + " records";
    } else {
      idle.idle([&] { return reader.has_data(); });
    }
  }
  return report;
}

}  // namespace pipescale::test

#include "bench/ipc/throughput/throughput_case.hpp"

#include <sys/socket.h>

#include <cstdio>
#include <vector>

#include "bench/ipc/payload.hpp"
#include "bench/ipc/shm_link.hpp"
#include "bench/ipc/socket_io.hpp"
#include "bench/support/child_process.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

constexpr std::uint64_t kStopCheckMask = 1023;  // the producer looks at the stop flag every 1024 messages

bool stop_requested(const LinkControl& control) {
  // acquire pairs with the consumer's release store: a producer whose send() failed because the
  // consumer closed its socket after stopping must see the flag, or it would report an error.
  return control.stop.value.load(std::memory_order_acquire) != 0;
}

// Calls receive() (which returns how many verified messages it took, or -1 on a bad one) through
// the warm-up, then counts for the measured interval.
template <class Receive>
Result<Throughput> count_messages(const ThroughputConfig& config, Receive&& receive) {
  const auto to_ns = [](double seconds) { return static_cast<std::int64_t>(seconds * 1e9); };
  const std::int64_t start_ns = ipc::monotonic_ns() + to_ns(config.warmup_seconds);
  std::int64_t now_ns = 0;
  while ((now_ns = ipc::monotonic_ns()) < start_ns) {
    if (receive() < 0) return Error{"bad message during warm-up"};
  }
  const std::int64_t end_ns = start_ns + to_ns(config.duration_seconds);
  Throughput result;
  // The clock is read once per kPollsPerClockRead polls: a read costs about as much as moving one
  // small message, so reading it on every poll would cap the rate measured, not the ring's.
  constexpr int kPollsPerClockRead = 256;
  while ((now_ns = ipc::monotonic_ns()) < end_ns) {
    for (int poll = 0; poll < kPollsPerClockRead; ++poll) {
      const std::int64_t got = receive();
      if (got < 0) return Error{"message " + std::to_string(result.messages) + " out of sequence or lost"};
      result.messages += static_cast<std::uint64_t>(got);
      result.polls_with_data += got != 0 ? 1 : 0;
    }
  }
  result.seconds = static_cast<double>(now_ns - start_ns) * 1e-9;
  return result;
}

int produce_ring(LinkEnd& end, std::uint32_t message_bytes) {
  announce_ready(*end.control);
  ipc::RecordMeta meta;
  for (std::uint64_t sequence = 0;;) {
    std::span<std::byte> payload;
    const ipc::RingStatus status = end.writer.try_claim(message_bytes, payload);
    if (status == ipc::RingStatus::kOk) {
      write_payload(payload, sequence);
      meta.correlation_id = sequence;
      end.writer.commit(meta);
      if ((++sequence & kStopCheckMask) == 0 && stop_requested(*end.control)) return 0;
    } else if (status == ipc::RingStatus::kFull) {
      if (stop_requested(*end.control)) return 0;
      ipc::cpu_relax();
    } else {
      std::fprintf(stderr, "producer: %s\n", ipc::to_string(status));
      return 1;
    }
  }
}

int produce_socket(int fd, LinkControl& control, std::uint32_t message_bytes) {
  std::vector<std::byte> buffer(message_bytes);
  announce_ready(control);
  for (std::uint64_t sequence = 0;; ++sequence) {
    write_payload(buffer, sequence);
    // One send() per message: the message-at-a-time baseline. Batching many messages into one
    // write would be a different (and latency-adding) transport.
    if (!write_all(fd, buffer)) return stop_requested(control) ? 0 : 1;  // the consumer closes after stopping
    if ((sequence & kStopCheckMask) == 0 && stop_requested(control)) return 0;
  }
}

Result<Throughput> stop_and_join(Result<Throughput> measured, LinkControl& control, ChildProcess& child,
                                 const ThroughputConfig& config) {
  control.stop.value.store(1, std::memory_order_release);  // pairs with stop_requested()
  if (!measured) {
    child.kill();
    return measured;
  }
  if (auto waited = child.wait(config.child_timeout_ns); !waited) return waited.error();
  return measured;
}

std::uint32_t ring_payload_bytes(const ThroughputConfig& config) {
  if (config.ring_payload_is_message) return config.message_bytes;
  const auto header = static_cast<std::uint32_t>(ipc::kRecordHeaderBytes);
  return config.message_bytes > header + 8 ? config.message_bytes - header : 8;
}

Result<ChildProcess> spawn_ring_producer(const ShmLink& link, const ThroughputConfig& config) {
  return ChildProcess::spawn(config.child_pu, [&] {
    auto segment = ipc::Segment::open(link.name());
    auto end = segment ? attach_link_end(*segment, LinkSide::kChild) : Result<LinkEnd>(segment.error());
    if (!end) {
      std::fprintf(stderr, "producer: %s\n", end.error().message.c_str());
      return 1;
    }
    return produce_ring(*end, ring_payload_bytes(config));
  });
}

}  // namespace

Result<Throughput> run_shm_throughput(const ThroughputConfig& config) {
  auto link = ShmLink::create(ring_capacity_for(ring_payload_bytes(config), config.ring_capacity_bytes));
  if (!link) return link.error();
  auto end = attach_link_end(link->segment(), LinkSide::kParent);
  if (!end) return end.error();
  auto child = spawn_ring_producer(*link, config);
  if (!child) return child.error();
  if (auto ready = await_ready(*end->control, *child, config.child_timeout_ns); !ready) return ready.error();
  std::uint64_t expected = 0;
  bool in_order = true;
  const std::size_t limit = config.poll_limit == 0 ? SIZE_MAX : config.poll_limit;
  const auto handler = [&](const ipc::RecordView& record) {
    const PayloadRead read = read_payload(record.payload);
    do_not_optimize(read.checksum);
    in_order &= read.sequence == expected++;
  };
  // relaxed: diagnostic counts, read after the fact
  const std::uint64_t full_before = end->inbound->producer.full_events.load(std::memory_order_relaxed);
  auto measured = count_messages(config, [&]() -> std::int64_t {
    const auto got = static_cast<std::int64_t>(end->reader.poll(handler, limit));
    if (got == 0) ipc::cpu_relax();
    return in_order ? got : -1;
  });
  if (measured)
    measured->full_events = end->inbound->producer.full_events.load(std::memory_order_relaxed) - full_before;
  return stop_and_join(std::move(measured), *end->control, *child, config);
}

Result<Throughput> run_uds_throughput(const ThroughputConfig& config) {
  auto link = ShmLink::create(ring_capacity_for(config.message_bytes, 1024));  // only for its stop flag
  if (!link) return link.error();
  auto end = attach_link_end(link->segment(), LinkSide::kParent);
  if (!end) return end.error();
  auto pair = make_unix_socketpair();
  if (!pair) return pair.error();
  auto& [consumer_fd, producer_fd] = *pair;
  LinkControl& control = *end->control;
  // The producer uses the mapping it inherited from fork: the segment carries only the stop flag here.
  auto child = ChildProcess::spawn(config.child_pu, [&] {
    consumer_fd.reset();
    return produce_socket(producer_fd.get(), control, config.message_bytes);
  });
  if (!child) return child.error();
  producer_fd.reset();
  if (auto ready = await_ready(control, *child, config.child_timeout_ns); !ready) return ready.error();
  std::vector<std::byte> buffer(config.message_bytes);
  std::uint64_t expected = 0;
  auto measured = count_messages(config, [&]() -> std::int64_t {
    if (!read_all(consumer_fd.get(), buffer)) return -1;  // one recv() per message, as the producer sends
    const PayloadRead read = read_payload(buffer);
    do_not_optimize(read.checksum);
    return read.sequence == expected++ ? 1 : -1;
  });
  control.stop.value.store(1, std::memory_order_release);  // pairs with stop_requested()
  consumer_fd.reset();  // a producer blocked in send() gets EPIPE and sees the stop flag
  return stop_and_join(std::move(measured), control, *child, config);
}

}  // namespace pipescale::bench

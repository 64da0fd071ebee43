// Two threads, then two processes, exchange many records through one ring in a segment, the
// consumer parking on the doorbell whenever it runs dry. Every record is checked for order,
// length, header fields and checksum. A watchdog prints the ring's positions and counters and
// aborts if nothing moves for a while.
//
// Settings (environment): PIPESCALE_STRESS_RECORDS (default PIPESCALE_STRESS_DEFAULT_RECORDS, set
// per program in CMakeLists.txt), PIPESCALE_STRESS_STALL_S (watchdog, default 10 s).
#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>

#include "ipc/ring/spsc_ring.hpp"
#include "ipc/segment/segment.hpp"
#include "ipc/wait/doorbell.hpp"
#include "ipc/wait/wait_strategy.hpp"
#include "tests/stress/ipc/ring_traffic.hpp"
#include "tests/support/shm_test_support.hpp"

// The full and the short program build this file with their own record count and suite name,
// so that their tests have distinct names in ctest.
#ifndef PIPESCALE_STRESS_DEFAULT_RECORDS
#define PIPESCALE_STRESS_DEFAULT_RECORDS 200000
#endif
#ifndef PIPESCALE_STRESS_SUITE
#define PIPESCALE_STRESS_SUITE SpscRingStressShort
#endif

namespace pipescale::ipc {
namespace {

constexpr std::uint64_t kRingBytes = 64 * 1024;  // wraps every few hundred records

test::TrafficConfig traffic_config() {
  test::TrafficConfig config;
  config.records = test::env_u64("PIPESCALE_STRESS_RECORDS", PIPESCALE_STRESS_DEFAULT_RECORDS);
  return config;
}

std::chrono::milliseconds stall_limit() {
  return std::chrono::seconds(static_cast<std::int64_t>(test::env_u64("PIPESCALE_STRESS_STALL_S", 10)));
}

// The consumer's side of a run: spin briefly after work, then park on the doorbell. A park lasts
// longer than the watchdog waits, so that a lost wake-up (a consumer asleep while records wait,
// the producer blocked on the full ring) stops all progress and the watchdog reports it, where a
// short park would hide it as a delay.
IdleStrategy consumer_idle(DoorbellLayout* doorbell) {
  const std::int64_t max_park_ns = 3 * std::chrono::nanoseconds(stall_limit()).count();
  return IdleStrategy(WaitOptions{WaitKind::kSpinThenPark, 20'000, max_park_ns}, Doorbell(doorbell));
}

class SpscRingStressFixture : public test::ShmTest {
 protected:
  void SetUp() override {
    auto created = Segment::create(SegmentOptions{names_.next(), "stress", 2 * kRingBytes, 4});
    ASSERT_TRUE(created.ok()) << created.error().message;
    segment_ = std::make_unique<Segment>(std::move(created).value());
    auto ring = segment_->allocate_ring("requests", kRingBytes);
    auto doorbell = segment_->allocate_doorbell("bell");
    ASSERT_TRUE(ring.ok() && doorbell.ok());
    ring_ = ring.value();
    doorbell_ = doorbell.value();
    segment_->publish();
    config_ = traffic_config();
    ASSERT_LE(config_.max_payload, RingWriter(ring_).max_payload_bytes());
  }
  void TearDown() override {
    segment_.reset();
    ShmTest::TearDown();
  }

  // Aborts the test when the ring stops moving; first kills `child` (when given) and removes the
  // segment, which the aborted process could not clean up.
  std::unique_ptr<test::Watchdog> start_watchdog(pid_t child = -1) const {
    const std::string name = segment_->name();
    return std::make_unique<test::Watchdog>(
        stall_limit(), [this] { return progress(); }, [this] { return report(); },
        [child, name] {
          if (child > 0) ::kill(child, SIGKILL);
          shm_unlink(("/" + name).c_str());
        });
  }

  std::uint64_t progress() const {
    return ring_->head.position.load(std::memory_order_relaxed) + ring_->producer.tail.load(std::memory_order_relaxed);
  }
  std::string report() const {
    return test::describe_ring(*ring_) + "; doorbell parks " + std::to_string(doorbell_->counters.parks.load()) +
           ", wake calls " + std::to_string(doorbell_->counters.wake_calls.load()) + ", sleeping " +
           std::to_string(doorbell_->words.sleeping.load());
  }

  void expect_clean_run(const test::ConsumerReport& consumed, std::int64_t elapsed_ns) {
    EXPECT_EQ(consumed.error, "");
    EXPECT_EQ(consumed.received, config_.records);
    EXPECT_EQ(ring_->consumer.corrupt_records.load(), 0u);
    EXPECT_EQ(ring_->producer.records_committed.load(), config_.records);
    const double seconds = static_cast<double>(elapsed_ns) / 1e9;
    std::printf("%llu records in %.2f s (%.2f M records/s); %s\n", static_cast<unsigned long long>(consumed.received),
                seconds, static_cast<double>(consumed.received) / seconds / 1e6, report().c_str());
    RecordProperty("records", std::to_string(consumed.received));
    RecordProperty("seconds", std::to_string(seconds));
  }

  std::unique_ptr<Segment> segment_;
  RingControl* ring_ = nullptr;
  DoorbellLayout* doorbell_ = nullptr;
  test::TrafficConfig config_;
};

class PIPESCALE_STRESS_SUITE : public SpscRingStressFixture {};

TEST_F(PIPESCALE_STRESS_SUITE, TwoThreadsExchangeRecordsInOrderAndIntact) {
  std::atomic<bool> stop{false};
  std::atomic<bool> producer_ended{false};
  std::atomic<int> producer_result{-1};
  const auto watchdog = start_watchdog();
  const std::int64_t start = monotonic_ns();

  std::thread producer([&] {
    RingWriter writer(ring_);
    producer_result.store(test::produce(writer, Doorbell(doorbell_), config_, stop), std::memory_order_relaxed);
    producer_ended.store(true, std::memory_order_release);
  });
  RingReader reader(ring_);
  IdleStrategy idle = consumer_idle(doorbell_);
  const test::ConsumerReport consumed =
      test::consume(reader, idle, config_, [&] { return producer_ended.load(std::memory_order_acquire); });
  stop.store(true, std::memory_order_relaxed);
  producer.join();

  EXPECT_EQ(producer_result.load(), 0);
  expect_clean_run(consumed, monotonic_ns() - start);
}

// Runs in the child: the producer, attached through its own mapping of the segment.
int produce_in_child(const std::string& segment_name, const test::TrafficConfig& config) {
  auto segment = Segment::open(segment_name);
  if (!segment.ok()) return 10;
  auto ring = segment->find_ring("requests");
  auto doorbell = segment->find_doorbell("bell");
  if (!ring.ok() || !doorbell.ok()) return 11;
  RingWriter writer(ring.value());
  const std::atomic<bool> never{false};
  return test::produce(writer, Doorbell(doorbell.value()), config, never);
}

TEST_F(PIPESCALE_STRESS_SUITE, TwoProcessesExchangeRecordsInOrderAndIntact) {
  const std::string name = segment_->name();
  const std::int64_t start = monotonic_ns();
  // Fork before any thread starts: the watchdog comes second.
  auto child = test::ChildProcess::fork([&] { return produce_in_child(name, config_); });
  const auto watchdog = start_watchdog(child.pid());

  RingReader reader(ring_);
  IdleStrategy idle = consumer_idle(doorbell_);
  const test::ConsumerReport consumed = test::consume(reader, idle, config_, [&] { return child.has_ended(); });
  if (!consumed.error.empty()) child.kill_and_reap();  // it may be waiting on a ring nobody drains
  const auto status = child.wait(std::chrono::seconds(30));

  expect_clean_run(consumed, monotonic_ns() - start);
  ASSERT_TRUE(status.has_value()) << "producer did not end, or was stopped";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << test::describe_wait_status(*status);
}

}  // namespace
}  // namespace pipescale::ipc

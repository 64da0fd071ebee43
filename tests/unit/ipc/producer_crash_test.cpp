// A producer killed with SIGKILL in the middle of a record: the consumer gets every record that was
// committed, never the partial one, and its ring keeps working for a restarted producer. Nothing
// is left in /dev/shm.
#include <signal.h>

#include <chrono>
#include <cstring>
#include <gtest/gtest.h>
#include <vector>

#include "ipc/ring/spsc_ring.hpp"
#include "ipc/segment/segment.hpp"
#include "tests/support/shm_test_support.hpp"
#include "tests/unit/ipc/ring_test_support.hpp"

namespace pipescale::ipc {
namespace {

constexpr std::uint64_t kCompleteRecords = 100;
constexpr std::uint64_t kRestartedIdBase = 1000;
constexpr std::uint64_t kRingBytes = 16 * 1024;

// Record `id` carries id % 64 bytes of pattern(seed = id).
std::vector<std::byte> payload_of(std::uint64_t id) {
  return test::pattern(static_cast<std::size_t>(id % 64), static_cast<std::uint8_t>(id));
}

// Runs in the child: opens the segment, commits kCompleteRecords records, then claims one more,
// writes half of its payload and kills itself before commit.
int produce_then_die_mid_record(const std::string& segment_name) {
  auto segment = Segment::open(segment_name);
  if (!segment.ok()) return 2;
  auto ring = segment->find_ring("requests");
  if (!ring.ok()) return 3;
  RingWriter writer(ring.value());
  for (std::uint64_t id = 0; id < kCompleteRecords; ++id) {
    if (writer.try_write(test::meta_for(id), payload_of(id)) != RingStatus::kOk) return 4;
  }
  std::span<std::byte> payload;
  if (writer.try_claim(80, payload) != RingStatus::kOk) return 5;
  std::memset(payload.data(), 0xEE, 40);
  raise(SIGKILL);
  return 6;
}

// Runs in a second child: a producer restarted on the same ring resumes after the last commit.
int produce_after_restart(const std::string& segment_name, std::uint64_t records) {
  auto segment = Segment::open(segment_name);
  if (!segment.ok()) return 2;
  auto ring = segment->find_ring("requests");
  if (!ring.ok()) return 3;
  RingWriter writer(ring.value());
  for (std::uint64_t id = kRestartedIdBase; id < kRestartedIdBase + records; ++id) {
    if (writer.try_write(test::meta_for(id), payload_of(id)) != RingStatus::kOk) return 4;
  }
  return 0;
}

class ProducerCrashTest : public test::ShmTest {
 protected:
  void SetUp() override {
    auto created = Segment::create(SegmentOptions{names_.next(), "crash", 1 << 16, 4});
    ASSERT_TRUE(created.ok()) << created.error().message;
    segment_ = std::make_unique<Segment>(std::move(created).value());
    auto ring = segment_->allocate_ring("requests", kRingBytes);
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    ring_ = ring.value();
    segment_->publish();
  }
  // Destroyed before ShmTest::TearDown looks for leftovers.
  void TearDown() override {
    segment_.reset();
    ShmTest::TearDown();
  }

  void kill_producer_mid_record() {
    const std::string name = segment_->name();
    auto child = test::ChildProcess::fork([&] { return produce_then_die_mid_record(name); });
    const auto status = child.wait(std::chrono::seconds(10));
    ASSERT_TRUE(status.has_value()) << "producer hung";
    ASSERT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) << test::describe_wait_status(*status);
  }

  std::unique_ptr<Segment> segment_;
  RingControl* ring_ = nullptr;
};

TEST_F(ProducerCrashTest, ConsumerGetsEveryCommittedRecordButNeverThePartialOne) {
  ASSERT_NO_FATAL_FAILURE(kill_producer_mid_record());
  RingReader reader(ring_);

  const auto got = test::drain(reader);

  ASSERT_EQ(got.size(), kCompleteRecords);
  for (std::uint64_t id = 0; id < kCompleteRecords; ++id) {
    EXPECT_EQ(got[id].meta.correlation_id, id);
    EXPECT_EQ(got[id].payload, payload_of(id));
  }
  EXPECT_FALSE(reader.has_data());
  EXPECT_FALSE(reader.broken());
  EXPECT_EQ(reader.corrupt_records(), 0u);
}

TEST_F(ProducerCrashTest, ConsumerKeepsWorkingWithARestartedProducer) {
  ASSERT_NO_FATAL_FAILURE(kill_producer_mid_record());
  RingReader reader(ring_);
  ASSERT_EQ(test::drain(reader).size(), kCompleteRecords);
  const std::uint64_t abandoned = reader.head();  // where the partial record was claimed
  const std::string name = segment_->name();
  // About 13 KiB of records after the first 8.4 KiB: they start over the abandoned claim and wrap
  // the 16 KiB ring, yet fit in it while the consumer waits.
  constexpr std::uint64_t kMore = 140;

  auto child = test::ChildProcess::fork([&] { return produce_after_restart(name, kMore); });
  const auto status = child.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << (status ? test::describe_wait_status(*status) : "restarted producer hung");
  const auto got = test::drain(reader);

  ASSERT_EQ(got.size(), kMore);
  for (std::uint64_t i = 0; i < kMore; ++i) {
    EXPECT_EQ(got[i].meta.correlation_id, kRestartedIdBase + i);
    EXPECT_EQ(got[i].payload, payload_of(kRestartedIdBase + i));
  }
  EXPECT_EQ(got.front().position, abandoned);
  EXPECT_GT(got.back().position, kRingBytes);  // the ring wrapped
  EXPECT_FALSE(reader.broken());
}

TEST_F(ProducerCrashTest, LeavesNothingInDevShmOnceTheConsumerIsDone) {
  ASSERT_NO_FATAL_FAILURE(kill_producer_mid_record());
  RingReader reader(ring_);
  ASSERT_EQ(test::drain(reader).size(), kCompleteRecords);

  segment_.reset();

  EXPECT_TRUE(names_.leftovers().empty()) << ::testing::PrintToString(names_.leftovers());
}

}  // namespace
}  // namespace pipescale::ipc

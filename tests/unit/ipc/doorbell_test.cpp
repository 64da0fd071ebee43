// The doorbell's protocol: no lost wake-up, one wake system call per burst, none when nobody
// sleeps, and a shared futex that works across processes.
#include "ipc/wait/doorbell.hpp"

#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <thread>

#include "ipc/ring/spsc_ring.hpp"
#include "ipc/segment/segment.hpp"
#include "tests/support/shm_test_support.hpp"
#include "tests/unit/ipc/ring_test_support.hpp"

namespace pipescale::ipc {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kLongParkNs = 10'000'000'000;  // far beyond any wake-up a test expects

// Polls `condition` every millisecond for up to `timeout`.
template <class Condition>
bool eventually(Condition&& condition, milliseconds timeout = seconds(10)) {
  const auto give_up = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// A consumer thread that parks once on `bell` until `work` is set, and measures how long it slept.
class ParkedConsumer {
 public:
  ParkedConsumer(Doorbell bell, const std::atomic<bool>& work)
      : thread_([this, bell, &work]() mutable {
          const auto start = Clock::now();
          slept_ = bell.park([&] { return work.load(std::memory_order_acquire); }, kLongParkNs);
          parked_for_ = Clock::now() - start;
        }) {}
  // Joins the thread; afterwards slept() and parked_for() are valid.
  void join() { thread_.join(); }
  [[nodiscard]] bool slept() const { return slept_; }
  [[nodiscard]] Clock::duration parked_for() const { return parked_for_; }

 private:
  bool slept_ = false;
  Clock::duration parked_for_{};
  std::thread thread_;
};

TEST(Doorbell, ParkReturnsAtOnceWhenWorkIsAlreadyThere) {
  DoorbellLayout layout{};
  Doorbell bell(&layout);
  const auto start = Clock::now();

  const bool slept = bell.park([] { return true; }, kLongParkNs);

  EXPECT_FALSE(slept);
  EXPECT_LT(Clock::now() - start, seconds(1));
  EXPECT_EQ(bell.parks(), 0u);
  EXPECT_EQ(layout.words.sleeping.load(), 0u);  // the announcement is withdrawn
}

TEST(Doorbell, ParkWithoutNotifyReturnsAfterItsTimeout) {
  DoorbellLayout layout{};
  Doorbell bell(&layout);
  const auto start = Clock::now();

  const bool slept = bell.park([] { return false; }, 20'000'000);

  EXPECT_TRUE(slept);
  EXPECT_GE(Clock::now() - start, milliseconds(15));
  EXPECT_EQ(layout.words.sleeping.load(), 0u);
}

TEST(Doorbell, NotifyFromAnotherThreadWakesAParkedConsumerLongBeforeItsTimeout) {
  DoorbellLayout layout{};
  Doorbell bell(&layout);
  std::atomic<bool> work{false};
  ParkedConsumer consumer(bell, work);
  ASSERT_TRUE(eventually([&] { return bell.parks() == 1; }));
  std::this_thread::sleep_for(milliseconds(20));  // let it reach the futex

  work.store(true, std::memory_order_release);
  bell.notify();
  consumer.join();

  EXPECT_TRUE(consumer.slept());
  EXPECT_LT(consumer.parked_for(), seconds(2));  // the timeout was 10 s
  EXPECT_EQ(bell.wake_calls(), 1u);
}

TEST(Doorbell, BurstOfNotifiesWakesAParkedConsumerWithOneSystemCall) {
  DoorbellLayout layout{};
  Doorbell bell(&layout);
  std::atomic<bool> work{false};
  ParkedConsumer consumer(bell, work);
  ASSERT_TRUE(eventually([&] { return bell.parks() == 1; }));

  work.store(true, std::memory_order_release);
  for (int i = 0; i < 1000; ++i) bell.notify();
  consumer.join();

  EXPECT_TRUE(consumer.slept());
  EXPECT_EQ(bell.wake_calls(), 1u);
}

TEST(Doorbell, NotifyWithNobodySleepingMakesNoWakeCall) {
  DoorbellLayout layout{};
  Doorbell bell(&layout);

  for (int i = 0; i < 10; ++i) bell.notify();

  EXPECT_EQ(bell.wake_calls(), 0u);
  EXPECT_EQ(layout.words.sequence.load(), 0u);
}

class DoorbellAcrossProcessesTest : public test::ShmTest {};

// Runs in the child: waits until the parent is parked, then commits a record and rings.
int commit_and_ring(const std::string& segment_name) {
  auto segment = Segment::open(segment_name);
  if (!segment.ok()) return 2;
  auto ring = segment->find_ring("requests");
  auto layout = segment->find_doorbell("bell");
  if (!ring.ok() || !layout.ok()) return 3;
  Doorbell bell(layout.value());
  RingWriter writer(ring.value());
  if (!eventually([&] { return bell.parks() == 1; })) return 4;
  std::this_thread::sleep_for(milliseconds(20));
  if (writer.try_write(test::meta_for(1), test::pattern(8)) != RingStatus::kOk) return 5;
  bell.notify();
  return 0;
}

TEST_F(DoorbellAcrossProcessesTest, NotifyFromAnotherProcessWakesAParkedConsumer) {
  auto created = Segment::create(SegmentOptions{names_.next(), "doorbell", 1 << 16, 4});
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto ring = created->allocate_ring("requests", 4096);
  auto layout = created->allocate_doorbell("bell");
  ASSERT_TRUE(ring.ok() && layout.ok());
  created->publish();
  Doorbell bell(layout.value());
  RingReader reader(ring.value());
  const std::string name = created->name();
  auto child = test::ChildProcess::fork([&] { return commit_and_ring(name); });
  const auto start = Clock::now();

  const bool slept = bell.park([&] { return reader.has_data(); }, kLongParkNs);

  const auto parked_for = Clock::now() - start;
  const auto status = child.wait(seconds(10));
  ASSERT_TRUE(status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << (status ? test::describe_wait_status(*status) : "child hung");
  EXPECT_TRUE(slept);
  EXPECT_LT(parked_for, seconds(2));
  EXPECT_TRUE(reader.has_data());
  EXPECT_EQ(bell.wake_calls(), 1u);
}

}  // namespace
}  // namespace pipescale::ipc

// The segment as a protocol: created, laid out and published by one process, opened by another,
// refused with a precise message when anything differs, and never left behind in /dev/shm.
#include "ipc/segment/segment.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ipc/ring/spsc_ring.hpp"
#include "tests/support/shm_test_support.hpp"
#include "tests/unit/ipc/ring_test_support.hpp"

namespace pipescale::ipc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SegmentTest : public test::ShmTest {
 protected:
  static SegmentOptions options_for(const std::string& name, std::uint32_t directory_capacity = 8) {
    return SegmentOptions{name, "unit-run", 1 << 20, directory_capacity};
  }

  // A published segment with a ring "requests" and a doorbell "bell".
  static Segment create_published(const std::string& name) {
    auto created = Segment::create(options_for(name));
    EXPECT_TRUE(created.ok()) << created.error().message;
    EXPECT_TRUE(created->allocate_ring("requests", 4096).ok());
    EXPECT_TRUE(created->allocate_doorbell("bell").ok());
    created->publish();
    return std::move(created).value();
  }

  // The creator's own mapping of the header, to play a peer built differently.
  static SegmentHeader& writable_header(Segment& segment) { return *static_cast<SegmentHeader*>(segment.base()); }

  static std::string open_error(const std::string& name, std::int64_t wait_ready_ns = 2'000'000'000) {
    auto opened = Segment::open(name, wait_ready_ns);
    return opened.ok() ? std::string("(opened)") : opened.error().message;
  }
};

TEST_F(SegmentTest, OpenerFindsTheCreatorsRegionsByNameAndSharesTheirMemory) {
  Segment created = create_published(names_.next());

  auto opened = Segment::open(created.name());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto ring = opened->find_ring("requests");
  auto bell = opened->find_doorbell("bell");

  ASSERT_TRUE(ring.ok()) << ring.error().message;
  ASSERT_TRUE(bell.ok()) << bell.error().message;
  EXPECT_THAT(opened->region_names(), ElementsAre("requests", "bell"));
  EXPECT_EQ(ring.value()->config.capacity_bytes, 4096u);
  EXPECT_EQ(opened->header().epoch, created.header().epoch);
  RingWriter writer(created.find_ring("requests").value());
  RingReader reader(ring.value());
  ASSERT_EQ(writer.try_write(test::meta_for(4), test::pattern(12)), RingStatus::kOk);
  const auto got = test::drain(reader);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, test::pattern(12));
}

TEST_F(SegmentTest, CreatesItsFileWithMode0600) {
  Segment created = create_published(names_.next());
  struct stat info {};

  ASSERT_EQ(stat(("/dev/shm/" + created.name()).c_str(), &info), 0);

  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(SegmentTest, OpenerRefusesAnotherLayoutVersion) {
  Segment created = create_published(names_.next());
  writable_header(created).layout_version = kSegmentLayoutVersion + 1;

  const std::string error = open_error(created.name());

  EXPECT_THAT(error, HasSubstr(created.name()));
  EXPECT_THAT(error, HasSubstr("layout version is " + std::to_string(kSegmentLayoutVersion + 1)));
}

TEST_F(SegmentTest, OpenerRefusesABadMagic) {
  Segment created = create_published(names_.next());
  writable_header(created).magic = 0x0123456789ABCDEFULL;

  const std::string error = open_error(created.name());

  EXPECT_THAT(error, HasSubstr("magic is 0123456789abcdef"));
  EXPECT_THAT(error, HasSubstr("not a pipescale segment"));
}

TEST_F(SegmentTest, OpenerRefusesAnAbiFingerprintMismatch) {
  Segment created = create_published(names_.next());
  writable_header(created).abi_fingerprint = abi_fingerprint() ^ 1;

  const std::string error = open_error(created.name());

  EXPECT_THAT(error, HasSubstr("ABI fingerprint"));
  EXPECT_THAT(error, HasSubstr("shared structs differ"));
}

TEST_F(SegmentTest, OpenerRefusesASegmentStillInInitAfterAShortWait) {
  auto created = Segment::create(options_for(names_.next()));
  ASSERT_TRUE(created.ok()) << created.error().message;
  const auto start = std::chrono::steady_clock::now();

  const std::string error = open_error(created->name(), 30'000'000);

  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(error, HasSubstr("state is 1 (init"));
  EXPECT_GE(waited, std::chrono::milliseconds(30));
  EXPECT_LT(waited, std::chrono::seconds(2));
}

TEST_F(SegmentTest, OpenerRefusesAClosingSegment) {
  Segment created = create_published(names_.next());
  created.mark_closing();

  EXPECT_THAT(open_error(created.name()), HasSubstr("closing"));
}

TEST_F(SegmentTest, OpenNamesAMissingSegment) {
  const std::string name = names_.next();

  EXPECT_THAT(open_error(name), HasSubstr("cannot open shared-memory segment '" + name + "'"));
}

TEST_F(SegmentTest, CreateRefusesATakenNameAndLeavesTheFirstSegmentIntact) {
  Segment first = create_published(names_.next());

  auto second = Segment::create(options_for(first.name()));

  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.error().message, HasSubstr(first.name()));
  EXPECT_TRUE(Segment::open(first.name()).ok());
}

TEST_F(SegmentTest, CreatorsDestructorRemovesTheSegmentFromDevShm) {
  std::string name;
  bool existed = false;
  {
    Segment created = create_published(names_.next());
    name = created.name();
    existed = test::shm_exists(name);
  }

  EXPECT_TRUE(existed);
  EXPECT_FALSE(test::shm_exists(name));
}

TEST_F(SegmentTest, RejectsADuplicateRegionName) {
  auto created = Segment::create(options_for(names_.next()));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(created->allocate_ring("requests", 4096).ok());

  auto again = created->allocate_ring("requests", 4096);

  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.error().message, HasSubstr("already has a region 'requests'"));
}

TEST_F(SegmentTest, RejectsADuplicateRegionNameOfAnotherKind) {
  auto created = Segment::create(options_for(names_.next()));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(created->allocate_ring("requests", 4096).ok());

  auto again = created->allocate_doorbell("requests");

  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.error().message, HasSubstr("already has a region 'requests'"));
}

TEST_F(SegmentTest, RejectsARegionOnceTheDirectoryIsFull) {
  auto created = Segment::create(options_for(names_.next(), 2));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(created->allocate_doorbell("a").ok());
  ASSERT_TRUE(created->allocate_doorbell("b").ok());

  auto third = created->allocate_doorbell("c");

  ASSERT_FALSE(third.ok());
  EXPECT_THAT(third.error().message, HasSubstr("directory full (2 regions)"));
}

TEST_F(SegmentTest, RejectsARegionLargerThanTheArenaLeft) {
  auto created = Segment::create(SegmentOptions{names_.next(), "unit-run", 64 * 1024, 8});
  ASSERT_TRUE(created.ok());

  auto ring = created->allocate_ring("requests", 64 * 1024);  // plus its control block

  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message, HasSubstr("no room for region 'requests'"));
}

TEST_F(SegmentTest, OnlyTheCreatorAddsRegionsAndOnlyBeforePublishing) {
  Segment created = create_published(names_.next());
  auto opened = Segment::open(created.name());
  ASSERT_TRUE(opened.ok());

  auto by_opener = opened->allocate_doorbell("late");
  auto after_publish = created.allocate_doorbell("late");

  ASSERT_FALSE(by_opener.ok());
  ASSERT_FALSE(after_publish.ok());
  EXPECT_THAT(by_opener.error().message, HasSubstr("only by its creator before publish()"));
  EXPECT_THAT(after_publish.error().message, HasSubstr("only by its creator before publish()"));
}

// A child creates a segment named after itself, then ends without removing it.
int create_and_abandon(const std::string& name, bool die_by_sigkill) {
  auto created = Segment::create(SegmentOptions{name, "sweep", 4096, 4});
  if (!created.ok()) return 3;
  created->publish();
  if (die_by_sigkill) raise(SIGKILL);
  created->release_ownership();
  return 0;
}

TEST_F(SegmentTest, SweepRemovesASegmentWhoseCreatorExited) {
  auto child = test::ChildProcess::fork([this] { return create_and_abandon(names_.named(getpid(), "mine"), false); });
  const std::string name = names_.named(child.pid(), "mine");
  const auto status = child.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << test::describe_wait_status(*status);

  (void)sweep_stale_segments();

  EXPECT_FALSE(test::shm_exists(name));
}

TEST_F(SegmentTest, SweepRemovesASegmentWhoseCreatorWasKilled) {
  auto child = test::ChildProcess::fork([this] { return create_and_abandon(names_.named(getpid(), "mine"), true); });
  const std::string name = names_.named(child.pid(), "mine");
  const auto status = child.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) << test::describe_wait_status(*status);

  (void)sweep_stale_segments();

  EXPECT_FALSE(test::shm_exists(name));
}

TEST_F(SegmentTest, SweepRemovesASegmentWhoseCreatorPidWasReused) {
  Segment created = create_published(names_.next());
  writable_header(created).creator_start_ticks += 1;  // as if our pid had belonged to an earlier process

  const SweepReport report = sweep_stale_segments();

  EXPECT_THAT(report.removed, ::testing::Contains(created.name()));
  EXPECT_FALSE(test::shm_exists(created.name()));
}

TEST_F(SegmentTest, SweepKeepsASegmentWhoseCreatorIsAlive) {
  Segment created = create_published(names_.next());

  const SweepReport report = sweep_stale_segments();

  EXPECT_THAT(report.kept, ::testing::Contains(created.name()));
  EXPECT_TRUE(test::shm_exists(created.name()));
}

}  // namespace
}  // namespace pipescale::ipc

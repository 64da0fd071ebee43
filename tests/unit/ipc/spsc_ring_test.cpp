// Single-threaded edge cases of the SPSC ring: empty, one, full, exact fit, wrap-around (explicit
// and implicit padding), largest record, zero-length payload, abort, shrunk commit, batched head.
// Geometry used below: a 1024-byte ring whose default maximum payload is 1024 / 8 - 32 = 96, so
// the largest record takes 128 bytes and eight of them fill the ring exactly.
#include "ipc/ring/spsc_ring.hpp"

#include <algorithm>
#include <cstring>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/ipc/ring_test_support.hpp"

namespace pipescale::ipc {
namespace {

using test::drain;
using test::LocalRing;
using test::meta_for;
using test::pattern;
using test::write_records;
using ::testing::HasSubstr;

constexpr std::uint32_t kLargest = 96;  // 1024 / 8 - 32

std::uint64_t head_of(const LocalRing& ring) { return ring.control().head.position.load(std::memory_order_relaxed); }

// Moves both sides to `position` (a multiple of 8 below the capacity) with records of at most
// kLargest bytes of payload, all consumed.
void advance_both_to(RingWriter& writer, RingReader& reader, std::uint64_t position) {
  std::uint64_t at = writer.tail();
  while (at < position) {
    const std::uint64_t record = std::min<std::uint64_t>(position - at, record_bytes(kLargest));
    ASSERT_GE(record, kRecordHeaderBytes);
    ASSERT_TRUE(write_records(writer, 1, static_cast<std::uint32_t>(record - kRecordHeaderBytes), 900));
    (void)drain(reader);  // keep the ring empty: the writer needs a header's worth of slack
    at += record;
  }
  ASSERT_EQ(writer.tail(), position);
  (void)drain(reader);
  // The reader may already have stepped over a gap too short for a header; it never stops short.
  ASSERT_GE(reader.head(), position);
  ASSERT_FALSE(reader.has_data());
}

TEST(SpscRing, PollsNothingFromAnEmptyRing) {
  LocalRing ring;
  RingReader reader(&ring.control());
  int calls = 0;

  const std::size_t handled = reader.poll([&](const RecordView&) { ++calls; });

  EXPECT_EQ(handled, 0u);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(head_of(ring), 0u);
}

TEST(SpscRing, RoundTripsOneRecordWithEveryHeaderFieldAndItsPayload) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  const RecordMeta sent{0x0123456789ABCDEFULL, 0xBEEF, 0xA5, 0x1234, 0xCAFEF00D};
  const auto bytes = pattern(41);

  ASSERT_EQ(writer.try_write(sent, bytes), RingStatus::kOk);
  const auto got = drain(reader);

  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].position, 0u);
  EXPECT_EQ(got[0].meta.correlation_id, sent.correlation_id);
  EXPECT_EQ(got[0].meta.method_id, sent.method_id);
  EXPECT_EQ(got[0].meta.flags, sent.flags);
  EXPECT_EQ(got[0].meta.status, sent.status);
  EXPECT_EQ(got[0].meta.epoch, sent.epoch);
  EXPECT_EQ(got[0].payload, bytes);
  EXPECT_EQ(head_of(ring), record_bytes(41));
}

TEST(SpscRing, ReturnsFullWhenTheRingIsFullAndDrainingFreesRoom) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  // 7 * 128 bytes: an eighth record would leave no room for the cleared marker of the next header
  // (the ring keeps one header of slack, see RingWriter::clear_next_marker).
  ASSERT_TRUE(write_records(writer, 7, kLargest));
  std::span<std::byte> payload;

  EXPECT_EQ(writer.try_claim(kLargest, payload), RingStatus::kFull);
  EXPECT_EQ(ring.control().producer.full_events.load(), 1u);
  EXPECT_EQ(drain(reader, 1).size(), 1u);
  EXPECT_EQ(writer.try_claim(kLargest, payload), RingStatus::kOk);
}

TEST(SpscRing, FitsARecordThatEndsExactlyAtTheEndOfTheDataAreaWithoutPadding) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_NO_FATAL_FAILURE(advance_both_to(writer, reader, 1024 - 128));

  ASSERT_TRUE(write_records(writer, 1, kLargest, 1));  // 128 bytes, ends at offset 1024
  ASSERT_TRUE(write_records(writer, 1, 8, 2));
  const auto got = drain(reader);

  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].position, 1024u - 128u);
  EXPECT_EQ(got[0].payload, pattern(kLargest, 1));
  EXPECT_EQ(got[1].position, 1024u);
  EXPECT_EQ(got[1].payload, pattern(8, 2));
}

TEST(SpscRing, WrapsAroundBehindAPaddingRecordThatPollSkips) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  // 64 bytes to the end: room for a padding record only.
  ASSERT_NO_FATAL_FAILURE(advance_both_to(writer, reader, 960));

  ASSERT_TRUE(write_records(writer, 1, 64, 5));  // 96 bytes do not fit in 64
  const ipc::RecordHeader padding = ring.header_at(960);
  const auto got = drain(reader);

  EXPECT_EQ(padding.kind, RecordKind::kPadding);
  EXPECT_EQ(padding.length, 64u - kRecordHeaderBytes);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].position, 1024u);
  EXPECT_EQ(got[0].meta.correlation_id, 5u);
  EXPECT_EQ(got[0].meta.method_id, meta_for(5).method_id);
  EXPECT_EQ(got[0].payload, pattern(64, 5));
  EXPECT_EQ(head_of(ring), 1024u + record_bytes(64));
}

TEST(SpscRing, SkipsATailGapShorterThanARecordHeaderWithoutWritingIntoIt) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  // 24 bytes to the end: too short for any header.
  ASSERT_NO_FATAL_FAILURE(advance_both_to(writer, reader, 1000));
  std::vector<std::byte> gap_before(ring.data() + 1000, ring.data() + 1024);

  ASSERT_TRUE(write_records(writer, 1, 16, 6));
  const auto got = drain(reader);

  EXPECT_EQ(std::vector<std::byte>(ring.data() + 1000, ring.data() + 1024), gap_before);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].position, 1024u);
  EXPECT_EQ(got[0].payload, pattern(16, 6));
  EXPECT_EQ(reader.head(), 1024u + record_bytes(16));
}

TEST(SpscRing, HasDataLooksPastATailGapShorterThanARecordHeader) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_NO_FATAL_FAILURE(advance_both_to(writer, reader, 1000));

  ASSERT_TRUE(write_records(writer, 1, 16, 6));

  EXPECT_TRUE(reader.has_data());
}

TEST(SpscRing, AcceptsTheLargestAllowedRecord) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_EQ(writer.max_payload_bytes(), kLargest);

  ASSERT_EQ(writer.try_write(meta_for(1), pattern(kLargest)), RingStatus::kOk);
  const auto got = drain(reader);

  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, pattern(kLargest));
}

TEST(SpscRing, RejectsRecordLargerThanAnEighthOfTheRing) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  std::span<std::byte> payload;

  const RingStatus status = writer.try_claim(kLargest + 1, payload);

  EXPECT_EQ(status, RingStatus::kTooLarge);
  EXPECT_EQ(ring.control().producer.too_large.load(), 1u);
  EXPECT_EQ(writer.tail(), 0u);
}

TEST(SpscRing, HonoursAnExplicitMaximumPayload) {
  LocalRing ring(RingOptions{4096, 1000});
  RingWriter writer(&ring.control());
  std::span<std::byte> payload;

  EXPECT_EQ(writer.try_claim(1001, payload), RingStatus::kTooLarge);
  EXPECT_EQ(writer.try_claim(1000, payload), RingStatus::kOk);
}

TEST(SpscRing, RoundTripsAZeroLengthPayload) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());

  ASSERT_EQ(writer.try_write(meta_for(9), {}), RingStatus::kOk);
  const auto got = drain(reader);

  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].payload.empty());
  EXPECT_EQ(got[0].meta.correlation_id, 9u);
  EXPECT_EQ(head_of(ring), kRecordHeaderBytes);
}

TEST(SpscRing, AbortLeavesNothingVisibleAndTheNextClaimReusesTheSpace) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  std::span<std::byte> first;
  ASSERT_EQ(writer.try_claim(40, first), RingStatus::kOk);
  std::memset(first.data(), 0x77, first.size());

  writer.abort();
  std::span<std::byte> second;
  ASSERT_EQ(writer.try_claim(40, second), RingStatus::kOk);

  EXPECT_EQ(reader.poll([](const RecordView&) {}), 0u);
  EXPECT_FALSE(reader.has_data());
  EXPECT_EQ(second.data(), first.data());
}

TEST(SpscRing, CommitWithAShrunkLengthDeliversOnlyTheCommittedBytes) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  std::span<std::byte> payload;
  ASSERT_EQ(writer.try_claim(90, payload), RingStatus::kOk);
  const auto bytes = pattern(90);
  std::memcpy(payload.data(), bytes.data(), bytes.size());

  writer.commit(meta_for(1), 10);
  ASSERT_TRUE(write_records(writer, 1, 4, 2));
  const auto got = drain(reader);

  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].payload, pattern(10));
  EXPECT_EQ(got[1].position, record_bytes(10));
  EXPECT_EQ(got[1].payload, pattern(4, 2));
}

TEST(SpscRing, NeverTakesStaleBytesWhereTheNextHeaderGoesForACommittedRecord) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  // Claim 64 bytes but commit 8: the next header will sit 8 bytes into the claimed payload.
  // Fill the payload with the exact marker that header would carry once committed.
  std::span<std::byte> payload;
  ASSERT_EQ(writer.try_claim(64, payload), RingStatus::kOk);
  const std::uint64_t next_position = record_bytes(8);
  const std::uint64_t fake_marker = next_position + 1;
  std::fill(payload.begin(), payload.end(), std::byte{0x5A});
  std::memcpy(payload.data() + (next_position - kRecordHeaderBytes), &fake_marker, sizeof fake_marker);

  writer.commit(meta_for(1), 8);
  const auto got = drain(reader);

  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].meta.correlation_id, 1u);
  EXPECT_FALSE(reader.broken());
  EXPECT_FALSE(reader.has_data());
}

TEST(SpscRing, PollRespectsItsLimitAndPublishesTheHeadOncePerBatch) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 5, 24));
  std::vector<std::uint64_t> head_seen_by_handler;

  const std::size_t handled = reader.poll([&](const RecordView&) { head_seen_by_handler.push_back(head_of(ring)); }, 3);

  EXPECT_EQ(handled, 3u);
  EXPECT_EQ(head_seen_by_handler, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(head_of(ring), 3 * record_bytes(24));
  EXPECT_EQ(ring.control().consumer.records_consumed.load(), 3u);
}

TEST(SpscRing, HasDataIsTrueOnlyWhileACommittedRecordWaits) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  std::span<std::byte> payload;

  const bool when_empty = reader.has_data();
  ASSERT_EQ(writer.try_claim(8, payload), RingStatus::kOk);
  const bool when_claimed = reader.has_data();
  writer.commit(meta_for(1));
  const bool when_committed = reader.has_data();
  (void)drain(reader);
  const bool when_drained = reader.has_data();

  EXPECT_FALSE(when_empty);
  EXPECT_FALSE(when_claimed);
  EXPECT_TRUE(when_committed);
  EXPECT_FALSE(when_drained);
}

TEST(SpscRing, InitRefusesACapacityThatIsNotAPowerOfTwo) {
  auto memory = test::aligned_zeroed(ring_bytes(2048));

  auto ring = init_ring(memory.get(), RingOptions{1000, 0});

  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message, HasSubstr("power of two"));
  EXPECT_THAT(ring.error().message, HasSubstr("1000"));
}

TEST(SpscRing, InitRefusesAMaximumPayloadOverHalfTheRing) {
  auto memory = test::aligned_zeroed(ring_bytes(1024));

  auto ring = init_ring(memory.get(), RingOptions{1024, 481});  // at most 1024 / 2 - 32 = 480

  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message, HasSubstr("max_payload_bytes 481"));
  EXPECT_THAT(ring.error().message, HasSubstr("at most 480"));
}

TEST(SpscRing, InitRefusesMisalignedMemory) {
  auto memory = test::aligned_zeroed(ring_bytes(1024) + kFalseSharingBytes);

  auto ring = init_ring(memory.get() + 8, RingOptions{1024, 0});

  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message, HasSubstr("aligned to 128"));
}

TEST(SpscRing, AttachAcceptsARingLaidOutByInit) {
  LocalRing ring;

  auto attached = attach_ring(&ring.control(), ring_bytes(1024));

  ASSERT_TRUE(attached.ok()) << attached.error().message;
  EXPECT_EQ(attached.value(), &ring.control());
}

TEST(SpscRing, AttachRefusesAWrongMagic) {
  LocalRing ring;
  ring.control().config.magic = 0x1234;

  auto attached = attach_ring(&ring.control(), ring_bytes(1024));

  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.error().message, HasSubstr("magic"));
}

TEST(SpscRing, AttachRefusesAnotherLayoutVersion) {
  LocalRing ring;
  ring.control().config.layout_version = kRingLayoutVersion + 1;

  auto attached = attach_ring(&ring.control(), ring_bytes(1024));

  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.error().message, HasSubstr("layout version " + std::to_string(kRingLayoutVersion + 1)));
}

TEST(SpscRing, AttachRefusesARegionTooSmallForItsCapacity) {
  LocalRing ring;

  auto attached = attach_ring(&ring.control(), ring_bytes(512));

  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.error().message, HasSubstr("capacity 1024 does not fit"));
}

}  // namespace
}  // namespace pipescale::ipc

// Single-threaded edge cases of the SPSC ring: empty, one, full, exact fit, wrap-around (explicit
// and implicit padding), largest record, zero-length payload, abort, shrunk commit, batched head,
// salted commit markers. Geometry used below: a 1024-byte ring whose default maximum payload is
// 1024 / 8 - 32 = 96, so the largest record takes 128 bytes and eight of them fill the ring
// exactly; every record takes a multiple of 64 bytes.
#include "ipc/ring/spsc_ring.hpp"

#include <algorithm>
#include <cstring>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <random>

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

// Moves both sides to `position` (a multiple of 64, at most one lap past the writer's tail) with
// records of at most kLargest bytes of payload, all consumed.
void advance_both_to(RingWriter& writer, RingReader& reader, std::uint64_t position) {
  ASSERT_EQ(position % kRecordAlignment, 0u);
  std::uint64_t at = writer.tail();
  while (at < position) {
    const std::uint64_t record = std::min<std::uint64_t>(position - at, record_bytes(kLargest));
    ASSERT_TRUE(write_records(writer, 1, static_cast<std::uint32_t>(record - kRecordHeaderBytes), 900));
    (void)drain(reader);
    at += record;
  }
  ASSERT_EQ(writer.tail(), position);
  (void)drain(reader);
  ASSERT_EQ(reader.head(), position);
  ASSERT_FALSE(reader.has_data());
}

// Puts both sides' positions in the control block at `position` (8-byte aligned, but possibly off
// the 64-byte grid the API keeps to) for a writer and reader constructed afterwards, as a ring
// whose control block was written by someone else could have them.
void place_both_at(LocalRing& ring, std::uint64_t position) {
  ring.control().head.position.store(position, std::memory_order_relaxed);
  ring.control().producer.tail.store(position, std::memory_order_relaxed);
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
  // 8 * 128 bytes: the ring holds records up to exactly its capacity, with no slack.
  ASSERT_TRUE(write_records(writer, 8, kLargest));
  ASSERT_EQ(writer.tail() - head_of(ring), ring.capacity());
  std::span<std::byte> payload;

  EXPECT_EQ(writer.try_claim(0, payload), RingStatus::kFull);  // not even the smallest record fits
  EXPECT_EQ(ring.control().producer.full_events.load(), 1u);
  EXPECT_EQ(drain(reader, 1).size(), 1u);
  EXPECT_EQ(writer.try_claim(kLargest, payload), RingStatus::kOk);
  writer.commit(meta_for(8));
  EXPECT_EQ(writer.tail() - head_of(ring), ring.capacity());
  EXPECT_EQ(writer.try_claim(0, payload), RingStatus::kFull);
  EXPECT_EQ(ring.control().producer.full_events.load(), 2u);
  const auto got = drain(reader);
  ASSERT_EQ(got.size(), 8u);  // the seven left from the first lap, then the one that refilled it
  EXPECT_EQ(got.back().position, ring.capacity());
  EXPECT_EQ(got.back().meta.correlation_id, 8u);
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

TEST(SpscRing, PutsEveryRecordOnA64ByteBoundaryAcrossWraps) {
  // So a gap shorter than a header never arises at the end of the data area through the API: any
  // gap is a multiple of 64 bytes and holds a padding record. Random sizes, shrunk commits and
  // aborts, over many laps.
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  std::mt19937_64 rng(64);
  std::vector<test::Received> got;
  std::uint64_t committed = 0;
  while (writer.tail() < 20 * ring.capacity()) {
    const auto claimed = static_cast<std::uint32_t>(rng() % (kLargest + 1));
    std::span<std::byte> payload;
    const RingStatus status = writer.try_claim(claimed, payload);
    if (status == RingStatus::kFull) {
      const std::uint64_t head_before = reader.head();
      for (auto& record : drain(reader, 1 + rng() % 4)) got.push_back(std::move(record));
      ASSERT_GT(reader.head(), head_before) << "the ring is full, yet the reader finds nothing";
      continue;
    }
    ASSERT_EQ(status, RingStatus::kOk);
    const auto payload_offset = static_cast<std::uint64_t>(payload.data() - ring.data());
    ASSERT_EQ(payload_offset % kRecordAlignment, kRecordHeaderBytes) << "payload at " << payload_offset;
    if (rng() % 8 == 0) {
      writer.abort();
    } else {
      writer.commit(meta_for(committed++), static_cast<std::uint32_t>(rng() % (claimed + 1)));
    }
    ASSERT_EQ(writer.tail() % kRecordAlignment, 0u) << "tail " << writer.tail();
  }
  for (auto& record : drain(reader)) got.push_back(std::move(record));

  ASSERT_EQ(got.size(), committed);
  ASSERT_EQ(reader.head(), writer.tail());
  std::uint64_t expected = 0;  // where the next record starts, unless padding fills out the lap
  for (std::uint64_t i = 0; i < got.size(); ++i) {
    const std::uint64_t position = got[i].position;
    ASSERT_EQ(got[i].meta.correlation_id, i);
    ASSERT_EQ(position % kRecordAlignment, 0u) << "record " << i;
    if (position != expected) {  // a wrap: padding from `expected` to the end of the data area
      const std::uint64_t gap = ring.capacity() - (expected & (ring.capacity() - 1));
      ASSERT_EQ(position, expected + gap) << "record " << i;
      ASSERT_GE(gap, kRecordHeaderBytes) << "record " << i;
    }
    expected = position + record_bytes(got[i].payload.size());
  }
  EXPECT_GT(expected, 19 * ring.capacity());
}

// The implicit skip of a tail gap shorter than a header stays in the format (see
// RingWriter::write_padding); a control block whose positions are off the 64-byte grid still
// reaches it, on both sides.
TEST(SpscRing, SkipsATailGapShorterThanARecordHeaderWithoutWritingIntoIt) {
  LocalRing ring;
  place_both_at(ring, 1000);  // 24 bytes to the end: too short for any header
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  std::fill(ring.data() + 1000, ring.data() + 1024, std::byte{0xA5});
  const std::vector<std::byte> gap_before(ring.data() + 1000, ring.data() + 1024);

  std::span<std::byte> payload;
  ASSERT_EQ(writer.try_claim(16, payload), RingStatus::kOk);
  ASSERT_EQ(payload.data(), ring.data() + kRecordHeaderBytes);  // the record goes to position 1024
  std::memcpy(payload.data(), pattern(16, 6).data(), payload.size());
  writer.commit(meta_for(6));
  const auto got = drain(reader);

  EXPECT_EQ(std::vector<std::byte>(ring.data() + 1000, ring.data() + 1024), gap_before);
  EXPECT_EQ(writer.tail(), 1024u + record_bytes(16));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].position, 1024u);
  EXPECT_EQ(got[0].payload, pattern(16, 6));
  EXPECT_EQ(reader.head(), 1024u + record_bytes(16));
  EXPECT_FALSE(reader.broken());
}

TEST(SpscRing, HasDataLooksPastATailGapShorterThanARecordHeader) {
  LocalRing ring;
  place_both_at(ring, 1000);
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  std::fill(ring.data() + 1000, ring.data() + 1024, std::byte{0xA5});
  const bool before = reader.has_data();

  ASSERT_TRUE(write_records(writer, 1, 16, 6));

  EXPECT_FALSE(before);
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
  EXPECT_EQ(head_of(ring), 64u);  // the header alone, rounded up to the record alignment
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
  // Claim 64 bytes of payload but commit 8: the next header will sit 32 bytes into the claimed
  // payload, on bytes the producer wrote as payload and nobody clears. Plant there, one at a time,
  // values a stale marker word could plausibly hold; none may pass for a committed record.
  constexpr std::uint64_t kLap = 1024;
  constexpr std::uint64_t kFirst = kLap;  // one lap in, so earlier-lap headers are real
  constexpr std::uint64_t kNext = kFirst + 64;
  struct Stale {
    const char* what;
    std::uint64_t (*value)(const LocalRing&);
  };
  const Stale stale[] = {
      {"the unsalted marker (layout version 1)", [](const LocalRing&) { return kNext + 1; }},
      {"zeroed memory", [](const LocalRing&) { return std::uint64_t{0}; }},
      {"the position alone", [](const LocalRing&) { return kNext; }},
      {"the salt alone", [](const LocalRing& ring) { return ring.salt(); }},
      {"the marker of the same offset a lap earlier",
       [](const LocalRing& ring) { return ring.marker_for(kNext - kLap); }},
      {"the marker of the record just committed", [](const LocalRing& ring) { return ring.marker_for(kFirst); }},
      {"the marker of the position after the claim",
       [](const LocalRing& ring) { return ring.marker_for(kFirst + record_bytes(64)); }},
  };
  for (const Stale& candidate : stale) {
    SCOPED_TRACE(candidate.what);
    LocalRing ring;
    RingWriter writer(&ring.control());
    RingReader reader(&ring.control());
    ASSERT_NO_FATAL_FAILURE(advance_both_to(writer, reader, kFirst));
    std::span<std::byte> payload;
    ASSERT_EQ(writer.try_claim(64, payload), RingStatus::kOk);
    ASSERT_EQ(record_bytes(8), kNext - kFirst);
    const std::uint64_t planted = candidate.value(ring);
    std::fill(payload.begin(), payload.end(), std::byte{0x5A});
    std::memcpy(payload.data() + (kNext - kFirst - kRecordHeaderBytes), &planted, sizeof planted);

    writer.commit(meta_for(1), 8);
    const auto got = drain(reader);

    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].position, kFirst);
    EXPECT_EQ(got[0].meta.correlation_id, 1u);
    EXPECT_EQ(reader.head(), kNext);
    EXPECT_FALSE(reader.broken());
    EXPECT_FALSE(reader.has_data());
  }
}

TEST(SpscRing, GivesEveryRingItsOwnSaltWithTheTopBitSet) {
  LocalRing first;
  LocalRing second;
  auto memory = test::aligned_zeroed(ring_bytes(1024));
  auto once = init_ring(memory.get(), RingOptions{1024, 0});
  ASSERT_TRUE(once.ok());
  const std::uint64_t salt_once = once.value()->config.marker_salt;
  auto again = init_ring(memory.get(), RingOptions{1024, 0});  // same memory, laid out anew
  ASSERT_TRUE(again.ok());
  const std::uint64_t salt_again = again.value()->config.marker_salt;

  EXPECT_NE(first.salt(), second.salt());
  EXPECT_NE(salt_once, salt_again);
  for (const std::uint64_t salt : {first.salt(), second.salt(), salt_once, salt_again}) {
    EXPECT_EQ(salt >> 63, 1u) << std::hex << salt;
  }
}

TEST(SpscRing, MarksACommittedRecordWithItsPositionXorTheSalt) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  ASSERT_TRUE(write_records(writer, 2, 8));

  EXPECT_EQ(ring.header_at(0).commit, (0 + 1) ^ ring.salt());
  EXPECT_EQ(ring.header_at(record_bytes(8)).commit, (record_bytes(8) + 1) ^ ring.salt());
}

TEST(SpscRing, NeverTakesAZeroedHeaderForARecordAtAnyPosition) {
  // A fresh ring's data area is all zeroes: a reader starting at any record position, in any lap,
  // polls nothing and does not call the ring broken.
  LocalRing ring;
  for (const std::uint64_t lap : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 40}) {
    for (std::uint64_t offset = 0; offset < ring.capacity(); offset += kRecordAlignment) {
      const std::uint64_t position = lap * ring.capacity() + offset;
      ring.control().head.position.store(position, std::memory_order_relaxed);
      RingReader reader(&ring.control());

      ASSERT_FALSE(reader.has_data()) << "position " << position;
      ASSERT_EQ(reader.poll([](const RecordView&) {}), 0u) << "position " << position;
      ASSERT_EQ(reader.head(), position);
      ASSERT_FALSE(reader.broken()) << "position " << position;
    }
  }
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

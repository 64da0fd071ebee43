// The consumer treats the ring's bytes as untrusted: whatever a crashed or hostile producer leaves
// there, poll() terminates, never hands over a record that points outside the data area, and on
// the first corrupt record marks the ring broken, for good, where both sides can see it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <random>

#include "ipc/ring/spsc_ring.hpp"
#include "tests/unit/ipc/ring_test_support.hpp"

namespace pipescale::ipc {
namespace {

using test::drain;
using test::LocalRing;
using test::write_records;

constexpr int kFuzzRounds = 300;

void scribble(LocalRing& ring, std::mt19937_64& rng) {
  for (std::uint64_t offset = 0; offset < ring.capacity(); offset += 8) {
    const std::uint64_t word = rng();
    std::memcpy(ring.data() + offset, &word, sizeof word);
  }
}

// Overwrites one header field of the record at `offset`, keeping its commit marker.
template <class Field>
void forge(LocalRing& ring, std::uint64_t offset, Field RecordHeader::*field, Field value) {
  RecordHeader header = ring.header_at(offset);
  header.*field = value;
  std::memcpy(ring.data() + offset, &header, sizeof header);
}

// A header whose commit marker says "complete at `position`", with the given kind and length.
void plant(LocalRing& ring, std::uint64_t position, RecordKind kind, std::uint32_t length) {
  RecordHeader header{};
  header.commit = ring.marker_for(position);
  header.kind = kind;
  header.length = length;
  std::memcpy(ring.data() + (position & (ring.capacity() - 1)), &header, sizeof header);
}

// Puts the head at a random record position (a multiple of 64) in the first laps, leaving the ring
// empty.
void move_head_randomly(LocalRing& ring, RingWriter& writer, RingReader& reader, std::mt19937_64& rng) {
  const std::size_t records = rng() % 24;
  for (std::size_t i = 0; i < records; ++i) {
    ASSERT_TRUE(write_records(writer, 1, static_cast<std::uint32_t>(rng() % 97), i));
    (void)drain(reader);
  }
  ASSERT_FALSE(ring.control().consumer.broken.load());
}

TEST(SpscRingUntrusted, RandomBytesOverTheDataAreaDeliverNothing) {
  for (int round = 0; round < kFuzzRounds; ++round) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(round));
    LocalRing ring;
    RingWriter writer(&ring.control());
    RingReader reader(&ring.control());
    ASSERT_NO_FATAL_FAILURE(move_head_randomly(ring, writer, reader, rng));
    scribble(ring, rng);

    const auto got = drain(reader);

    ASSERT_TRUE(got.empty()) << "round " << round << " delivered a record at " << got[0].position;
    ASSERT_FALSE(reader.has_data()) << "round " << round;
  }
}

TEST(SpscRingUntrusted, ForgedHeadersWithRandomFieldsAreDeliveredOnlyInsideTheDataArea) {
  int delivered_rounds = 0;
  int broken_rounds = 0;
  for (int round = 0; round < kFuzzRounds; ++round) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(round) + 1'000'000);
    LocalRing ring;
    RingWriter writer(&ring.control());
    RingReader reader(&ring.control());
    ASSERT_NO_FATAL_FAILURE(move_head_randomly(ring, writer, reader, rng));
    scribble(ring, rng);
    const std::uint64_t head = reader.head();
    const std::uint32_t lengths[] = {static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng() % 128),
                                     static_cast<std::uint32_t>(rng() % 1100)};
    plant(ring, head, static_cast<RecordKind>(rng() % 4), lengths[rng() % 3]);

    const auto got = drain(reader);

    for (const auto& record : got) {
      ASSERT_LE(record.payload.size(), writer.max_payload_bytes()) << "round " << round;
      ASSERT_LE((record.position & 1023) + record_bytes(record.payload.size()), 1024u) << "round " << round;
    }
    ASSERT_TRUE(!got.empty() || reader.broken() || reader.head() > head) << "round " << round;
    delivered_rounds += got.empty() ? 0 : 1;
    broken_rounds += reader.broken() ? 1 : 0;
  }
  EXPECT_GT(delivered_rounds, 0);  // both outcomes were exercised
  EXPECT_GT(broken_rounds, 0);
}

TEST(SpscRingUntrusted, CorruptLengthBehindAValidMarkerBreaksTheRing) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 2, 16));
  forge<std::uint32_t>(ring, 0, &RecordHeader::length, 97);  // over the 96-byte maximum

  const auto got = drain(reader);

  EXPECT_TRUE(got.empty());
  EXPECT_EQ(reader.corrupt_records(), 1u);
  EXPECT_EQ(ring.control().consumer.broken.load(), 1u);
  EXPECT_TRUE(reader.broken());
}

TEST(SpscRingUntrusted, CorruptKindBehindAValidMarkerBreaksTheRing) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 1, 16));
  forge(ring, 0, &RecordHeader::kind, static_cast<RecordKind>(7));

  const auto got = drain(reader);

  EXPECT_TRUE(got.empty());
  EXPECT_EQ(reader.corrupt_records(), 1u);
  EXPECT_TRUE(reader.broken());
}

TEST(SpscRingUntrusted, DataRecordCrossingTheEndOfTheDataAreaBreaksTheRing) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 7, 96));
  ASSERT_TRUE(write_records(writer, 1, 32));
  (void)drain(reader);
  ASSERT_EQ(reader.head(), 960u);
  plant(ring, 960, RecordKind::kData, 33);  // 32 + 33 bytes of record, 64 bytes left before the end

  const auto got = drain(reader);

  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(reader.broken());
}

TEST(SpscRingUntrusted, PaddingThatDoesNotReachTheEndBreaksTheRing) {
  LocalRing ring;
  RingReader reader(&ring.control());
  plant(ring, 0, RecordKind::kPadding, 64);

  const auto got = drain(reader);

  EXPECT_TRUE(got.empty());
  EXPECT_EQ(reader.corrupt_records(), 1u);
  EXPECT_EQ(reader.head(), 0u);
}

TEST(SpscRingUntrusted, ABrokenRingDeliversNothingMoreEvenToANewReader) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 1, 16));
  forge<std::uint32_t>(ring, 0, &RecordHeader::length, 1'000'000);
  (void)drain(reader);
  ASSERT_TRUE(write_records(writer, 3, 16, 1));

  RingReader reattached(&ring.control());

  EXPECT_EQ(reader.poll([](const RecordView&) {}), 0u);
  EXPECT_EQ(reattached.poll([](const RecordView&) {}), 0u);
  EXPECT_TRUE(reattached.broken());
  EXPECT_FALSE(reattached.has_data());
}

TEST(SpscRingUntrusted, WriterSeesBrokenOnceTheReaderRejectsARecord) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 1, 16));
  const bool broken_before = writer.broken();
  forge(ring, 0, &RecordHeader::kind, RecordKind::kInvalid);

  (void)drain(reader);

  EXPECT_FALSE(broken_before);
  EXPECT_TRUE(writer.broken());
}

TEST(SpscRingUntrusted, ClaimOnAFullBrokenRingReturnsBrokenRatherThanFull) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ASSERT_TRUE(write_records(writer, 1, 16));
  forge(ring, 0, &RecordHeader::kind, RecordKind::kInvalid);
  (void)drain(reader);
  std::span<std::byte> payload;
  RingStatus status = RingStatus::kOk;

  for (int i = 0; i < 100 && status == RingStatus::kOk; ++i) {
    status = writer.try_claim(64, payload);
    if (status == RingStatus::kOk) writer.commit(test::meta_for(1));
  }

  EXPECT_EQ(status, RingStatus::kBroken) << to_string(status);
}

// The head is the one word a writer reads from the consumer: a value past the writer's own tail,
// or more than a capacity behind it, is corruption, never room to overwrite unread records.
TEST(SpscRingUntrusted, AHeadPastTheTailBreaksTheRingInsteadOfMakingRoom) {
  LocalRing ring;
  RingWriter writer(&ring.control());
  ASSERT_TRUE(write_records(writer, 1, 16));
  const std::uint64_t tail = writer.tail();
  std::span<std::byte> payload;
  RingStatus status = RingStatus::kOk;
  ring.control().head.position.store(tail + 4096);  // what a random overwrite leaves

  for (int i = 0; i < 100 && status == RingStatus::kOk; ++i) {
    status = writer.try_claim(64, payload);
    if (status == RingStatus::kOk) writer.commit(test::meta_for(1));
  }

  EXPECT_EQ(status, RingStatus::kBroken) << to_string(status);
  EXPECT_TRUE(writer.broken());
  EXPECT_EQ(ring.control().consumer.broken.load(), 1u);           // the reader's side sees it too
  EXPECT_EQ(writer.try_claim(16, payload), RingStatus::kBroken);  // for good
}

TEST(SpscRingUntrusted, ASavedTailMoreThanACapacityAheadOfTheHeadIsCorruptOnAttach) {
  LocalRing ring;
  ring.control().producer.tail.store(ring.capacity() * 3);
  RingWriter writer(&ring.control());
  std::span<std::byte> payload;

  EXPECT_TRUE(writer.broken());
  EXPECT_EQ(writer.try_claim(16, payload), RingStatus::kBroken);
}

// Found by fuzz_ring (tests/fuzz/corpus/fuzz_ring/crash-capacity-4): a control block claiming a
// 4-byte data area passed attach_ring, and poll() then skipped forever.
TEST(SpscRingUntrusted, AttachRefusesACapacityBelowTheSmallestRing) {
  LocalRing ring;
  const std::uint64_t region = ring_bytes(ring.capacity());
  ring.control().config.capacity_bytes = 4;
  ring.control().config.max_payload_bytes = 0;
  auto attached = attach_ring(&ring.control(), region);
  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.error().message, ::testing::HasSubstr("ring capacity 4 does not fit"));
}

}  // namespace
}  // namespace pipescale::ipc

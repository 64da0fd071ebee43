// The per-request log's table and its sampling rule: which ids a seed keeps, how entries are
// claimed until the table is full, and what an entry keeps of a returned request.
#include "roles/common/request_log.hpp"

#include <cstddef>
#include <cstring>
#include <gtest/gtest.h>
#include <vector>

namespace pipescale::roles {
namespace {

constexpr std::uint32_t kStages = 2;

// A zeroed region for a table of `entries`, and the table laid out in it.
struct TableMemory {
  explicit TableMemory(std::uint32_t entries)
      : bytes(RequestLogTable::bytes_for(entries, kStages)),
        memory(bytes / sizeof(std::uint64_t) + 1, 0),
        table(RequestLogTable::create(memory.data(), entries, kStages)) {}
  std::uint64_t bytes;
  std::vector<std::uint64_t> memory;
  RequestLogTable* table;
};

std::size_t kept(std::uint64_t seed, double fraction, std::uint64_t ids) {
  std::size_t n = 0;
  for (std::uint64_t id = 0; id < ids; ++id) n += request_sampled(seed, id, fraction) ? 1U : 0U;
  return n;
}

TEST(RequestSampledTest, KeepsEveryIdAtOneAndNoneAtZero) {
  EXPECT_EQ(kept(7, 1.0, 1000), 1000U);
  EXPECT_EQ(kept(7, 0.0, 1000), 0U);
}

TEST(RequestSampledTest, KeepsAboutItsFractionOfTheIds) {
  // Binomial(100000, 0.25): sd 137; 5 sd either side.
  const std::size_t n = kept(1, 0.25, 100'000);
  EXPECT_NEAR(static_cast<double>(n), 25'000.0, 5 * 137.0);
}

TEST(RequestSampledTest, TheSameSeedKeepsTheSameIdsAndAnotherSeedOthers) {
  std::size_t same = 0;
  std::size_t differ = 0;
  for (std::uint64_t id = 0; id < 10'000; ++id) {
    same += request_sampled(3, id, 0.5) == request_sampled(3, id, 0.5) ? 1U : 0U;
    differ += request_sampled(3, id, 0.5) != request_sampled(4, id, 0.5) ? 1U : 0U;
  }
  EXPECT_EQ(same, 10'000U);
  // Independent draws disagree half of the time: 5000, sd 50.
  EXPECT_NEAR(static_cast<double>(differ), 5'000.0, 5 * 50.0);
}

TEST(RequestSampledTest, ASmallerFractionKeepsASubsetOfALargerOne) {
  for (std::uint64_t id = 0; id < 10'000; ++id) {
    if (request_sampled(9, id, 0.01)) {
      EXPECT_TRUE(request_sampled(9, id, 0.2)) << id;
    }
  }
}

TEST(RequestLogTableTest, ClaimsEntriesUntilFullThenCountsTheRest) {
  TableMemory memory(2);
  RequestLogTable& table = *memory.table;
  RequestLogEntry* first = table.claim();
  RequestLogEntry* second = table.claim();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(reinterpret_cast<std::byte*>(second) - reinterpret_cast<std::byte*>(first),
            static_cast<std::ptrdiff_t>(sizeof(RequestLogEntry) + kStages * sizeof(schema::StageVisit)));
  EXPECT_EQ(table.claim(), nullptr);
  EXPECT_EQ(table.not_logged.get(), 1U);
  EXPECT_EQ(table.readable(memory.bytes), 2U);
}

TEST(RequestLogTableTest, ReadsNoFurtherThanTheRegionHoldsWhateverTheCountSays) {
  TableMemory memory(4);
  memory.table->count.set(1000);  // corrupted
  EXPECT_EQ(memory.table->readable(memory.bytes), 4U);
  EXPECT_EQ(memory.table->readable(RequestLogTable::bytes_for(1, kStages)), 1U);
  EXPECT_EQ(memory.table->readable(3), 0U);
}

TEST(RequestLogTableTest, AnEntryKeepsTheReturnedRequestsOutcomeAndVisits) {
  TableMemory memory(1);
  RequestRecord record;
  record.request_id = 42;
  record.stage_count = kStages;
  record.visits[0] = schema::StageVisit(schema::StageTimestamps(100, 200, 300, 400), 7, 3, 5);
  record.visits[1] = schema::StageVisit(schema::StageTimestamps(450, 0, 0, 0), 0, 0, 0);
  flatbuffers::FlatBufferBuilder builder;
  const Outcome dropped{schema::Outcome::Dropped, 1, schema::DropReason::DeadlineExpired, 0, 460};
  builder.Finish(build_request(builder, record, dropped));
  const auto* request = flatbuffers::GetRoot<schema::Request>(builder.GetBufferPointer());

  RequestLogEntry& entry = *memory.table->claim();
  log_outcome(*memory.table, entry, *request, 500);

  EXPECT_EQ(entry.outcome, schema::Outcome::Dropped);
  EXPECT_EQ(entry.outcome_stage, 1);
  EXPECT_EQ(entry.drop_reason, schema::DropReason::DeadlineExpired);
  EXPECT_EQ(entry.decided_ns, 460);
  EXPECT_EQ(entry.returned_ns, 500);
  EXPECT_EQ(entry.returned, 1);
  EXPECT_EQ(entry.visit_count, 2);
  const schema::StageVisit* visits = memory.table->visits(entry);
  EXPECT_EQ(visits[0].timestamps().finished_ns(), 400);
  EXPECT_EQ(visits[0].batch_id(), 7U);
  EXPECT_EQ(visits[0].worker_id(), 3U);
  EXPECT_EQ(visits[0].batch_size(), 5U);
  EXPECT_EQ(visits[1].timestamps().arrived_ns(), 450);
}

}  // namespace
}  // namespace pipescale::roles

// The Client's side of the request log: an entry per sampled send, its outcome when it is
// accounted for, and the requests still out at the end marked unreturned.
#include "roles/client/request_logger.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace pipescale::roles {
namespace {

struct Logged {
  explicit Logged(std::uint32_t entries, double sample = 1.0)
      : memory(RequestLogTable::bytes_for(entries, 1) / sizeof(std::uint64_t) + 1, 0),
        table(RequestLogTable::create(memory.data(), entries, 1)) {
    logger.attach(*table, 11, sample, 16);
  }
  std::vector<std::uint64_t> memory;
  RequestLogTable* table;
  RequestLogger logger;
};

TEST(RequestLoggerTest, ASentRequestGetsAnEntryWithItsTimes) {
  Logged log(4);
  log.logger.sent(0, 1000, 1010, true);
  log.logger.sent(1, 2000, 2500, false);
  ASSERT_EQ(log.table->count.get(), 2U);
  const RequestLogEntry& second = log.table->entry(1);
  EXPECT_EQ(second.request_id, 1U);
  EXPECT_EQ(second.intended_send_ns, 2000);
  EXPECT_EQ(second.actual_send_ns, 2500);
  EXPECT_EQ(second.counted, 0);
  EXPECT_EQ(log.table->entry(0).counted, 1);
}

TEST(RequestLoggerTest, TheTracesTokenCountsAreKeptOnTheEntryAndOnlyWhenGiven) {
  Logged log(4);
  log.logger.sent(0, 1000, 1010, true, TokenCounts{812, 37});
  log.logger.sent(1, 2000, 2010, true);
  EXPECT_EQ(log.table->entry(0).has_tokens, 1);
  EXPECT_EQ(log.table->entry(0).context_tokens, 812);
  EXPECT_EQ(log.table->entry(0).generated_tokens, 37);
  EXPECT_EQ(log.table->entry(1).has_tokens, 0);
}

TEST(RequestLoggerTest, AnOutcomeWithoutTheRequestFillsItsEntry) {
  Logged log(4);
  log.logger.sent(0, 1000, 1000, true);
  log.logger.returned_bare(0, {schema::Outcome::Failed, 0, schema::DropReason::None, 14, 0}, 1200);
  const RequestLogEntry& entry = log.table->entry(0);
  EXPECT_EQ(entry.outcome, schema::Outcome::Failed);
  EXPECT_EQ(entry.failure_status, 14);
  EXPECT_EQ(entry.decided_ns, 1200);  // no decision time given: the Client's
  EXPECT_EQ(entry.returned_ns, 1200);
  EXPECT_EQ(entry.returned, 1);
}

TEST(RequestLoggerTest, TheEndMarksOnlyTheRequestsStillOutAsUnreturned) {
  Logged log(4);
  log.logger.sent(0, 1000, 1000, true);
  log.logger.sent(1, 2000, 2000, true);
  log.logger.returned_bare(0, {schema::Outcome::Dropped, 0, schema::DropReason::QueueFull, 0, 1100}, 1100);
  log.logger.finish(9000);
  EXPECT_EQ(log.table->entry(0).unreturned, 0);
  EXPECT_EQ(log.table->entry(0).outcome, schema::Outcome::Dropped);
  EXPECT_EQ(log.table->entry(1).unreturned, 1);
  EXPECT_EQ(log.table->entry(1).outcome, schema::Outcome::Failed);
  EXPECT_EQ(log.table->entry(1).decided_ns, 9000);
}

TEST(RequestLoggerTest, KeepsOnlyTheSampledIdsAndIgnoresOutcomesOfTheOthers) {
  Logged log(64, 0.3);
  std::uint32_t expected = 0;
  for (std::uint64_t id = 0; id < 64; ++id) {
    log.logger.sent(id, 0, 0, true);
    expected += request_sampled(11, id, 0.3) ? 1U : 0U;
    log.logger.returned_bare(id, {schema::Outcome::Completed, 0, schema::DropReason::None, 0, 5}, 5);
  }
  EXPECT_EQ(log.table->count.get(), expected);
  for (std::uint32_t i = 0; i < log.table->count.get(); ++i) {
    EXPECT_TRUE(request_sampled(11, log.table->entry(i).request_id, 0.3));
    EXPECT_EQ(log.table->entry(i).returned, 1);
  }
}

TEST(RequestLoggerTest, AFullTableCountsTheSampledRequestsItCannotHold) {
  Logged log(1);
  log.logger.sent(0, 0, 0, true);
  log.logger.sent(1, 0, 0, true);
  log.logger.returned_bare(1, {schema::Outcome::Completed, 0, schema::DropReason::None, 0, 5}, 5);
  EXPECT_EQ(log.table->count.get(), 1U);
  EXPECT_EQ(log.table->not_logged.get(), 1U);
  EXPECT_EQ(log.table->entry(0).returned, 0);  // id 1's outcome went nowhere
}

}  // namespace
}  // namespace pipescale::roles

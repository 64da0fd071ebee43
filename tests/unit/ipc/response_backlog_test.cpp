#include "ipc/rpc/response_backlog.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "tests/unit/ipc/ring_test_support.hpp"
#include "tests/unit/ipc/rpc_test_support.hpp"

namespace pipescale::ipc {
namespace {

using test::as_bytes;
using test::as_text;

std::vector<std::string> drain(RingReader& reader) {
  std::vector<std::string> payloads;
  reader.poll([&](const RecordView& record) { payloads.push_back(as_text(record.payload)); });
  return payloads;
}

TEST(ResponseBacklogTest, RefusesAnEntryThatDoesNotFit) {
  ResponseBacklog backlog(64);
  EXPECT_TRUE(backlog.push(RecordMeta{}, as_bytes(std::string(16, 'a'))));
  EXPECT_FALSE(backlog.push(RecordMeta{}, as_bytes(std::string(64, 'b'))));
  EXPECT_EQ(backlog.entries(), 1u);
}

TEST(ResponseBacklogTest, WritesEntriesToTheRingInOrderWithTheirHeaders) {
  test::LocalRing ring(1024);
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ResponseBacklog backlog(256);
  ASSERT_TRUE(backlog.push(RecordMeta{7, 3, kResponseFlag, 0, 9}, as_bytes("first")));
  ASSERT_TRUE(backlog.push(RecordMeta{8, 3, kResponseFlag, 4, 9}, as_bytes("")));
  ASSERT_EQ(backlog.write_front(writer), RingStatus::kOk);
  ASSERT_EQ(backlog.write_front(writer), RingStatus::kOk);
  EXPECT_TRUE(backlog.empty());
  std::vector<RecordMeta> metas;
  reader.poll([&](const RecordView& record) { metas.push_back(record.meta); });
  ASSERT_EQ(metas.size(), 2u);
  EXPECT_EQ(metas[0].correlation_id, 7u);
  EXPECT_EQ(metas[1].status, 4u);
  EXPECT_EQ(metas[1].epoch, 9u);
}

TEST(ResponseBacklogTest, KeepsTheFrontEntryWhileTheRingIsFull) {
  test::LocalRing ring(1024);  // largest payload 96 bytes
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  const std::string filler(96, 'f');
  while (writer.try_write(RecordMeta{}, as_bytes(filler)) == RingStatus::kOk) {
  }
  while (writer.try_write(RecordMeta{}, as_bytes("fill")) == RingStatus::kOk) {  // the last few bytes
  }
  ResponseBacklog backlog(256);
  ASSERT_TRUE(backlog.push(RecordMeta{}, as_bytes("waits")));
  EXPECT_EQ(backlog.write_front(writer), RingStatus::kFull);
  EXPECT_EQ(backlog.entries(), 1u);
  drain(reader);
  EXPECT_EQ(backlog.write_front(writer), RingStatus::kOk);
  EXPECT_EQ(drain(reader), std::vector<std::string>{"waits"});
}

TEST(ResponseBacklogTest, CarriesEntriesThatWrapAroundTheEndOfItsBuffer) {
  test::LocalRing ring(4096);
  RingWriter writer(&ring.control());
  RingReader reader(&ring.control());
  ResponseBacklog backlog(128);
  for (int round = 0; round < 50; ++round) {  // 50 entries of 24 + 21..22 bytes cross the end often
    const std::string payload = "payload number " + std::to_string(round * 1000);
    ASSERT_TRUE(backlog.push(RecordMeta{static_cast<std::uint64_t>(round)}, as_bytes(payload)));
    ASSERT_TRUE(backlog.push(RecordMeta{}, as_bytes(payload)));
    ASSERT_EQ(backlog.write_front(writer), RingStatus::kOk);
    ASSERT_EQ(backlog.write_front(writer), RingStatus::kOk);
    EXPECT_EQ(drain(reader), (std::vector<std::string>{payload, payload}));
  }
}

}  // namespace
}  // namespace pipescale::ipc

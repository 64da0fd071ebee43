#include "engine/runtime/tensorboard_events.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "tensorboard_event.pb.h"
#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

std::uint64_t read_le(const std::string& bytes, std::size_t at, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

// The record format read by hand: length, its masked CRC, data, the data's masked CRC.
std::vector<std::string> read_records(const std::string& file) {
  std::vector<std::string> records;
  std::size_t at = 0;
  while (at < file.size()) {
    EXPECT_LE(at + 12, file.size());
    const std::uint64_t length = read_le(file, at, 8);
    EXPECT_EQ(read_le(file, at + 8, 4), masked_crc32c(file.substr(at, 8)));
    const std::string data = file.substr(at + 12, length);
    EXPECT_EQ(read_le(file, at + 12 + length, 4), masked_crc32c(data));
    records.push_back(data);
    at += 12 + length + 4;
  }
  return records;
}

TEST(TensorboardEventsTest, Crc32cIsTheCastagnoliChecksum) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283U);  // the standard check value
  EXPECT_EQ(crc32c(""), 0U);
}

TEST(TensorboardEventsTest, MasksTheChecksumByRotatingAndAddingTheConstant) {
  const std::uint32_t crc = 0xE3069283U;
  EXPECT_EQ(masked_crc32c("123456789"), ((crc >> 15) | (crc << 17)) + 0xa282ead8U);
}

TEST(TensorboardEventsTest, FramesARecordWithItsLengthAndBothChecksums) {
  const std::string record = tensorboard_record("abc");

  ASSERT_EQ(record.size(), 8u + 4u + 3u + 4u);
  EXPECT_EQ(read_le(record, 0, 8), 3u);
  EXPECT_EQ(read_le(record, 8, 4), masked_crc32c(record.substr(0, 8)));
  EXPECT_EQ(record.substr(12, 3), "abc");
  EXPECT_EQ(read_le(record, 15, 4), masked_crc32c("abc"));
}

TEST(TensorboardEventsTest, TagsAStagesColumnByTheLongestStageNameThatPrefixesIt) {
  const std::vector<std::string> stages = {"a", "a_b"};
  EXPECT_EQ(tensorboard_tag("a_b_arrivals", stages), "a_b/arrivals");
  EXPECT_EQ(tensorboard_tag("a_batch_size", stages), "a/batch_size");
  EXPECT_EQ(tensorboard_tag("p99_ms", stages), "pipeline/p99_ms");
}

TEST(TensorboardEventsTest, ReadsTheCsvWithEmptyCellsAsNoValue) {
  auto series = scalar_series_from_csv("second,offered,s_batches\n0,5,\n1,7,2\n", {"s"});

  ASSERT_TRUE(series.ok()) << series.error().message;
  EXPECT_EQ(series->tags, (std::vector<std::string>{"pipeline/offered", "s/batches"}));
  ASSERT_EQ(series->rows.size(), 2u);
  EXPECT_EQ(series->rows[1].step, 1);
  EXPECT_EQ(series->rows[0].values[0], 5.0);
  EXPECT_FALSE(series->rows[0].values[1].has_value());
  EXPECT_EQ(series->rows[1].values[1], 2.0);
}

TEST(TensorboardEventsTest, RefusesARowOfTheWrongLengthNamingItsLine) {
  auto series = scalar_series_from_csv("second,offered\n0,5\n1,7,9\n", {});
  ASSERT_FALSE(series.ok());
  EXPECT_NE(series.error().message.find("line 3"), std::string::npos) << series.error().message;
}

TEST(TensorboardEventsTest, WritesTheVersionEventThenOneSummaryPerSecond) {
  test::ScratchDir dir("pipescale-tb");
  ASSERT_TRUE(dir.ok());
  auto series = scalar_series_from_csv("second,offered,s_batches\n0,5,\n1,7.5,2\n", {"s"});
  ASSERT_TRUE(series.ok());
  const auto file = dir.path() / "events.out.tfevents.1.test";

  ASSERT_TRUE(write_tensorboard_events(file, *series, 1000.0).ok());

  const std::vector<std::string> records = read_records(test::read_text(file));
  ASSERT_EQ(records.size(), 3u);
  tensorboard::Event first;
  ASSERT_TRUE(first.ParseFromString(records[0]));
  EXPECT_EQ(first.file_version(), "brain.Event:2");
  EXPECT_EQ(first.wall_time(), 1000.0);
  tensorboard::Event second;
  ASSERT_TRUE(second.ParseFromString(records[2]));
  EXPECT_EQ(second.step(), 1);
  EXPECT_EQ(second.wall_time(), 1002.0);
  ASSERT_EQ(second.summary().value_size(), 2);
  EXPECT_EQ(second.summary().value(0).tag(), "pipeline/offered");
  EXPECT_EQ(second.summary().value(0).simple_value(), 7.5f);
  EXPECT_EQ(second.summary().value(1).tag(), "s/batches");
  tensorboard::Event zeroth;
  ASSERT_TRUE(zeroth.ParseFromString(records[1]));
  EXPECT_EQ(zeroth.summary().value_size(), 1) << "an empty cell is left out";
}

TEST(TensorboardEventsTest, NamesTheFileAsTensorboardDoes) {
  const std::string name = tensorboard_file_name(1764770400.7);
  EXPECT_EQ(name.rfind("events.out.tfevents.1764770400.", 0), 0u) << name;
  EXPECT_GT(name.size(), std::string("events.out.tfevents.1764770400.").size());
}

}  // namespace
}  // namespace pipescale::engine

// sweep.csv read back: keys, points, means and bounds, and the errors that name file and line.
#include "engine/runtime/sweep_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/runtime/sweep_table.hpp"
#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SweepReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }
  [[nodiscard]] std::filesystem::path dir() const { return scratch_.path(); }
  void write(const std::string& text) const { test::write_text(dir() / "sweep.csv", text); }

 private:
  test::ScratchDir scratch_{"pipescale-sweep-reader"};
};

TEST(ParseCsvTest, UndoesQuotingAndSkipsEmptyLines) {
  auto rows = parse_csv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\n1,,3");

  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre(ElementsAre("a", "b,c", "say \"hi\""), ElementsAre("1", "", "3")));
}

TEST(ParseCsvTest, RefusesAnUnclosedQuote) {
  EXPECT_THAT(parse_csv("a,\"b\n").error().message, HasSubstr("not closed"));
}

TEST_F(SweepReaderTest, ReadsTheKeysPointsMeansAndBounds) {
  write(
      "stages.detect.drop,client.rate_scale,runs,mode,p99_ms_mean,p99_ms_ci_low,p99_ms_ci_high\n"
      "deadline,1,3,simulate,210.5,200.25,220.75\n"
      "never,2,1,simulate,300,,\n");

  auto table = read_sweep_table(dir());

  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_THAT(table->keys, ElementsAre("stages.detect.drop", "client.rate_scale"));
  ASSERT_EQ(table->points.size(), 2U);
  EXPECT_THAT(table->points[0].values, ElementsAre("deadline", "1"));
  EXPECT_EQ(table->points[0].runs, 3U);
  EXPECT_DOUBLE_EQ(*table->points[0].metrics.at("p99_ms").mean, 210.5);
  EXPECT_DOUBLE_EQ(*table->points[0].metrics.at("p99_ms").low, 200.25);
  EXPECT_DOUBLE_EQ(*table->points[0].metrics.at("p99_ms").high, 220.75);
  EXPECT_FALSE(table->points[1].metrics.at("p99_ms").low.has_value());
}

TEST_F(SweepReaderTest, ReadsWhatWriteSweepCsvWrites) {
  RunSummary summary;
  summary.sent = 10;
  summary.slo_attainment = 0.5;
  ASSERT_TRUE(write_sweep_csv(dir() / "sweep.csv", {"k"}, {{{"a,b"}, 0, 1, dir(), summary}}).ok());

  auto table = read_sweep_table(dir());

  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_THAT(table->points.front().values, ElementsAre("a,b"));
  EXPECT_DOUBLE_EQ(*table->points.front().metrics.at("sent").mean, 10.0);
  EXPECT_DOUBLE_EQ(*table->points.front().metrics.at("slo_attainment").mean, 0.5);
}

TEST_F(SweepReaderTest, NamesTheFileAndLineOfACellThatIsNotANumber) {
  write("k,runs,mode,p99_ms_mean,p99_ms_ci_low,p99_ms_ci_high\n1,2,run,fast,1,2\n");

  EXPECT_THAT(read_sweep_table(dir()).error().message,
              HasSubstr((dir() / "sweep.csv").string() + " line 2: p99_ms_mean is 'fast', expected a number"));
}

TEST_F(SweepReaderTest, RefusesARowOfTheWrongLength) {
  write("k,runs,mode\n1,2\n");

  EXPECT_THAT(read_sweep_table(dir()).error().message, HasSubstr("line 2: 2 cells, the header has 3"));
}

TEST_F(SweepReaderTest, RefusesATableWithoutARunsColumnSayingWhy) {
  write("client.rate_scale,mode,slo_attainment\n1,run,0.9\n");

  EXPECT_THAT(read_sweep_table(dir()).error().message, HasSubstr("no swept key before a 'runs' column"));
}

TEST_F(SweepReaderTest, RefusesARunsCountBelowOne) {
  write("k,runs,mode\n1,0,run\n");

  EXPECT_THAT(read_sweep_table(dir()).error().message, HasSubstr("runs is '0', expected a count of at least 1"));
}

TEST_F(SweepReaderTest, SaysWhenTheFileIsMissingOrEmpty) {
  EXPECT_THAT(read_sweep_table(dir()).error().message, HasSubstr("cannot read " + (dir() / "sweep.csv").string()));
  EXPECT_FALSE(is_sweep_dir(dir()));
  write("");
  EXPECT_TRUE(is_sweep_dir(dir()));
  EXPECT_THAT(read_sweep_table(dir()).error().message, HasSubstr("is empty"));
}

}  // namespace
}  // namespace pipescale::engine

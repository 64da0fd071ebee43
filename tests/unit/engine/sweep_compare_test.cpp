// Two sweeps point by point: means, intervals, their difference and whether they overlap.
#include "engine/runtime/sweep_compare.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sstream>

#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SweepTablePoint point(std::vector<std::string> values, std::size_t runs, SweepStatistic attainment) {
  SweepTablePoint p;
  p.values = std::move(values);
  p.runs = runs;
  p.metrics["slo_attainment"] = attainment;
  return p;
}

// The line of the table that holds `text`.
std::string line_with(const std::string& table, const std::string& text) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(text) != std::string::npos) return line;
  }
  return "";
}

TEST(IntervalVerdictTest, TellsOverlapFromIntervalsApartOnEitherSide) {
  const SweepStatistic a{0.90, 0.88, 0.92};

  EXPECT_EQ(interval_verdict(a, {0.91, 0.90, 0.95}), IntervalVerdict::kOverlap);
  EXPECT_EQ(interval_verdict(a, {0.93, 0.92, 0.94}), IntervalVerdict::kOverlap);  // touching bounds share a value
  EXPECT_EQ(interval_verdict(a, {0.95, 0.93, 0.97}), IntervalVerdict::kBHigher);
  EXPECT_EQ(interval_verdict(a, {0.80, 0.78, 0.87}), IntervalVerdict::kBLower);
  EXPECT_EQ(interval_verdict(a, {0.95, std::nullopt, std::nullopt}), IntervalVerdict::kUnknown);
}

TEST(SweepComparisonTableTest, GivesMeansIntervalsDifferenceAndVerdictPerPoint) {
  ComparedSweep a{
      "sweep-a",
      {{"stages.detect.drop"}, {point({"deadline"}, 3, {0.90, 0.88, 0.92}), point({"never"}, 3, {0.80, 0.70, 0.90})}}};
  ComparedSweep b{
      "sweep-b",
      {{"stages.detect.drop"}, {point({"deadline"}, 3, {0.95, 0.93, 0.97}), point({"never"}, 3, {0.82, 0.75, 0.89})}}};

  const std::string table = sweep_comparison_table(a, b);

  EXPECT_THAT(table, HasSubstr("A: sweep-a  (2 points, 3 runs each)"));
  const std::string deadline = line_with(table, "stages.detect.drop=deadline");
  EXPECT_THAT(deadline, HasSubstr("SLO attainment %"));
  EXPECT_THAT(deadline, HasSubstr("90.00 [88.00, 92.00]"));
  EXPECT_THAT(deadline, HasSubstr("95.00 [93.00, 97.00]"));
  EXPECT_THAT(deadline, HasSubstr("+5.00"));
  EXPECT_THAT(deadline, HasSubstr("apart, B higher"));
  const std::string never = line_with(table, "stages.detect.drop=never");
  EXPECT_THAT(never, HasSubstr("+2.00"));
  EXPECT_THAT(never, HasSubstr("overlap"));
}

TEST(SweepComparisonTableTest, MatchesPointsByValueWhateverTheKeyOrder) {
  ComparedSweep a{"a", {{"x", "y"}, {point({"1", "p"}, 2, {0.5, 0.4, 0.6})}}};
  ComparedSweep b{"b", {{"y", "x"}, {point({"p", "1"}, 2, {0.7, 0.65, 0.75})}}};

  ASSERT_TRUE(check_same_keys(a, b).ok());
  const std::string line = line_with(sweep_comparison_table(a, b), "x=1 y=p");

  EXPECT_THAT(line, HasSubstr("+20.00"));
  EXPECT_THAT(line, HasSubstr("apart, B higher"));
}

TEST(SweepComparisonTableTest, SaysNoVerdictWithoutIntervalsAndListsUnmatchedPoints) {
  ComparedSweep a{"a", {{"k"}, {point({"1"}, 1, {0.5, std::nullopt, std::nullopt}), point({"2"}, 1, {0.6, {}, {}})}}};
  ComparedSweep b{"b", {{"k"}, {point({"1"}, 1, {0.7, std::nullopt, std::nullopt}), point({"3"}, 1, {0.6, {}, {}})}}};

  const std::string table = sweep_comparison_table(a, b);

  const std::string one = line_with(table, "k=1");
  EXPECT_THAT(one, HasSubstr("50.00 |"));
  EXPECT_THAT(one, Not(HasSubstr("[")));
  EXPECT_EQ(one.back(), '-');  // the intervals column: no verdict
  EXPECT_THAT(line_with(table, "k=2"), HasSubstr("(only in A)"));
  EXPECT_THAT(line_with(table, "k=3"), HasSubstr("(only in B)"));
}

TEST(SweepComparisonTest, RefusesSweepsOverDifferentKeysNamingThem) {
  ComparedSweep a{"a", {{"x"}, {}}};
  ComparedSweep b{"b", {{"x", "y"}, {}}};

  EXPECT_THAT(check_same_keys(a, b).error().message, HasSubstr("different keys (A: x; B: x, y)"));
}

TEST(SweepComparisonJsonTest, GivesEachPointsMetricsWithTheOverlap) {
  ComparedSweep a{"a", {{"k"}, {point({"1"}, 3, {0.90, 0.88, 0.92})}}};
  ComparedSweep b{"b", {{"k"}, {point({"1"}, 3, {0.95, 0.93, 0.97}), point({"2"}, 3, {0.5, 0.4, 0.6})}}};

  const std::string json = sweep_comparison_json(a, b);

  EXPECT_THAT(json, HasSubstr(R"("values": {"k": "1"})"));
  EXPECT_THAT(json, HasSubstr(R"("a": {"runs": 3, "mean": 90.0000, "ci_low": 88.0000, "ci_high": 92.0000})"));
  EXPECT_THAT(json, HasSubstr(R"("difference": 5.0000, "intervals_overlap": false)"));
  EXPECT_THAT(json, HasSubstr(R"("only_in_a": [], "only_in_b": [{"k": "2"}])"));
}

class CompareSweepsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }
  [[nodiscard]] std::filesystem::path dir() const { return scratch_.path(); }

 private:
  test::ScratchDir scratch_{"pipescale-compare-sweeps"};
};

TEST_F(CompareSweepsTest, ReadsTwoSweepFoldersAndPrintsTheTable) {
  const std::string header = "k,runs,mode,slo_attainment_mean,slo_attainment_ci_low,slo_attainment_ci_high\n";
  std::filesystem::create_directories(dir() / "a");
  std::filesystem::create_directories(dir() / "b");
  test::write_text(dir() / "a" / "sweep.csv", header + "1,3,simulate,0.9,0.88,0.92\n");
  test::write_text(dir() / "b" / "sweep.csv", header + "1,3,simulate,0.91,0.9,0.92\n");
  std::ostringstream out;
  std::ostringstream err;

  EXPECT_EQ(compare_sweeps({dir() / "a", dir() / "b", false}, out, err), 0) << err.str();

  EXPECT_THAT(line_with(out.str(), "k=1"), HasSubstr("overlap"));
  EXPECT_EQ(err.str(), "");
}

TEST_F(CompareSweepsTest, ExitsTwoNamingTheSweepThatCannotBeRead) {
  std::ostringstream out;
  std::ostringstream err;

  EXPECT_EQ(compare_sweeps({dir() / "a", dir() / "b", false}, out, err), 2);

  EXPECT_THAT(err.str(), HasSubstr("cannot read " + (dir() / "a" / "sweep.csv").string()));
}

}  // namespace
}  // namespace pipescale::engine

// What a sweep runs: the grid of its keys' values, the checks on them, and each run's folder.
#include "engine/simulate/sweep_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Point = std::vector<std::string>;

TEST(SweepGridTest, GivesTheValuesOfOneKeyInOrder) {
  EXPECT_THAT(sweep_grid({{"client.rate_scale", {"0.5", "1", "2"}}}),
              ElementsAre(Point{"0.5"}, Point{"1"}, Point{"2"}));
}

TEST(SweepGridTest, GivesEveryCombinationOfTwoKeysTheFirstVaryingSlowest) {
  const auto grid = sweep_grid({{"stages.detect.drop", {"deadline", "never"}}, {"client.rate_scale", {"1", "2"}}});

  EXPECT_THAT(grid,
              ElementsAre(Point{"deadline", "1"}, Point{"deadline", "2"}, Point{"never", "1"}, Point{"never", "2"}));
}

TEST(SweepGridTest, MultipliesTheCountsOfThreeKeys) {
  const auto grid = sweep_grid({{"a", {"1", "2", "3"}}, {"b", {"x", "y"}}, {"c", {"p", "q"}}});

  ASSERT_EQ(grid.size(), 12U);
  EXPECT_EQ(grid.front(), (Point{"1", "x", "p"}));
  EXPECT_EQ(grid[1], (Point{"1", "x", "q"}));
  EXPECT_EQ(grid[2], (Point{"1", "y", "p"}));
  EXPECT_EQ(grid.back(), (Point{"3", "y", "q"}));
}

TEST(SweepGridTest, IsEmptyWithoutKeys) { EXPECT_TRUE(sweep_grid({}).empty()); }

TEST(SweepParamsTest, AcceptsDistinctKeysWithValues) {
  EXPECT_TRUE(check_sweep_params({{"a", {"1"}}, {"b", {"x", "y"}}}).ok());
}

TEST(SweepParamsTest, RefusesNoKeyAKeyGivenTwiceAndAnEmptyValueNamingThem) {
  EXPECT_THAT(check_sweep_params({}).error().message, HasSubstr("--param: expected at least one key"));
  EXPECT_THAT(check_sweep_params({{"a", {"1"}}, {"a", {"2"}}}).error().message, HasSubstr("--param a is given twice"));
  EXPECT_THAT(check_sweep_params({{"a", {"1"}}, {"b", {"x", ""}}}).error().message,
              HasSubstr("--values for b: value 2 is empty"));
  EXPECT_THAT(check_sweep_params({{"b", {}}}).error().message,
              HasSubstr("--values for b: expected at least one value"));
}

TEST(SweepAssignmentsTest, PairsEachKeyWithItsValue) {
  const std::vector<SweepParam> params{{"stages.detect.drop", {"never"}}, {"client.rate_scale", {"2"}}};

  EXPECT_THAT(sweep_assignments(params, {"never", "2"}),
              ElementsAre("stages.detect.drop=never", "client.rate_scale=2"));
  EXPECT_EQ(sweep_point_name(params, {"never", "2"}), "stages.detect.drop=never client.rate_scale=2");
}

TEST(SweepRunFolderTest, NumbersThePointsInOrderWithTheirValues) {
  EXPECT_EQ(sweep_run_folder(0, 4, {"0.5"}), "01-0.5");
  EXPECT_EQ(sweep_run_folder(3, 4, {"2"}), "04-2");
  EXPECT_EQ(sweep_run_folder(99, 120, {"true"}), "100-true");
  EXPECT_EQ(sweep_run_folder(4, 120, {"-1e3"}), "005--1e3");
  EXPECT_EQ(sweep_run_folder(2, 6, {"aimd", "predictive"}), "03-aimd_predictive");
}

TEST(SweepRunFolderTest, ReplacesWhatAFileNameShouldNotHold) {
  EXPECT_EQ(sweep_run_folder(0, 2, {"traces/x y.csv"}), "01-traces_x_y.csv");
  EXPECT_EQ(sweep_run_folder(1, 2, {"\"grpc\""}), "02-_grpc_");
}

TEST(SweepRunDirTest, IsThePointsFolderWithOneReplicationAndASeedFolderWithMore) {
  EXPECT_EQ(sweep_run_dir("s", 0, 4, {"1"}, 1, 1), std::filesystem::path("s/01-1"));
  EXPECT_EQ(sweep_run_dir("s", 1, 4, {"never", "2"}, 3, 43), std::filesystem::path("s/02-never_2/seed-43"));
}

}  // namespace
}  // namespace pipescale::engine

// The folder names of a sweep's experiments: ordered by position, safe for any value.
#include "engine/simulate/sweep_command.hpp"

#include <gtest/gtest.h>

namespace pipescale::engine {
namespace {

TEST(SweepRunFolderTest, NumbersTheExperimentsInOrderWithTheirValue) {
  EXPECT_EQ(sweep_run_folder(0, 4, "0.5"), "01-0.5");
  EXPECT_EQ(sweep_run_folder(3, 4, "2"), "04-2");
  EXPECT_EQ(sweep_run_folder(99, 120, "true"), "100-true");
  EXPECT_EQ(sweep_run_folder(4, 120, "-1e3"), "005--1e3");
}

TEST(SweepRunFolderTest, ReplacesWhatAFileNameShouldNotHold) {
  EXPECT_EQ(sweep_run_folder(0, 2, "traces/x y.csv"), "01-traces_x_y.csv");
  EXPECT_EQ(sweep_run_folder(1, 2, "\"grpc\""), "02-_grpc_");
}

}  // namespace
}  // namespace pipescale::engine

// [[faults]]: each action's keys, the targets it accepts, and a message naming the key, the value
// and what was expected for every bad one.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>

#include "engine/config/config_loader.hpp"
#include "engine/config/config_writer.hpp"

#ifndef PIPESCALE_SOURCE_DIR
#error "PIPESCALE_SOURCE_DIR must name the source tree"
#endif

namespace pipescale::engine {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kDefault = std::filesystem::path(PIPESCALE_SOURCE_DIR) / "configs" / "default.toml";

// The shipped default (stages preprocess, detect, classify; 1 to 3 Workers each; 60 s) written
// out with absolute paths, then `faults` appended, in a file of this test process's own.
class FaultsSection : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pipescale-faults-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto config = load_config(kDefault, {});
    ASSERT_TRUE(config.ok());
    base_ = to_toml(*config);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<PipelineConfig> load(const std::string& faults, const std::vector<std::string>& overrides = {}) {
    const std::filesystem::path file = dir_ / "faults.toml";
    std::ofstream(file) << base_ << faults;
    return load_config(file, overrides);
  }
  std::string errors(const std::string& faults, const std::vector<std::string>& overrides = {}) {
    auto config = load(faults, overrides);
    EXPECT_FALSE(config.ok());
    return config ? "" : config.error().message;
  }

  std::filesystem::path dir_;
  std::string base_;
};

TEST_F(FaultsSection, ReadsEachActionWithItsParameters) {
  auto config = load(R"(
[[faults]]
at_s = 30
target = "worker1.0"
action = "kill"
[[faults]]
at_s = 10.5
target = "frontend2"
action = "stop"
duration_s = 2
[[faults]]
at_s = 5
target = "stages.detect.worker"
action = "slow"
factor = 3
duration_s = 4
[[faults]]
at_s = 1
target = "frontend0-worker0.1"
action = "drop_link"
duration_s = 0.5
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->faults.size(), 4U);
  EXPECT_EQ(config->faults[0], (FaultConfig{30.0, "worker1.0", FaultAction::kKill, 0.0, 1.0}));
  EXPECT_EQ(config->faults[1], (FaultConfig{10.5, "frontend2", FaultAction::kStop, 2.0, 1.0}));
  EXPECT_EQ(config->faults[2], (FaultConfig{5.0, "stages.detect.worker", FaultAction::kSlow, 4.0, 3.0}));
  EXPECT_EQ(config->faults[3], (FaultConfig{1.0, "frontend0-worker0.1", FaultAction::kDropLink, 0.5, 1.0}));
}

TEST_F(FaultsSection, WritesFaultsBackToAnEqualConfig) {
  auto config = load("[[faults]]\nat_s = 3\ntarget = \"worker2.1\"\naction = \"slow\"\nfactor = 0.5\nduration_s = 1\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const std::filesystem::path file = dir_ / "written.toml";
  std::ofstream(file) << to_toml(*config);
  auto again = load_config(file, {});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->faults, config->faults);
}

TEST_F(FaultsSection, RefusesATimeOutsideTheRun) {
  const std::string late = errors("[[faults]]\nat_s = 60\ntarget = \"worker1.0\"\naction = \"kill\"\n");
  EXPECT_THAT(late, HasSubstr("faults.1.at_s in "));
  EXPECT_THAT(late, HasSubstr("expected a number of seconds from 0 to below run.duration_s (60), got 60"));
  EXPECT_THAT(errors("[[faults]]\nat_s = -1\ntarget = \"worker1.0\"\naction = \"kill\"\n"), HasSubstr("got -1"));
  EXPECT_THAT(errors("[[faults]]\ntarget = \"worker1.0\"\naction = \"kill\"\n"), HasSubstr("faults.1.at_s"));
}

TEST_F(FaultsSection, RefusesAnUnknownActionListingTheValidOnes) {
  const std::string bad = errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"pause\"\n");
  EXPECT_THAT(bad, HasSubstr("faults.1.action in "));
  EXPECT_THAT(bad, HasSubstr("expected one of \"kill\", \"stop\", \"slow\", \"drop_link\", got string \"pause\""));
}

TEST_F(FaultsSection, RefusesATargetThePipelineDoesNotHave) {
  const std::string worker = errors("[[faults]]\nat_s = 1\ntarget = \"worker1.3\"\naction = \"kill\"\n");
  EXPECT_THAT(worker, HasSubstr("faults.1.target in "));
  EXPECT_THAT(worker, HasSubstr("got string \"worker1.3\""));
  EXPECT_THAT(worker, HasSubstr("expected a process of this pipeline"));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"stages.nope.worker\"\naction = \"stop\"\nduration_s = 1\n"),
              HasSubstr("got string \"stages.nope.worker\""));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"frontend3\"\naction = \"kill\"\n"),
              HasSubstr("got string \"frontend3\""));
}

TEST_F(FaultsSection, SlowsOnlyWorkersAndDropsOnlyLinks) {
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"frontend0\"\naction = \"slow\"\nfactor = 2\nduration_s = 1\n"),
              HasSubstr("expected a Worker of this pipeline"));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"worker0.0\"\naction = \"drop_link\"\nduration_s = 1\n"),
              HasSubstr("expected a link \"<caller>-<callee>\" of this pipeline"));
  // worker0.0 calls frontend1 (the next stage), never frontend2.
  EXPECT_THAT(
      errors("[[faults]]\nat_s = 1\ntarget = \"worker0.0-frontend2\"\naction = \"drop_link\"\nduration_s = 1\n"),
      HasSubstr("got string \"worker0.0-frontend2\""));
  EXPECT_TRUE(
      load("[[faults]]\nat_s = 1\ntarget = \"worker2.2-client\"\naction = \"drop_link\"\nduration_s = 1\n").ok());
}

TEST_F(FaultsSection, RequiresEachActionsParametersAndRefusesOthers) {
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"stop\"\n"),
              HasSubstr("faults.1.duration_s in "));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"slow\"\nduration_s = 1\n"),
              HasSubstr("faults.1.factor in "));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"kill\"\nduration_s = 1\n"),
              HasSubstr("expected no duration_s with action = \"kill\""));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"stop\"\nduration_s = 1\nfactor = 2\n"),
              HasSubstr("expected no factor with action = \"stop\""));
  EXPECT_THAT(errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"stop\"\nduration_s = 0\n"),
              HasSubstr("expected a positive number of seconds"));
  const std::string factor =
      errors("[[faults]]\nat_s = 1\ntarget = \"worker1.0\"\naction = \"slow\"\nduration_s = 1\nfactor = 5000\n");
  EXPECT_THAT(factor, HasSubstr("faults.1.factor in "));
  EXPECT_THAT(factor, HasSubstr("expected a number from 0.01 to 1000"));
  EXPECT_THAT(factor, HasSubstr("got 5000"));
}

TEST_F(FaultsSection, RefusesDropLinkOverGrpc) {
  const std::string grpc = errors(
      "[[faults]]\nat_s = 1\ntarget = \"client-frontend0\"\naction = \"drop_link\"\n"
      "duration_s = 1\n",
      {"run.transport=grpc"});
  EXPECT_THAT(grpc, HasSubstr("faults.1.action in "));
  EXPECT_THAT(grpc, HasSubstr("with run.transport = \"grpc\""));
}

TEST_F(FaultsSection, RefusesFaultsThatAreNotTables) {
  const std::filesystem::path file = dir_ / "top.toml";
  std::ofstream(file) << "faults = 3\n" << base_;  // a top-level key: before the first table
  auto config = load_config(file, {});
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("faults in "));
  EXPECT_THAT(config.error().message, HasSubstr("expected an array of [[faults]] tables, got 3"));
}

}  // namespace
}  // namespace pipescale::engine

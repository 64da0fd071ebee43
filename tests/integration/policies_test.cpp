// The plug-in policies through the binary: `pipescale validate` refuses an unknown policy name
// with exit 2 and the valid names, and every policy simulates the shipped default twice to the
// same files (deterministic with the seed fixed), chosen with --set as a sweep chooses it.
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/runtime/run_summary.hpp"
#include "tests/integration/binary_support.hpp"
#include "tests/support/scratch_dir.hpp"

#ifndef PIPESCALE_SOURCE_DIR
#error "PIPESCALE_SOURCE_DIR must name the source tree"
#endif

namespace {

namespace fs = std::filesystem;
using pipescale::test::Pipescale;
using pipescale::test::read_text;

const fs::path kDefaultConfig = fs::path(PIPESCALE_SOURCE_DIR) / "configs" / "default.toml";

class PoliciesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }

  int run(const std::string& name, std::vector<std::string> args) {
    const fs::path folder = dir_ / ("process-" + name);
    fs::create_directories(folder);
    Pipescale pipescale(folder, std::move(args));
    const int status = pipescale.wait(std::chrono::seconds(60));
    last_err_ = pipescale.err();
    return status;
  }

  // Simulates the default with `overrides` into dir_/name; the exit status.
  int simulate(const std::string& name, const std::vector<std::string>& overrides) {
    std::vector<std::string> args{"simulate", kDefaultConfig.string(), "--quiet", "--out", (dir_ / name).string()};
    for (const std::string& set : overrides) {
      args.emplace_back("--set");
      args.push_back(set);
    }
    return run(name, args);
  }

  pipescale::test::ScratchDir scratch_{"pipescale-policies"};
  const fs::path& dir_ = scratch_.path();
  std::string last_err_;
};

TEST_F(PoliciesTest, ValidateRefusesAnUnknownPolicyNameListingTheValidOnes) {
  EXPECT_EQ(run("batching", {"validate", kDefaultConfig.string(), "--set", "stages.detect.batching=fifo"}), 2);
  EXPECT_NE(last_err_.find("stages.detect.batching"), std::string::npos) << last_err_;
  EXPECT_NE(last_err_.find("\"deadline\", \"timeout\", \"aimd\""), std::string::npos) << last_err_;

  EXPECT_EQ(run("scaling", {"validate", kDefaultConfig.string(), "--set", "scheduler.policy=psychic"}), 2);
  EXPECT_NE(last_err_.find("\"reactive\", \"static\", \"predictive\""), std::string::npos) << last_err_;

  EXPECT_EQ(run("dispatch", {"validate", kDefaultConfig.string(), "--set", "stages.1.dispatch=random"}), 2);
  EXPECT_NE(last_err_.find("\"least_loaded\", \"round_robin\", \"power_of_two\""), std::string::npos) << last_err_;

  EXPECT_EQ(run("good", {"validate", kDefaultConfig.string(), "--set", "stages.detect.batching=timeout", "--set",
                         "scheduler.policy=predictive"}),
            0)
      << last_err_;
}

TEST_F(PoliciesTest, EveryPolicySimulatesTheDefaultTwiceToTheSameFiles) {
  const std::vector<std::vector<std::string>> settings{
      {"stages.detect.batching=timeout", "stages.detect.dispatch=power_of_two", "scheduler.policy=predictive"},
      {"stages.detect.batching=aimd", "stages.classify.dispatch=round_robin", "stages.detect.drop=never"},
      {"scheduler.policy=static", "stages.preprocess.drop=start_now"},
  };
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const std::string a = std::string("a").append(std::to_string(i));  // not "a" + ...: GCC 12 -Wrestrict
    const std::string b = std::string("b").append(std::to_string(i));
    ASSERT_EQ(simulate(a, settings[i]), 0) << last_err_;
    ASSERT_EQ(simulate(b, settings[i]), 0) << last_err_;
    for (const char* file : {"summary.json", "timeseries.csv", "stages.csv"}) {
      EXPECT_EQ(read_text(dir_ / a / file), read_text(dir_ / b / file)) << file << " differs, case " << i;
    }
    auto summary = pipescale::engine::read_run_summary(dir_ / a);
    ASSERT_TRUE(summary.ok());
    EXPECT_GT(summary->sent, 20'000u);
    EXPECT_EQ(summary->sent, summary->completed + summary->dropped + summary->failed) << "case " << i;
  }
}

}  // namespace

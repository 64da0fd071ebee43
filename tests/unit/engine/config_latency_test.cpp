// The config's model-latency keys: p99_ms in a profile (inline and in its CSV), and
// latency_samples_path, each read, written back and refused when wrong.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/config/config_loader.hpp"
#include "engine/config/config_writer.hpp"

namespace pipescale::engine {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ConfigLatencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipescale-config-latency-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("trace.csv", "time_s,rate_rps\n0,100\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  static std::string with_stage(const std::string& stage) {
    return "[client]\ntrace_path = \"trace.csv\"\n[[stages]]\nname = \"m\"\n" + stage + "\n";
  }
  Result<PipelineConfig> load(const std::string& stage) { return load_config(write("p.toml", with_stage(stage))); }
  std::string errors(const std::string& stage) {
    auto config = load(stage);
    EXPECT_FALSE(config.ok());
    return config.ok() ? "" : config.error().message;
  }
  // Loads, writes the effective config, loads that back: the same config.
  void expect_round_trip(const PipelineConfig& first) {
    Result<PipelineConfig> second = load_config(write("effective.toml", to_toml(first)));
    ASSERT_TRUE(second.ok()) << second.error().message;
    second->source_path = first.source_path;
    EXPECT_EQ(*second, first) << to_toml(first);
  }

  fs::path dir_;
};

TEST_F(ConfigLatencyTest, ReadsInlineP99sFillingAPointWithoutOneWithItsMedian) {
  auto config =
      load("profile = [{ batch_size = 1, latency_ms = 10, p99_ms = 20 }, { batch_size = 4, latency_ms = 16 }]");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->stages[0].profile_p99, (std::vector<ProfilePoint>{{1, 20.0}, {4, 16.0}}));
  expect_round_trip(*config);
}

TEST_F(ConfigLatencyTest, ReadsAThreeColumnProfileCsvAsMedianAndP99) {
  write("p99.csv", "batch_size,latency_ms,p99_ms\n1,10,20\n8,30,45\n");
  auto config = load("profile_path = \"p99.csv\"");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->stages[0].profile, (std::vector<ProfilePoint>{{1, 10.0}, {8, 30.0}}));
  EXPECT_EQ(config->stages[0].profile_p99, (std::vector<ProfilePoint>{{1, 20.0}, {8, 45.0}}));
  expect_round_trip(*config);
}

// configs/profiles/model_samples.csv, the shipped example: 101 batches of each size, so each
// median is the 51st time of its size (recomputed from the file with Python's statistics.median).
TEST_F(ConfigLatencyTest, LoadsTheShippedSamplesFileWithTheMedianOfEachSizeAsItsProfile) {
  auto config = load("latency_samples_path = \"" PIPESCALE_SOURCE_DIR "/configs/profiles/model_samples.csv\"");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->stages[0].profile, (std::vector<ProfilePoint>{{1, 10.885}, {4, 16.425}, {8, 24.319}}));
}

TEST_F(ConfigLatencyTest, RefusesAP99BelowItsMedianInlineAndInACsvNamingTheColumn) {
  EXPECT_THAT(errors("profile = [{ batch_size = 1, latency_ms = 10, p99_ms = 5 }]"),
              HasSubstr("stages.m.profile.1.p99_ms in"));
  const fs::path csv = write("low.csv", "1,10,20\n2,12,11\n");
  EXPECT_THAT(errors("profile_path = \"low.csv\""),
              HasSubstr(csv.string() + ":2:6: p99_ms '11': expected at least the point's latency_ms (12"));
}

TEST_F(ConfigLatencyTest, TakesTheSamplesMediansAsTheProfile) {
  const fs::path samples = write("samples.csv", "batch_size,latency_ms\n1,9\n1,11\n4,20\n4,22\n4,30\n");
  auto config = load("latency_samples_path = \"samples.csv\"");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->stages[0].latency_samples_path, samples);
  EXPECT_EQ(config->stages[0].profile, (std::vector<ProfilePoint>{{1, 10.0}, {4, 22.0}}));
  EXPECT_EQ(config->stages[0].max_batch, 4);
  expect_round_trip(*config);
}

TEST_F(ConfigLatencyTest, RefusesSamplesBesideAProfileAndAMalformedSamplesFile) {
  write("samples.csv", "1,10\n");
  EXPECT_THAT(errors("latency_samples_path = \"samples.csv\"\nprofile = [{ batch_size = 1, latency_ms = 1 }]"),
              HasSubstr("expected either latency_samples_path or profile, not both"));
  const fs::path bad = write("bad.csv", "1,10\n2,ten\n");
  EXPECT_THAT(errors("latency_samples_path = \"bad.csv\""),
              HasSubstr("stages.m.latency_samples_path in " + (dir_ / "p.toml").string() + " line 5: " + bad.string() +
                        ":2:3: latency_ms 'ten': expected a finite number"));
}

}  // namespace
}  // namespace pipescale::engine

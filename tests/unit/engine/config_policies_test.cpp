// The policy keys of the config (stages[].batching, dispatch, drop and their parameters,
// scheduler.policy and its forecast factors), read from the shipped default with --set, as a sweep
// sets them.
#include <filesystem>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/config/config_loader.hpp"

#ifndef PIPESCALE_SOURCE_DIR
#error "PIPESCALE_SOURCE_DIR must name the source tree"
#endif

namespace pipescale::engine {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kDefault = std::filesystem::path(PIPESCALE_SOURCE_DIR) / "configs" / "default.toml";

PipelineConfig load(const std::vector<std::string>& overrides) {
  auto config = load_config(kDefault, overrides);
  EXPECT_TRUE(config.ok()) << (config ? "" : config.error().message);
  return config ? *config : PipelineConfig{};
}

std::string errors(const std::vector<std::string>& overrides) {
  auto config = load_config(kDefault, overrides);
  EXPECT_FALSE(config.ok());
  return config ? "" : config.error().message;
}

TEST(ConfigPolicies, DefaultsToTodaysRules) {
  const PipelineConfig config = load({});
  EXPECT_EQ(config.scheduler.policy, "reactive");
  EXPECT_TRUE(config.scheduler.enabled);
  EXPECT_EQ(config.scheduler.forecast_alpha, 0.3);
  EXPECT_EQ(config.scheduler.forecast_beta, 0.3);
  for (const StageConfig& stage : config.stages) {
    EXPECT_EQ(stage.batching, "deadline");
    EXPECT_EQ(stage.dispatch, "least_loaded");
    EXPECT_EQ(stage.drop, "deadline");
    EXPECT_EQ(stage.max_queue_delay_us, 10000.0);
    EXPECT_EQ(stage.aimd_backoff, 0.9);
  }
}

TEST(ConfigPolicies, TakesPolicyNamesAndParametersFromSet) {
  const PipelineConfig config =
      load({"stages.detect.batching=timeout", "stages.detect.max_queue_delay_us=2500", "stages.1.batching=aimd",
            "stages.1.aimd_backoff=0.5", "stages.classify.dispatch=power_of_two", "scheduler.policy=predictive",
            "scheduler.forecast_alpha=0.8", "scheduler.forecast_beta=1"});
  EXPECT_EQ(config.stages[1].batching, "timeout");
  EXPECT_EQ(config.stages[1].max_queue_delay_us, 2500.0);
  EXPECT_EQ(config.stages[0].batching, "aimd");
  EXPECT_EQ(config.stages[0].aimd_backoff, 0.5);
  EXPECT_EQ(config.stages[2].dispatch, "power_of_two");
  EXPECT_EQ(config.scheduler.policy, "predictive");
  EXPECT_TRUE(config.scheduler.enabled);
  EXPECT_EQ(config.scheduler.forecast_alpha, 0.8);
  EXPECT_EQ(config.scheduler.forecast_beta, 1.0);
}

TEST(ConfigPolicies, TakesEnabledFalseAsTheStaticPolicy) {
  EXPECT_EQ(load({"scheduler.enabled=false"}).scheduler.policy, "static");
  EXPECT_FALSE(load({"scheduler.policy=static"}).scheduler.enabled);
  const std::string both = errors({"scheduler.enabled=false", "scheduler.policy=predictive"});
  EXPECT_THAT(both, HasSubstr("scheduler.enabled in "));
  EXPECT_THAT(both, HasSubstr("expected true with scheduler.policy = \"predictive\""));
}

TEST(ConfigPolicies, RefusesAnUnknownNameListingTheValidOnesWithASuggestion) {
  const std::string typo = errors({"stages.detect.batching=timout"});
  EXPECT_THAT(typo, HasSubstr("stages.detect.batching in "));
  EXPECT_THAT(typo,
              HasSubstr("expected one of \"deadline\", \"timeout\", \"aimd\", got string \"timout\", did you mean "
                        "\"timeout\"?"));
  EXPECT_THAT(errors({"scheduler.policy=oracle"}),
              HasSubstr("expected one of \"reactive\", \"static\", \"predictive\""));
  EXPECT_THAT(errors({"stages.detect.drop=sometimes"}), HasSubstr("\"deadline\", \"start_now\", \"never\""));
}

TEST(ConfigPolicies, RefusesParametersOutOfRange) {
  EXPECT_THAT(errors({"stages.detect.aimd_backoff=1"}), HasSubstr("stages.detect.aimd_backoff"));
  EXPECT_THAT(errors({"stages.detect.max_queue_delay_us=-1"}), HasSubstr("stages.detect.max_queue_delay_us"));
  EXPECT_THAT(errors({"scheduler.forecast_alpha=0"}), HasSubstr("scheduler.forecast_alpha"));
  EXPECT_THAT(errors({"scheduler.forecast_beta=1.5"}), HasSubstr("scheduler.forecast_beta"));
}

}  // namespace
}  // namespace pipescale::engine

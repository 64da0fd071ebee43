// [client]: the trace formats, the window and time scale, the closed loop; the trace itself is
// read at load time, so a malformed one is refused with its file, line and column.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/config/config_loader.hpp"
#include "engine/config/config_writer.hpp"
#include "engine/config/validate.hpp"

namespace pipescale::engine {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kStage = "\n[[stages]]\nprofile = [{ batch_size = 1, latency_ms = 5.0 }]\n";

class ConfigClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipescale-config-client-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("rate.csv", "time_s,rate_rps\n0,100\n");
    write("requests.csv", "# synthetic\ntime_s,context_tokens\n0.5,10\n1.5,20\n");
    write("functions.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,60,0\no,a,f2,http,6,6\n");
    write("llm.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  Result<PipelineConfig> try_load(const std::string& client) {
    return load_config(write("pipeline.toml", "[client]\n" + client + kStage));
  }
  PipelineConfig load(const std::string& client) {
    auto config = try_load(client);
    EXPECT_TRUE(config.ok()) << config.error().message;
    return config.ok() ? *config : PipelineConfig{};
  }
  std::string errors(const std::string& client) {
    auto config = try_load(client);
    EXPECT_FALSE(config.ok());
    return config.ok() ? "" : config.error().message;
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(ConfigClientTest, DefaultsToARateTraceReplayedWholeOpenLoop) {
  const PipelineConfig config = load("trace_path = \"rate.csv\"\n");
  EXPECT_EQ(config.client.trace_format, TraceFormat::kRate);
  EXPECT_EQ(config.client.mode, ClientMode::kOpen);
  EXPECT_EQ(config.client.time_scale, 1.0);
  EXPECT_EQ(config.client.start_s, 0.0);
  EXPECT_EQ(config.client.duration_s, 0.0);
  EXPECT_EQ(config.client.users, 1);
  EXPECT_EQ(config.client.think_ms, 0.0);
  EXPECT_FALSE(config.client.repeat);
}

TEST_F(ConfigClientTest, ReadsRepeatForEveryFormat) {
  EXPECT_TRUE(load("trace_path = \"rate.csv\"\nrepeat = true\n").client.repeat);
  EXPECT_TRUE(
      load("trace_path = \"llm.csv\"\ntrace_format = \"azure_llm\"\nduration_s = 10\nrepeat = true\n").client.repeat);
}

TEST_F(ConfigClientTest, ReadsEveryFormatAndTheWindow) {
  PipelineConfig config = load(
      "trace_path = \"requests.csv\"\ntrace_format = \"requests\"\ntime_scale = 0.5\nstart_s = 1\nduration_s = 2\n");
  EXPECT_EQ(config.client.trace_format, TraceFormat::kRequests);
  EXPECT_EQ(config.client.time_scale, 0.5);
  EXPECT_EQ(config.client.start_s, 1.0);
  EXPECT_EQ(config.client.duration_s, 2.0);
  config = load("trace_path = \"llm.csv\"\ntrace_format = \"azure_llm\"\n");
  EXPECT_EQ(config.client.trace_format, TraceFormat::kAzureLlm);
  config = load("trace_path = \"functions.csv\"\ntrace_format = \"azure_functions\"\ntrace_functions = \"top:1\"\n");
  EXPECT_EQ(config.client.trace_top_functions, 1);
  config = load("trace_path = \"functions.csv\"\ntrace_format = \"azure_functions\"\ntrace_functions = [\"f2\"]\n");
  EXPECT_EQ(config.client.trace_functions, std::vector<std::string>{"f2"});
}

TEST_F(ConfigClientTest, ReadsAClosedLoopWithoutATrace) {
  const PipelineConfig config = load("mode = \"closed\"\nusers = 12\nthink_ms = 2.5\n");
  EXPECT_EQ(config.client.mode, ClientMode::kClosed);
  EXPECT_EQ(config.client.users, 12);
  EXPECT_EQ(config.client.think_ms, 2.5);
  EXPECT_TRUE(config.client.trace_path.empty());
}

TEST_F(ConfigClientTest, WritesTheNewKeysSoThatTheyLoadBackEqual) {
  for (const std::string& client :
       {std::string(
            "trace_path = \"functions.csv\"\ntrace_format = \"azure_functions\"\ntrace_functions = [\"f1\", \"f2\"]\n"
            "time_scale = 0.25\nstart_s = 30\nduration_s = 60\nrepeat = true\n"),
        std::string(
            "trace_path = \"functions.csv\"\ntrace_format = \"azure_functions\"\ntrace_functions = \"top:2\"\n"),
        std::string("mode = \"closed\"\nusers = 3\nthink_ms = 1\n")}) {
    const PipelineConfig config = load(client);
    const fs::path again = write("again.toml", to_toml(config));
    auto reloaded = load_config(again);
    ASSERT_TRUE(reloaded.ok()) << reloaded.error().message << "\n" << to_toml(config);
    reloaded->source_path = config.source_path;
    EXPECT_EQ(*reloaded, config) << to_toml(config);
  }
}

TEST_F(ConfigClientTest, RefusesBadValuesOfTheNewKeys) {
  EXPECT_THAT(errors("trace_path = \"rate.csv\"\ntrace_format = \"csv\"\n"), HasSubstr("client.trace_format"));
  EXPECT_THAT(errors("trace_path = \"rate.csv\"\ntime_scale = 0\n"), HasSubstr("client.time_scale"));
  EXPECT_THAT(errors("trace_path = \"rate.csv\"\nstart_s = -1\n"), HasSubstr("client.start_s"));
  EXPECT_THAT(errors("mode = \"closed\"\nusers = 0\n"), HasSubstr("client.users"));
  EXPECT_THAT(errors("mode = \"closed\"\nthink_ms = -2\n"), HasSubstr("client.think_ms"));
  EXPECT_THAT(errors("mode = \"half\"\n"), HasSubstr("client.mode"));
  EXPECT_THAT(errors("trace_format = \"requests\"\n"), HasSubstr("client.trace_path"));
}

TEST_F(ConfigClientTest, RefusesKeysThatDoNotApplyToTheFormat) {
  EXPECT_THAT(errors("trace_path = \"rate.csv\"\ntrace_functions = \"top:3\"\n"),
              HasSubstr("client.trace_functions in"));
  EXPECT_THAT(
      errors("trace_path = \"functions.csv\"\ntrace_format = \"azure_functions\"\ntrace_functions = \"top:x\"\n"),
      HasSubstr("\"top:N\""));
  EXPECT_THAT(errors("trace_path = \"requests.csv\"\ntrace_format = \"requests\"\nrate_scale = 2\n"),
              HasSubstr("client.rate_scale in"));
}

TEST_F(ConfigClientTest, RefusesAMalformedTraceNamingItsFileLineAndColumn) {
  write("bad.csv", "time_s\n0.5\n1.0\n0.75\n");
  const std::string message = errors("trace_path = \"bad.csv\"\ntrace_format = \"requests\"\n");
  EXPECT_THAT(message, HasSubstr("client.trace_path in "));
  EXPECT_THAT(message, HasSubstr(path("bad.csv") + ":4:1: time_s '0.75'"));
  EXPECT_THAT(
      errors("trace_path = \"functions.csv\"\ntrace_format = \"azure_functions\"\ntrace_functions = [\"f7\"]\n"),
      HasSubstr("'f7', which is no HashFunction"));
  // A rate trace read as the requests it is not.
  EXPECT_THAT(errors("trace_path = \"rate.csv\"\ntrace_format = \"requests\"\n"), HasSubstr("rate.csv:1:8:"));
}

TEST_F(ConfigClientTest, SummarizesTheWorkloadInValidate) {
  const Validation closed =
      validate_config(write("closed.toml", std::string("[client]\nmode = \"closed\"\nusers = 4\n") + kStage));
  EXPECT_THAT(closed.summary, HasSubstr("closed loop of 4 users"));
  const Validation replay = validate_config(write(
      "replay.toml", "[client]\ntrace_path = \"requests.csv\"\ntrace_format = \"requests\"\n" + std::string(kStage)));
  EXPECT_THAT(replay.summary, HasSubstr("(requests) at its own times"));
}

}  // namespace
}  // namespace pipescale::engine

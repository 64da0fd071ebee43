#include <stdlib.h>
#include <unistd.h>

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

// The smallest valid config: a trace and one stage with an inline profile.
constexpr const char* kMinimal = R"([client]
trace_path = "trace.csv"

[[stages]]
profile = [{ batch_size = 1, latency_ms = 5.0 }, { batch_size = 4, latency_ms = 12.0 }]
)";

// Every key set to something other than its default.
constexpr const char* kFull = R"(# a full config
[run]
duration_s = 30
seed = 7
slo_ms = 150.5
transport = "grpc"
warmup_s = 5

[client]
trace_path = "traces/bursty.csv"
arrival = "gamma"
arrival_cv = 2.5
rate_scale = 1.5

[scheduler]
enabled = false
interval_ms = 250
headroom = 1.5
scale_down_delay_s = 20

[placement]
policy = "compact"
smt = "allow"
client = { cpus = "0", dedicated = true }
scheduler = { numa_node = 0 }

[simulate]
hop_delay_us = 59.5

[[stages]]
name = "detect"
profile_path = "profiles/detect.csv"
workers_min = 2
workers_max = 6
max_batch = 8
warmup_ms = 1500
numa_node = 1
cpus = "8, 2-5"
dedicated = true

[[stages]]
name = "classify"
profile = [{ batch_size = 1, latency_ms = 3 }, { batch_size = 2, latency_ms = 4.25 }]
)";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pipescale-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("trace.csv", "time_s,rate_rps\n0,100\n");
    write("traces/bursty.csv", "time_s,rate_rps\n0,50\n10,200\n");
    write("profiles/detect.csv", "batch_size,latency_ms\n1,4.0\n# measured on the test box\n2, 6.5\n8,15\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }
  ConfigReport read(const std::string& toml, const std::vector<std::string>& overrides = {}) {
    return read_config(write("pipeline.toml", toml), overrides);
  }
  PipelineConfig load(const std::string& toml, const std::vector<std::string>& overrides = {}) {
    Result<PipelineConfig> config = load_config(write("pipeline.toml", toml), overrides);
    EXPECT_TRUE(config.ok()) << config.error().message;
    return config.ok() ? config.value() : PipelineConfig{};
  }
  // Every error, one per line; fails the test if the config loaded.
  std::string errors(const std::string& toml, const std::vector<std::string>& overrides = {}) {
    Result<PipelineConfig> config = load_config(write("pipeline.toml", toml), overrides);
    EXPECT_FALSE(config.ok());
    return config.ok() ? "" : config.error().message;
  }
  [[nodiscard]] std::string file() const { return (dir_ / "pipeline.toml").string(); }

  fs::path dir_;
};

TEST_F(ConfigTest, LoadsAFullValidConfig) {
  const PipelineConfig config = load(kFull);
  EXPECT_EQ(config.run.duration_s, 30.0);
  EXPECT_EQ(config.run.seed, 7U);
  EXPECT_EQ(config.run.slo_ms, 150.5);
  EXPECT_EQ(config.run.transport, Transport::kGrpc);
  EXPECT_EQ(config.run.warmup_s, 5.0);
  EXPECT_EQ(config.client.trace_path, dir_ / "traces/bursty.csv");
  EXPECT_EQ(config.client.arrival, Arrival::kGamma);
  EXPECT_EQ(config.client.arrival_cv, 2.5);
  EXPECT_EQ(config.client.rate_scale, 1.5);
  EXPECT_EQ(config.simulate.hop_delay_us, 59.5);
  EXPECT_FALSE(config.scheduler.enabled);
  EXPECT_EQ(config.scheduler.interval_ms, 250.0);
  EXPECT_EQ(config.scheduler.headroom, 1.5);
  EXPECT_EQ(config.scheduler.scale_down_delay_s, 20.0);
  ASSERT_EQ(config.stages.size(), 2U);
  const StageConfig& detect = config.stages[0];
  EXPECT_EQ(detect.name, "detect");
  EXPECT_EQ(detect.profile_path, dir_ / "profiles/detect.csv");
  EXPECT_EQ(detect.profile, (std::vector<ProfilePoint>{{1, 4.0}, {2, 6.5}, {8, 15.0}}));
  EXPECT_EQ(detect.workers_min, 2);
  EXPECT_EQ(detect.workers_max, 6);
  EXPECT_EQ(detect.max_batch, 8);
  EXPECT_EQ(detect.warmup_ms, 1500.0);
  EXPECT_EQ(detect.placement.numa_node, 1);
  EXPECT_EQ(detect.placement.cpus, (std::vector<int>{2, 3, 4, 5, 8}));
  EXPECT_TRUE(detect.placement.dedicated);
  EXPECT_EQ(config.stages[1].placement, ProcessPlacementConfig{});
  EXPECT_EQ(config.placement.policy, PlacementPolicy::kCompact);
  EXPECT_EQ(config.placement.smt, SmtUse::kAllow);
  EXPECT_EQ(config.placement.client.cpus, std::vector<int>{0});
  EXPECT_TRUE(config.placement.client.dedicated);
  EXPECT_EQ(config.placement.scheduler.numa_node, 0);
  EXPECT_TRUE(config.stages[1].profile_path.empty());
  EXPECT_EQ(config.stages[1].profile, (std::vector<ProfilePoint>{{1, 3.0}, {2, 4.25}}));
  EXPECT_EQ(config.source_path, dir_ / "pipeline.toml");
}

TEST_F(ConfigTest, AppliesDefaultsWhenKeysAreAbsent) {
  const PipelineConfig config = load(kMinimal);
  EXPECT_EQ(config.run, RunConfig{});
  EXPECT_EQ(config.scheduler, SchedulerConfig{});
  EXPECT_EQ(config.placement, PlacementConfig{});
  EXPECT_EQ(config.client.arrival, Arrival::kPoisson);
  EXPECT_EQ(config.client.arrival_cv, 1.0);
  EXPECT_EQ(config.client.rate_scale, 1.0);
  EXPECT_EQ(config.simulate.hop_delay_us, 0.0);
  ASSERT_EQ(config.stages.size(), 1U);
  EXPECT_EQ(config.stages[0].name, "stage1");
  EXPECT_EQ(config.stages[0].workers_min, 1);
  EXPECT_EQ(config.stages[0].workers_max, 4);
  EXPECT_EQ(config.stages[0].max_batch, 4) << "defaults to the profile's largest batch size";
  EXPECT_EQ(config.stages[0].warmup_ms, 0.0);
}

TEST_F(ConfigTest, ResolvesRelativePathsAgainstTheConfigFilesFolder) {
  write("elsewhere/trace.csv", "time_s,rate_rps\n0,1\n");
  write("elsewhere/p.csv", "1,2\n");
  const fs::path config = write("configs/deep/pipeline.toml", R"([client]
trace_path = "../../elsewhere/trace.csv"
[[stages]]
profile_path = "../../elsewhere/p.csv"
)");
  Result<PipelineConfig> loaded = load_config(config);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->client.trace_path, dir_ / "elsewhere/trace.csv");
  EXPECT_EQ(loaded->stages[0].profile_path, dir_ / "elsewhere/p.csv");
}

TEST_F(ConfigTest, ReportsATomlSyntaxErrorWithFileLineAndColumn) {
  EXPECT_EQ(errors("[run]\nslo_ms = \n"), file() +
                                              ":2:10: TOML syntax error: Error while parsing key-value pair: "
                                              "expected value, saw '\\n'");
}

TEST_F(ConfigTest, ReportsAWrongTypeNamingKeyFileLineValueAndExpectation) {
  EXPECT_EQ(errors(std::string(kMinimal) + "[run]\nslo_ms = \"fast\"\n"),
            "run.slo_ms in " + file() +
                " line 7: expected a positive number of milliseconds, at most 3600000, "
                "got string \"fast\"");
}

TEST_F(ConfigTest, ReportsAnOutOfRangeValue) {
  EXPECT_THAT(errors(std::string(kMinimal) + "[scheduler]\nheadroom = 0.5\n"),
              HasSubstr("scheduler.headroom in " + file() + " line 7: expected a number from 1 to 100"));
  EXPECT_THAT(errors(std::string(kMinimal) + "[run]\nslo_ms = -5\n"), HasSubstr("got -5"));
  EXPECT_THAT(errors(std::string(kMinimal) + "[run]\nslo_ms = inf\n"), HasSubstr("got inf"));
}

TEST_F(ConfigTest, RefusesANegativeOrHugeSimulatedHopDelay) {
  EXPECT_THAT(errors(std::string(kMinimal) + "[simulate]\nhop_delay_us = -1\n"),
              HasSubstr("simulate.hop_delay_us in " + file() +
                        " line 7: expected a number of microseconds from 0 to 1000000 (0: messages cost nothing), "
                        "got -1"));
  EXPECT_THAT(errors(kMinimal, {"simulate.hop_delay_us=2e6"}), HasSubstr("simulate.hop_delay_us in --set"));
  EXPECT_EQ(load(kMinimal, {"simulate.hop_delay_us=0"}).simulate.hop_delay_us, 0.0);
}

TEST_F(ConfigTest, RefusesAFloatWhereAWholeNumberIsExpected) {
  EXPECT_THAT(errors(std::string(kMinimal) + "workers_max = 2.5\n"),
              HasSubstr("stages.1.workers_max in " + file() +
                        " line 6: expected a whole number of Workers "
                        "from 1 to 1024, got 2.5"));
}

TEST_F(ConfigTest, ReportsAnInvalidChoiceWithTheNearestValidOne) {
  EXPECT_THAT(errors(std::string(kMinimal) + "[run]\ntransport = \"grcp\"\n"),
              HasSubstr("run.transport in " + file() +
                        " line 7: expected one of \"shm\", \"grpc\", got string "
                        "\"grcp\", did you mean \"grpc\"?"));
}

TEST_F(ConfigTest, ReportsAnUnknownKeyWithTheNearestValidKey) {
  EXPECT_EQ(errors(std::string(kMinimal) + "[run]\nslo = 200\n"),
            "run.slo in " + file() + " line 7: unknown key, did you mean run.slo_ms?");
  EXPECT_THAT(errors(std::string(kMinimal) + "workrs_max = 2\n"), HasSubstr("stages.1.workrs_max in " + file() +
                                                                            " line 6: unknown key, did you mean "
                                                                            "stages.1.workers_max?"));
}

TEST_F(ConfigTest, ListsTheValidKeysWhenNoneIsClose) {
  EXPECT_THAT(errors(std::string(kMinimal) + "[scheduler]\ncolour = 1\n"),
              HasSubstr("unknown key, expected one of enabled, interval_ms, headroom, scale_down_delay_s"));
}

TEST_F(ConfigTest, ReportsAnUnknownSectionWithASuggestion) {
  EXPECT_EQ(errors(std::string(kMinimal) + "[schedular]\nenabled = false\n"),
            "schedular in " + file() + " line 6: unknown section, did you mean scheduler?");
}

TEST_F(ConfigTest, PointsAKeyInTheWrongSectionToTheSectionThatHasIt) {
  EXPECT_THAT(errors(std::string(kMinimal) + "[scheduler]\nseed = 3\n"),
              HasSubstr("scheduler.seed in " + file() + " line 7: unknown key, did you mean run.seed?"));
}

TEST_F(ConfigTest, RefusesAPlacementCpusListThatIsNotOne) {
  EXPECT_EQ(errors(std::string(kMinimal) + "cpus = \"4-2\"\n"),
            "stages.1.cpus in " + file() +
                " line 6: expected a list of PUs like \"2-5,8\" (or \"\" to let the planner choose); '4-2' is a "
                "reversed range, got string \"4-2\"");
  EXPECT_THAT(errors(std::string(kMinimal) + "[placement.client]\ncpus = 2.5\n"),
              HasSubstr("placement.client.cpus in " + file() + " line 7: expected a list of PUs"));
}

TEST_F(ConfigTest, TakesASinglePuWrittenAsANumber) {
  EXPECT_EQ(load(kMinimal, {"placement.client.cpus=3"}).placement.client.cpus, std::vector<int>{3});
}

TEST_F(ConfigTest, RefusesAPlacementChoiceOrNodeOutOfRange) {
  EXPECT_THAT(errors(std::string(kMinimal) + "[placement]\npolicy = \"sprad\"\n"),
              HasSubstr("placement.policy in " + file() + " line 7: expected one of \"spread\", \"compact\""));
  EXPECT_THAT(errors(std::string(kMinimal) + "numa_node = -2\n"),
              HasSubstr("stages.1.numa_node in " + file() + " line 6: expected a NUMA node number from 0 to 1023"));
  EXPECT_THAT(errors(std::string(kMinimal) + "[placement.client]\nnuma = 1\n"),
              HasSubstr("placement.client.numa in " + file() + " line 7: unknown key, did you mean"));
}

TEST_F(ConfigTest, ReportsAMissingTraceFileWithTheKeyAndTheResolvedPath) {
  EXPECT_EQ(errors("[client]\ntrace_path = \"traces/gone.csv\"\n[[stages]]\nprofile_path = \"profiles/detect.csv\"\n"),
            "client.trace_path in " + file() +
                " line 2: expected an existing trace file (CSV), got string "
                "\"traces/gone.csv\" (resolved to " +
                (dir_ / "traces/gone.csv").string() + "): no such file");
}

TEST_F(ConfigTest, ReportsAMissingProfileFileWithTheKeyAndTheResolvedPath) {
  EXPECT_THAT(errors("[client]\ntrace_path = \"trace.csv\"\n[[stages]]\nname = \"a\"\nprofile_path = \"p.csv\"\n"),
              HasSubstr("stages.a.profile_path in " + file() +
                        " line 5: expected an existing latency profile (CSV), "
                        "got string \"p.csv\" (resolved to " +
                        (dir_ / "p.csv").string() + "): no such file"));
}

TEST_F(ConfigTest, ReportsRequiredKeysThatAreMissing) {
  const std::string message = errors("[client]\narrival = \"uniform\"\n");
  EXPECT_THAT(message, HasSubstr("client.trace_path in " + file() +
                                 " line 1: missing, expected the path of the "
                                 "workload trace"));
  EXPECT_THAT(message, HasSubstr("stages in " + file() + ": missing, expected at least one [[stages]] table"));
  EXPECT_THAT(errors("[client]\ntrace_path = \"trace.csv\"\n[[stages]]\nname = \"a\"\n"),
              HasSubstr("stages.a.profile in " + file() + " line 3: missing, expected a latency profile"));
}

TEST_F(ConfigTest, RefusesAnEmptyStagesArray) {
  EXPECT_THAT(errors("stages = []\n[client]\ntrace_path = \"trace.csv\"\n"),
              HasSubstr("stages in " + file() + " line 1: expected at least one [[stages]] table, got an empty array"));
}

TEST_F(ConfigTest, RefusesDuplicateStageNames) {
  const std::string stage = "[[stages]]\nname = \"detect\"\nprofile_path = \"profiles/detect.csv\"\n";
  EXPECT_THAT(errors("[client]\ntrace_path = \"trace.csv\"\n" + stage + stage),
              HasSubstr("stages.2.name in " + file() +
                        " line 7: expected a name no other stage has, got string "
                        "\"detect\", which stage 1 also has"));
}

TEST_F(ConfigTest, RefusesAnInvalidStageName) {
  EXPECT_THAT(errors(std::string(kMinimal) + "name = \"2 fast\"\n"),
              HasSubstr("stages.1.name in " + file() + " line 6: expected a name of letters, digits"));
}

TEST_F(ConfigTest, RefusesWorkersMinAboveWorkersMax) {
  EXPECT_THAT(errors(std::string(kMinimal) + "workers_min = 3\nworkers_max = 2\n"),
              HasSubstr("stages.1.workers_min in " + file() + " line 6: expected at most workers_max (2), got 3"));
  EXPECT_THAT(errors(std::string(kMinimal) + "workers_min = 5\n"), HasSubstr("workers_max (4, its default), got 5"));
}

TEST_F(ConfigTest, RefusesAMaxBatchBelowOneOrBeyondTheProfile) {
  EXPECT_THAT(errors(std::string(kMinimal) + "max_batch = 0\n"),
              HasSubstr("stages.1.max_batch in " + file() +
                        " line 6: expected a whole number of requests from 1 "
                        "to 65536, got 0"));
  EXPECT_THAT(errors(std::string(kMinimal) + "max_batch = 16\n"),
              HasSubstr("expected at most the largest batch_size of the profile (4), got 16"));
}

TEST_F(ConfigTest, RefusesAProfileThatDoesNotStartAtOneOrDoesNotIncrease) {
  const std::string message = errors(R"([client]
trace_path = "trace.csv"
[[stages]]
profile = [{ batch_size = 2, latency_ms = 5.0 }, { batch_size = 2, latency_ms = 6.0 }]
)");
  EXPECT_THAT(message, HasSubstr("stages.1.profile.1 in " + file() + " line 4: expected the first batch_size to be 1"));
  EXPECT_THAT(message, HasSubstr("stages.1.profile.2 in " + file() +
                                 " line 4: expected batch sizes in increasing "
                                 "order, got 2 after 2"));
}

TEST_F(ConfigTest, RefusesAProfileWhoseLatencyFallsAsBatchesGrow) {
  write("falling.csv", "1,5\n2,4.5\n");
  EXPECT_THAT(errors("[client]\ntrace_path = \"trace.csv\"\n[[stages]]\nprofile_path = \"falling.csv\"\n"),
              HasSubstr("falling.csv:2: expected latency_ms not to fall as batches grow, got 4.5 at batch_size 2 "
                        "after 5 at 1"));
}

TEST_F(ConfigTest, ReportsBadProfileCsvRowsWithTheirLines) {
  const fs::path csv = write("bad.csv", "batch_size,latency_ms\n1,5\n2.5,6\n4,-1\n");
  const std::string toml = "[client]\ntrace_path = \"trace.csv\"\n[[stages]]\nprofile_path = \"bad.csv\"\n";
  const std::string prefix = "stages.1.profile_path in " + file() + " line 4: " + csv.string();
  const std::string message = errors(toml);
  EXPECT_THAT(message, HasSubstr(prefix + ":3: batch_size '2.5': expected a whole number of requests from 1 to 65536"));
  EXPECT_THAT(message, HasSubstr(prefix + ":4: latency_ms '-1': expected a positive number of milliseconds"));
  write("bad.csv", "1,5\ntwo,6\n");
  EXPECT_THAT(errors(toml), HasSubstr(prefix + ":2:1: batch_size 'two': expected a finite number"));
}

TEST_F(ConfigTest, RefusesBothProfileAndProfilePath) {
  EXPECT_EQ(errors(std::string(kMinimal) + "profile_path = \"profiles/detect.csv\"\n"),
            "stages.1.profile in " + file() +
                " line 5: expected either profile or profile_path, not both "
                "(profile_path is on line 6)");
}

TEST_F(ConfigTest, ReportsEveryErrorTogetherOnePerLineInFileOrder) {
  const std::string toml = R"([run]
slo_ms = "fast"
seed = -1
[client]
trace_path = "missing.csv"
rate_scal = 2
)";
  const ConfigReport report = read(toml);
  EXPECT_FALSE(report.config.has_value());
  std::vector<std::string> keys;
  for (const std::string& line : report.errors) keys.push_back(line.substr(0, line.find(" in ")));
  EXPECT_EQ(keys,
            (std::vector<std::string>{"run.slo_ms", "run.seed", "client.trace_path", "client.rate_scal", "stages"}));
  std::string joined;
  for (const std::string& line : report.errors) joined += (joined.empty() ? "" : "\n") + line;
  EXPECT_EQ(errors(toml), joined);
}

TEST_F(ConfigTest, ReportsAConfigFileThatDoesNotExist) {
  Result<PipelineConfig> config = load_config(dir_ / "nope.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("nope.toml: cannot read the config file: no such file"));
}

TEST_F(ConfigTest, AppliesSetOverridesBeforeValidation) {
  const PipelineConfig config =
      load(kFull, {"run.slo_ms=200", "scheduler.enabled=true", "client.rate_scale=3", "run.transport=shm",
                   "stages.2.workers_max=4", "stages.detect.max_batch = 2", "client.arrival=\"uniform\""});
  EXPECT_EQ(config.run.slo_ms, 200.0);
  EXPECT_TRUE(config.scheduler.enabled);
  EXPECT_EQ(config.client.rate_scale, 3.0);
  EXPECT_EQ(config.run.transport, Transport::kShm) << "a bare word is taken as a string";
  EXPECT_EQ(config.client.arrival, Arrival::kUniform);
  EXPECT_EQ(config.stages[1].workers_max, 4);
  EXPECT_EQ(config.stages[0].max_batch, 2);
}

TEST_F(ConfigTest, AddsKeysAndSectionsTheFileLeftOutWithSet) {
  const PipelineConfig config = load(kMinimal, {"run.duration_s=5", "stages.1.name=only"});
  EXPECT_EQ(config.run.duration_s, 5.0);
  EXPECT_EQ(config.stages[0].name, "only");
}

TEST_F(ConfigTest, ReportsASetOverrideOfTheWrongTypeNamingTheArgument) {
  EXPECT_EQ(errors(kMinimal, {"run.slo_ms=fast"}),
            "run.slo_ms in --set run.slo_ms=fast: expected a positive number of milliseconds, at most 3600000, got "
            "string \"fast\"");
}

TEST_F(ConfigTest, ReportsAnUnknownKeyInSetNamingTheArgument) {
  EXPECT_EQ(errors(kMinimal, {"run.slo=200"}), "run.slo in --set run.slo=200: unknown key, did you mean run.slo_ms?");
  EXPECT_EQ(errors(kMinimal, {"placment.policy=spread"}),
            "placment in --set placment.policy=spread: unknown section, did you mean placement?");
}

TEST_F(ConfigTest, ReportsASetOverrideThatCannotBeApplied) {
  EXPECT_EQ(errors(kMinimal, {"stages.detect.workers_max=4"}),
            "--set stages.detect.workers_max=4: stages has no item \"detect\": expected a position from 1 to 1");
  EXPECT_THAT(errors(kMinimal, {"run.slo_ms"}), HasSubstr("--set run.slo_ms: expected KEY=VALUE"));
  EXPECT_THAT(errors(kMinimal, {"run..slo_ms=1"}), HasSubstr("--set run..slo_ms=1: expected KEY=VALUE"));
}

TEST_F(ConfigTest, ResolvesAPathGivenWithSetAgainstTheWorkingDirectory) {
  const fs::path saved = fs::current_path();
  fs::current_path(dir_ / "traces");
  Result<PipelineConfig> config = load_config(write("pipeline.toml", kMinimal), {"client.trace_path=bursty.csv"});
  fs::current_path(saved);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->client.trace_path, dir_ / "traces/bursty.csv");
}

TEST_F(ConfigTest, WritesTheEffectiveConfigThatLoadsBackEqual) {
  const PipelineConfig first = load(kFull);
  const fs::path copy = write("results/config.toml", to_toml(first));
  Result<PipelineConfig> second = load_config(copy);
  ASSERT_TRUE(second.ok()) << second.error().message << "\n" << to_toml(first);
  second->source_path = first.source_path;  // the only field that names where it was read from
  EXPECT_EQ(second.value(), first);
}

TEST_F(ConfigTest, WritesEveryDefaultIntoTheEffectiveConfig) {
  const std::string toml = to_toml(load(kMinimal));
  for (const char* line : {"duration_s = 60.0",
                           "seed = 1",
                           "slo_ms = 200.0",
                           "transport = \"shm\"",
                           "warmup_s = 0.0",
                           "arrival = \"poisson\"",
                           "arrival_cv = 1.0",
                           "rate_scale = 1.0",
                           "repeat = false",
                           "enabled = true",
                           "interval_ms = 1000.0",
                           "headroom = 1.2",
                           "scale_down_delay_s = 10.0",
                           "name = \"stage1\"",
                           "workers_min = 1",
                           "workers_max = 4",
                           "max_batch = 4",
                           "warmup_ms = 0.0",
                           "policy = \"spread\"",
                           "smt = \"avoid\"",
                           "numa_node = -1",
                           "cpus = \"\"",
                           "dedicated = false",
                           "hop_delay_us = 0.0"}) {
    EXPECT_THAT(toml, HasSubstr(std::string("\n") + line + "\n"));
  }
}

TEST_F(ConfigTest, ValidateSummarizesAValidPipeline) {
  const Validation validation = validate_config(write("pipeline.toml", kFull));
  ASSERT_TRUE(validation.ok());
  EXPECT_THAT(validation.summary, HasSubstr("2 stages: detect (2 to 6 Workers, batches of up to 8, 4 to 15 ms per "
                                            "batch) -> classify (1 to 4 Workers"));
  EXPECT_THAT(validation.summary, HasSubstr("End-to-end SLO 150.5 ms."));
  EXPECT_THAT(validation.summary, HasSubstr("The Scheduler is off"));
}

TEST_F(ConfigTest, ValidateListsEveryProblem) {
  const Validation validation = validate_config(write("pipeline.toml", "[run]\nslo = 1\nseed = \"x\"\n"));
  EXPECT_FALSE(validation.ok());
  EXPECT_EQ(validation.errors.size(), 4U);  // slo, seed, the trace and the stages
  EXPECT_TRUE(validation.summary.empty());
}

}  // namespace
}  // namespace pipescale::engine

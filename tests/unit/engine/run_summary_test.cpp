#include "engine/runtime/run_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/scratch_dir.hpp"
#include "tests/unit/engine/summary_json_fixture.hpp"

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class RunSummaryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.ok()); }

  // Writes `summary` as RUN/summary.json and reads the folder back.
  Result<RunSummary> read_back(const nlohmann::ordered_json& summary) {
    test::write_summary(run_dir(), summary);
    return read_run_summary(run_dir());
  }
  [[nodiscard]] std::filesystem::path run_dir() const { return scratch_.path() / "run"; }
  [[nodiscard]] std::string summary_file() const { return (run_dir() / "summary.json").string(); }

 private:
  test::ScratchDir scratch_{"pipescale-summary"};
};

TEST_F(RunSummaryTest, ReadsEveryFieldOfAWellFormedFile) {
  auto summary = read_back(test::run_summary_json());

  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->mode, "run");
  EXPECT_EQ(summary->transport, "shm");
  EXPECT_TRUE(summary->scheduler_enabled);
  EXPECT_DOUBLE_EQ(summary->slo_ms, 250.0);
  EXPECT_DOUBLE_EQ(summary->duration_s, 60.0);
  EXPECT_EQ(summary->sent, 9000U);
  EXPECT_EQ(summary->completed, 8800U);
  EXPECT_EQ(summary->completed_within_slo, 8500U);
  EXPECT_EQ(summary->dropped, 150U);
  EXPECT_EQ(summary->failed, 50U);
  EXPECT_DOUBLE_EQ(summary->slo_attainment, 0.9444);
  EXPECT_DOUBLE_EQ(summary->latency_ms.p50, 40.5);
  EXPECT_DOUBLE_EQ(summary->latency_ms.p90, 90.25);
  EXPECT_DOUBLE_EQ(summary->latency_ms.p99, 210.5);
  EXPECT_DOUBLE_EQ(summary->latency_ms.p999, 260.0);
  EXPECT_DOUBLE_EQ(summary->latency_ms.max, 300.75);
  EXPECT_DOUBLE_EQ(summary->latency_ms.mean, 50.125);
  EXPECT_DOUBLE_EQ(summary->hop_overhead_us.p50, 3.2);
  EXPECT_DOUBLE_EQ(summary->hop_overhead_us.p99, 12.4);
  EXPECT_FALSE(summary->hop_delay_us.has_value());
  ASSERT_EQ(summary->stages.size(), 2U);
  EXPECT_EQ(summary->stages[0].name, "detect");
  EXPECT_EQ(summary->stages[0].dropped, 100U);
  EXPECT_THAT(summary->stages[0].drop_reasons,
              ElementsAre(Pair("deadline_unreachable", 60U), Pair("deadline_expired", 0U), Pair("queue_full", 40U),
                          Pair("shutting_down", 0U)));
  EXPECT_DOUBLE_EQ(summary->stages[0].worker_seconds, 120.5);
  EXPECT_EQ(summary->stages[1].name, "classify");
  EXPECT_EQ(summary->stages[1].dropped, 50U);
  EXPECT_THAT(summary->stages[1].drop_reasons,
              ElementsAre(Pair("deadline_unreachable", 45U), Pair("deadline_expired", 5U), Pair("queue_full", 0U),
                          Pair("shutting_down", 0U)));
  EXPECT_DOUBLE_EQ(summary->stages[1].worker_seconds, 60.25);
}

TEST_F(RunSummaryTest, KeepsTheStagesInFileOrderNotAlphabetical) {
  auto json = test::run_summary_json();
  json["drops_by_stage"] = {{"zeta", {{"total", 1}}}, {"alpha", {{"total", 2}}}};
  json["worker_seconds"] = {{"alpha", 1.0}, {"zeta", 2.0}};

  auto summary = read_back(json);

  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(summary->stages.size(), 2U);
  EXPECT_EQ(summary->stages[0].name, "zeta");
  EXPECT_DOUBLE_EQ(summary->stages[0].worker_seconds, 2.0);
  EXPECT_EQ(summary->stages[1].name, "alpha");
}

TEST_F(RunSummaryTest, ReadsTheModeAndHopDelayOfASimulatedRun) {
  auto json = test::run_summary_json();
  json["mode"] = "simulate";
  json["hop_delay_us"] = 7.5;

  auto summary = read_back(json);

  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->mode, "simulate");
  ASSERT_TRUE(summary->hop_delay_us.has_value());
  EXPECT_DOUBLE_EQ(*summary->hop_delay_us, 7.5);
}

TEST_F(RunSummaryTest, RefusesAModeOtherThanRunOrSimulate) {
  auto json = test::run_summary_json();
  json["mode"] = "replay";

  auto summary = read_back(json);

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, summary_file() + ": key 'mode': expected \"run\" or \"simulate\", got \"replay\"");
}

TEST_F(RunSummaryTest, SaysSoWhenTheFolderDoesNotExist) {
  auto summary = read_run_summary(run_dir() / "nowhere");

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, (run_dir() / "nowhere").string() + ": no such folder");
}

TEST_F(RunSummaryTest, SaysSoWhenTheFolderHasNoSummary) {
  test::write_text(run_dir() / "timeseries.csv", "second\n");

  auto summary = read_run_summary(run_dir());

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, run_dir().string() + ": no summary.json (is it a pipescale results folder?)");
}

TEST_F(RunSummaryTest, NamesAMissingKeyAndWhatWasExpected) {
  auto json = test::run_summary_json();
  json["latency_ms"].erase("p90");

  auto summary = read_back(json);

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message,
            summary_file() + ": key 'latency_ms.p90': expected a number, but the key is missing");
}

TEST_F(RunSummaryTest, NamesAStageMissingFromWorkerSeconds) {
  auto json = test::run_summary_json();
  json["worker_seconds"].erase("classify");

  auto summary = read_back(json);

  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.error().message, HasSubstr("key 'worker_seconds.classify': expected a number"));
}

TEST_F(RunSummaryTest, NamesAWronglyTypedKeyWithWhatWasExpectedAndFound) {
  auto json = test::run_summary_json();
  json["latency_ms"]["p99"] = "210.5";

  auto summary = read_back(json);

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, summary_file() + ": key 'latency_ms.p99': expected a number, got a string");
}

TEST_F(RunSummaryTest, RefusesACountThatIsNotAWholeNumber) {
  auto json = test::run_summary_json();
  json["drops_by_stage"]["classify"]["queue_full"] = -3;

  auto summary = read_back(json);

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, summary_file() +
                                         ": key 'drops_by_stage.classify.queue_full': expected a non-negative "
                                         "integer, got the number -3");
}

TEST_F(RunSummaryTest, GivesTheFileAndPositionOfInvalidJson) {
  test::write_text(run_dir() / "summary.json", "{\"sent\": 9000,, \"completed\": 1}\n");

  auto summary = read_run_summary(run_dir());

  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.error().message, HasSubstr(summary_file() + ": not valid JSON (byte 15): "));
  EXPECT_THAT(summary.error().message, HasSubstr("syntax error"));
}

TEST_F(RunSummaryTest, SaysSoWhenTheSummaryIsEmpty) {
  test::write_text(run_dir() / "summary.json", "");

  auto summary = read_run_summary(run_dir());

  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.error().message, HasSubstr(summary_file() + ": empty file"));
}

TEST_F(RunSummaryTest, RefusesADocumentThatIsNotAnObject) {
  test::write_text(run_dir() / "summary.json", "[1, 2]\n");

  auto summary = read_run_summary(run_dir());

  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, summary_file() + ": expected a JSON object, got an array");
}

}  // namespace
}  // namespace pipescale::engine

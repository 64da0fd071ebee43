// The Scheduler agent on a manual clock: each stage's FrontendInformation is answered with a
// BatchSize to that stage's Frontend, whose numbers are the policy's choice computed by hand:
// the largest b with L(b) + (b - 1) / rate <= budget, and ceil(rate * L(b) / b * headroom)
// Workers clamped to the stage's bounds (roles/scheduler/README.md). The Frontends are fakes.
#include "roles/scheduler/scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <optional>
#include <utility>
#include <vector>

#include "tests/unit/roles/agent_fixture.hpp"

namespace pipescale::roles {
namespace {

using ::testing::IsEmpty;
using namespace test;  // NOLINT(google-build-using-namespace): the fixture's vocabulary

constexpr std::int64_t kFar = 10'000 * kMs;

class SchedulerTest : public ::testing::Test {
 protected:
  ~SchedulerTest() override { world_.close(); }

  void make_scheduler(std::vector<SchedulerStage> stages, const SchedulerSettings& settings) {
    auto policy = SchedulerPolicy::create(std::move(stages), settings);
    ASSERT_TRUE(policy.ok());
    scheduler_.emplace(world_.clock, std::move(*policy), std::vector<services::FrontendStub*>{&link0_, &link1_},
                       *stats_);
    dispatcher_.emplace(*scheduler_);
    AgentWorld::listen(own_, "scheduler", *dispatcher_);
  }

  // The test as stage `stage`'s Frontend, reporting `rate_rps`.
  void report(std::uint16_t stage, double rate_rps) {
    ASSERT_EQ(to_scheduler_.send_frontend_information_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    return schema::CreateFrontendInformation(builder, stage, world_.clock.now_ns(), 100 * kMs, rate_rps,
                                                             0.0, 0, 1, 0, 0, 1, 0);
                  },
                  world_.clock.now_ns() + kFar, {}),
              StatusCode::kOk);
  }

  void run_for(std::int64_t delta_ns) { world_.run_until(*scheduler_, own_, world_.clock.now_ns() + delta_ns); }

  AgentWorld world_;
  ServedFrontend frontend0_{world_, "frontend0"};
  ServedFrontend frontend1_{world_, "frontend1"};
  SimTransport& own_ = world_.process("scheduler");
  services::FrontendStub link0_{AgentWorld::connect(own_, "frontend0")};
  services::FrontendStub link1_{AgentWorld::connect(own_, "frontend1")};
  StatsBlock<SchedulerStats> stats_;
  std::optional<Scheduler> scheduler_;
  std::optional<services::SchedulerDispatcher> dispatcher_;
  SimTransport& driver_ = world_.process("frontends");
  services::SchedulerStub to_scheduler_{AgentWorld::connect(driver_, "scheduler")};
};

// The worked example of roles/scheduler/README.md: SLO 200 ms, headroom 1.2, both stages at
// 400 rps. Stage A (budget 50 ms): b = 9, 400 * 26 ms / 9 * 1.2 = 1.39, so 2 Workers. Stage B
// (budget 150 ms): b = 19, 400 * 102 ms / 19 * 1.2 = 2.58, so 3 Workers.
TEST_F(SchedulerTest, SendsEachStagesFrontendTheBatchSizeAndWorkerCountForItsReportedRate) {
  SchedulerSettings settings;
  settings.slo_ns = 200 * kMs;
  settings.headroom = 1.2;
  make_scheduler({{profile_of({{1, 10.0}, {4, 16.0}, {16, 40.0}}), {1, 4}},
                  {profile_of({{1, 30.0}, {8, 58.0}, {32, 154.0}}), {1, 8}}},
                 settings);
  const std::int64_t reported = world_.clock.now_ns();
  report(0, 400.0);
  run_for(2 * kHop);
  ASSERT_EQ(frontend0_.handler.batch_sizes.size(), 1u);
  EXPECT_THAT(frontend1_.handler.batch_sizes, IsEmpty());
  const FakeFrontend::BatchSizeSeen& a = frontend0_.handler.batch_sizes[0];
  EXPECT_EQ(a.stage, 0u);
  EXPECT_EQ(a.batch_size, 9u);
  EXPECT_EQ(a.target_workers, 2u);
  EXPECT_EQ(a.stage_budget_ns, 50 * kMs);
  EXPECT_DOUBLE_EQ(a.estimated_rate_rps, 400.0);
  EXPECT_EQ(a.at_ns, reported + 2 * kHop);  // answered as the report arrives

  report(1, 400.0);
  run_for(2 * kHop);
  ASSERT_EQ(frontend1_.handler.batch_sizes.size(), 1u);
  const FakeFrontend::BatchSizeSeen& b = frontend1_.handler.batch_sizes[0];
  EXPECT_EQ(b.stage, 1u);
  EXPECT_EQ(b.batch_size, 19u);
  EXPECT_EQ(b.target_workers, 3u);
  EXPECT_EQ(b.stage_budget_ns, 150 * kMs);
  EXPECT_GT(b.decision_id, a.decision_id);
  EXPECT_EQ(frontend0_.handler.batch_sizes.size(), 1u);
}

// One profile, L(b) = 10 + 2 (b - 1) ms up to 8, split 50 / 50 of a 100 ms SLO, headroom 1.2.
//   250 rps (4 ms to fill a slot): 10 + 6 (b - 1) <= 50 gives b = 7, L(7) = 22 ms;
//     250 * 22 ms / 7 * 1.2 = 0.94, so 1 Worker, raised to the minimum of 2.
//   2000 rps (0.5 ms): every b up to the profile's 8 fits, L(8) = 24 ms;
//     2000 * 24 ms / 8 * 1.2 = 7.2, so 8 Workers, held to the maximum of 6.
TEST_F(SchedulerTest, ClampsTheWorkerCountToTheStagesBounds) {
  SchedulerSettings settings;
  settings.slo_ns = 100 * kMs;
  settings.headroom = 1.2;
  const LatencyProfile profile = profile_of({{1, 10.0}, {8, 24.0}});
  make_scheduler({{profile, {2, 6}}, {profile, {2, 6}}}, settings);

  report(0, 250.0);
  run_for(2 * kHop);
  report(0, 2000.0);
  run_for(2 * kHop);

  ASSERT_EQ(frontend0_.handler.batch_sizes.size(), 2u);
  EXPECT_EQ(frontend0_.handler.batch_sizes[0].batch_size, 7u);
  EXPECT_EQ(frontend0_.handler.batch_sizes[0].target_workers, 2u);
  EXPECT_EQ(frontend0_.handler.batch_sizes[1].batch_size, 8u);
  EXPECT_EQ(frontend0_.handler.batch_sizes[1].target_workers, 6u);
  EXPECT_EQ(stats_->decisions.get(), 2u);
}

}  // namespace
}  // namespace pipescale::roles

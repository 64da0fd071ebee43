// The Worker agent on a manual clock: its life cycle under Start and Stop orders (each change
// reported to its Frontend), the time a batch takes, where each finished request goes, and the
// queue it reports. Its Frontends and the Client are fakes that record what they receive.
#include "roles/worker/worker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <optional>
#include <vector>

#include "tests/unit/roles/agent_fixture.hpp"

namespace pipescale::roles {
namespace {

using ::testing::IsEmpty;
using namespace test;  // NOLINT(google-build-using-namespace): the fixture's vocabulary

constexpr std::int64_t kFar = 10'000 * kMs;
constexpr std::uint64_t kWorkerId = 7;
constexpr std::int64_t kWarmup = 5 * kMs;

class WorkerTest : public ::testing::Test {
 protected:
  ~WorkerTest() override { world_.close(); }

  // Stage 0 of 2 (requests go on to stage 1's Frontend), or the only stage (back to the Client).
  void make_worker(bool last_stage, LatencyModel model = small_profile(), std::uint64_t seed = 1) {
    WorkerSettings settings;
    settings.stage = 0;
    settings.stage_count = last_stage ? 1 : 2;
    settings.worker_id = kWorkerId;
    settings.warmup_ns = kWarmup;
    settings.latency_seed = seed;
    worker_.emplace(world_.clock, settings, std::move(model), frontend_link_, last_stage ? nullptr : &next_link_,
                    client_link_, *stats_);
    dispatcher_.emplace(*worker_);
    AgentWorld::listen(own_, "worker7", *dispatcher_);
  }

  // The test as the Frontend.
  void send_order(std::uint64_t order_id, schema::OrderKind kind) {
    ASSERT_EQ(to_worker_.send_order_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    return schema::CreateOrder(builder, order_id, kWorkerId, 0, kind, world_.clock.now_ns());
                  },
                  world_.clock.now_ns() + kFar,
                  [this](StatusCode status, const schema::OrderResponse* response) {
                    if (status == StatusCode::kOk) order_states_.push_back(response->state());
                  }),
              StatusCode::kOk);
  }
  // A batch of `size` requests, ids first_id...
  void send_batch(std::uint64_t batch_id, std::uint64_t first_id, int size) {
    ASSERT_EQ(to_worker_.send_batch_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    std::vector<flatbuffers::Offset<schema::Request>> requests;
                    for (int i = 0; i < size; ++i) {
                      const RequestRecord record =
                          request_record(first_id + static_cast<std::uint64_t>(i), 0, kStart + kFar, 0, 2);
                      requests.push_back(build_request(builder, record));
                    }
                    return schema::CreateBatch(builder, batch_id, 0, schema::BatchTrigger::Full,
                                               static_cast<std::uint32_t>(size), world_.clock.now_ns(),
                                               builder.CreateVector(requests));
                  },
                  world_.clock.now_ns() + kFar,
                  [this](StatusCode status, const schema::BatchResponse* response) {
                    if (status == StatusCode::kOk) batch_accepted_.push_back(response->accepted());
                  }),
              StatusCode::kOk);
  }
  // Start, and wait out the warm-up.
  void activate() {
    send_order(1, schema::OrderKind::Start);
    run_for(kHop + kWarmup + kHop);
    ASSERT_EQ(stats_->state.get(), static_cast<std::uint32_t>(WorkerState::kActive));
  }

  void run_until(std::int64_t t_ns) { world_.run_until(*worker_, own_, t_ns); }
  void run_for(std::int64_t delta_ns) { run_until(world_.clock.now_ns() + delta_ns); }
  std::vector<FakeFrontend::FeedbackSeen>& feedback() { return frontend_.handler.feedback; }

  AgentWorld world_;
  ServedFrontend frontend_{world_, "frontend0"};
  ServedFrontend next_stage_{world_, "frontend1"};
  ServedClient client_{world_, "client"};
  SimTransport& own_ = world_.process("worker7");
  services::FrontendStub frontend_link_{AgentWorld::connect(own_, "frontend0")};
  services::FrontendStub next_link_{AgentWorld::connect(own_, "frontend1")};
  services::ClientStub client_link_{AgentWorld::connect(own_, "client")};
  StatsBlock<WorkerStats> stats_;
  std::optional<Worker> worker_;
  std::optional<services::WorkerDispatcher> dispatcher_;
  SimTransport& driver_ = world_.process("driver");
  services::WorkerStub to_worker_{AgentWorld::connect(driver_, "worker7")};
  std::vector<schema::WorkerState> order_states_;
  std::vector<bool> batch_accepted_;
};

TEST_F(WorkerTest, WarmsUpOnStartAndTurnsActiveAfterTheWarmUpTellingItsFrontendEachTime) {
  make_worker(false);
  const std::int64_t ordered = world_.clock.now_ns();
  send_order(11, schema::OrderKind::Start);
  run_until(ordered + 2 * kHop);
  ASSERT_EQ(feedback().size(), 1u);
  EXPECT_EQ(feedback()[0].worker_id, kWorkerId);
  EXPECT_EQ(feedback()[0].previous, schema::WorkerState::Off);
  EXPECT_EQ(feedback()[0].state, schema::WorkerState::WarmingUp);
  EXPECT_EQ(feedback()[0].changed_ns, ordered + kHop);
  EXPECT_EQ(feedback()[0].order_id, 11u);
  EXPECT_EQ(order_states_, std::vector<schema::WorkerState>{schema::WorkerState::WarmingUp});

  run_until(ordered + kHop + kWarmup - 1);
  EXPECT_EQ(stats_->state.get(), static_cast<std::uint32_t>(WorkerState::kWarming));
  run_until(ordered + kHop + kWarmup + kHop);
  ASSERT_EQ(feedback().size(), 2u);
  EXPECT_EQ(feedback()[1].previous, schema::WorkerState::WarmingUp);
  EXPECT_EQ(feedback()[1].state, schema::WorkerState::Active);
  EXPECT_EQ(feedback()[1].changed_ns, ordered + kHop + kWarmup);
}

TEST_F(WorkerTest, DrainsOnStopWhileBusyAndTurnsOffWhenItsLastBatchEnds) {
  make_worker(false);
  activate();
  send_batch(1, 100, 4);  // L(4) = 16 ms
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  send_order(2, schema::OrderKind::Stop);
  run_for(2 * kHop);
  ASSERT_EQ(feedback().size(), 3u);
  EXPECT_EQ(feedback()[2].state, schema::WorkerState::Draining);
  EXPECT_EQ(feedback()[2].order_id, 2u);

  run_until(started + 16 * kMs - 1);
  EXPECT_EQ(stats_->state.get(), static_cast<std::uint32_t>(WorkerState::kDraining));
  run_until(started + 16 * kMs + kHop);
  ASSERT_EQ(feedback().size(), 4u);
  EXPECT_EQ(feedback()[3].previous, schema::WorkerState::Draining);
  EXPECT_EQ(feedback()[3].state, schema::WorkerState::Off);
  EXPECT_EQ(feedback()[3].changed_ns, started + 16 * kMs);
  EXPECT_EQ(next_stage_.handler.requests.size(), 4u);  // the drained batch still went on
}

TEST_F(WorkerTest, RefusesABatchWhileOff) {
  make_worker(false);
  send_batch(1, 100, 2);
  run_for(2 * kHop);
  EXPECT_EQ(batch_accepted_, std::vector<bool>{false});
  EXPECT_EQ(stats_->refused_batches.get(), 1u);
  run_for(100 * kMs);
  EXPECT_THAT(next_stage_.handler.requests, IsEmpty());
  EXPECT_THAT(client_.handler.requests, IsEmpty());
}

TEST_F(WorkerTest, TakesItsProfilesLatencyForABatchThenSendsEachRequestToTheNextStage) {
  make_worker(false);
  activate();
  send_batch(1, 100, 3);  // L(3) = 14 ms
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();

  run_until(started + 14 * kMs + kHop - 1);
  EXPECT_THAT(next_stage_.handler.requests, IsEmpty());
  run_until(started + 14 * kMs + kHop);
  ASSERT_EQ(next_stage_.handler.requests.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const ReceivedRequest& request = next_stage_.handler.requests[i];
    EXPECT_EQ(request.request_id, 100 + i);
    EXPECT_EQ(request.stage, 1u);
    EXPECT_EQ(request.outcome, schema::Outcome::InFlight);
    ASSERT_EQ(request.visits.size(), 2u);
    EXPECT_EQ(request.visits[0].timestamps().started_ns(), started);
    EXPECT_EQ(request.visits[0].timestamps().finished_ns(), started + 14 * kMs);
    EXPECT_EQ(request.visits[0].worker_id(), kWorkerId);
  }
  EXPECT_THAT(client_.handler.requests, IsEmpty());
  EXPECT_EQ(stats_->batches.get(), 1u);
  EXPECT_EQ(stats_->busy_ns.get(), 14 * kMs);
}

TEST_F(WorkerTest, ReturnsEachRequestToTheClientAsCompletedAfterTheLastStage) {
  make_worker(true);
  activate();
  send_batch(1, 100, 2);  // L(2) = 12 ms
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  run_until(started + 12 * kMs + kHop);

  ASSERT_EQ(client_.handler.requests.size(), 2u);
  for (const ReceivedRequest& request : client_.handler.requests) {
    EXPECT_EQ(request.outcome, schema::Outcome::Completed);
    EXPECT_EQ(request.outcome_stage, 0u);
    EXPECT_EQ(request.ended_ns, started + 12 * kMs);
  }
  EXPECT_THAT(next_stage_.handler.requests, IsEmpty());
}

// Two batches arrive together: the first runs 16 ms (L(4)), the second then runs 12 ms (L(2)).
TEST_F(WorkerTest, TellsItsFrontendItsQueueWhenEachBatchEnds) {
  make_worker(false);
  activate();
  send_batch(1, 100, 4);
  send_batch(2, 200, 2);
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  run_until(started + 28 * kMs + kHop);

  const std::vector<FakeFrontend::QueueSeen>& reports = frontend_.handler.queue_information;
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].worker_id, kWorkerId);
  EXPECT_EQ(reports[0].sampled_ns, started + 16 * kMs);
  EXPECT_EQ(reports[0].queue_length, 1u);
  EXPECT_EQ(reports[0].queued_requests, 2u);
  EXPECT_EQ(reports[0].busy_until_ns, started + 28 * kMs);
  EXPECT_EQ(reports[1].sampled_ns, started + 28 * kMs);
  EXPECT_EQ(reports[1].queue_length, 0u);
  EXPECT_EQ(reports[1].busy_until_ns, started + 28 * kMs);
}

TEST_F(WorkerTest, RecordsEachBatchsDrawnAndAchievedTimeAndTheirDifference) {
  make_worker(false);
  activate();
  send_batch(1, 100, 3);  // L(3) = 14 ms
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  run_until(started + 14 * kMs + kHop);
  worker_->publish(world_.clock.now_ns());

  LatencyHistogram drawn;
  LatencyHistogram achieved;
  LatencyHistogram error;
  stats_->drawn_bins.merge_into(drawn);
  stats_->achieved_bins.merge_into(achieved);
  stats_->execution_error_bins.merge_into(error);
  ASSERT_EQ(drawn.count(), 1u);
  EXPECT_EQ(drawn.max_ns(), 14 * kMs);
  EXPECT_EQ(achieved.max_ns(), 14 * kMs);
  ASSERT_EQ(error.count(), 1u);
  EXPECT_EQ(error.max_ns(), 0);  // a manual clock fires the timer exactly
}

TEST_F(WorkerTest, MultipliesABatchsDrawnTimeByASlowFactorAndIgnoresOneOutOfRange) {
  make_worker(false);
  SharedValue<std::uint32_t> factor_milli;
  worker_->attach_model_time_factor(factor_milli);
  activate();
  factor_milli.set(2500);  // x2.5: L(3) = 14 ms becomes 35 ms
  send_batch(1, 100, 3);
  run_for(kHop);
  const std::int64_t slowed = world_.clock.now_ns();
  run_until(slowed + 35 * kMs + kHop - 1);
  EXPECT_THAT(next_stage_.handler.requests, IsEmpty());
  run_until(slowed + 35 * kMs + kHop);
  ASSERT_EQ(next_stage_.handler.requests.size(), 3u);
  EXPECT_EQ(next_stage_.handler.requests[0].visits[0].timestamps().finished_ns(), slowed + 35 * kMs);

  factor_milli.set(5);  // below the 10 thousandths allowed: untrusted, so the time stays as drawn
  send_batch(2, 200, 3);
  run_for(kHop);
  const std::int64_t as_drawn = world_.clock.now_ns();
  run_until(as_drawn + 14 * kMs + kHop);
  ASSERT_EQ(next_stage_.handler.requests.size(), 6u);
  EXPECT_EQ(next_stage_.handler.requests[3].visits[0].timestamps().finished_ns(), as_drawn + 14 * kMs);
}

TEST_F(WorkerTest, TakesEachBatchsTimeFromItsSeededLatencyModel) {
  const auto lognormal = [] {
    return std::move(LatencyModel::lognormal(small_profile(), {{1, 20.0}, {16, 80.0}}, "p")).value();
  };
  LatencyModel same_stream = lognormal();
  same_stream.seed_stream(42);
  const std::int64_t first = same_stream.draw_ns(3);
  const std::int64_t second = same_stream.draw_ns(1);
  make_worker(false, lognormal(), 42);
  activate();
  send_batch(1, 100, 3);
  send_batch(2, 200, 1);
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  run_until(started + first + second + kHop);

  ASSERT_EQ(next_stage_.handler.requests.size(), 4u);
  EXPECT_EQ(next_stage_.handler.requests[0].visits[0].timestamps().finished_ns(), started + first);
  EXPECT_EQ(next_stage_.handler.requests[3].visits[0].timestamps().finished_ns(), started + first + second);
  EXPECT_NE(first, 14 * kMs);  // drawn, not the profile's median
  EXPECT_EQ(stats_->busy_ns.get(), first + second);
}

// The next stage's backlog, from its answers, goes to this stage's Frontend with the next report,
// less the time since it was heard; a peer's absurd value is bounded.
TEST_F(WorkerTest, PassesTheNextStagesBacklogToItsFrontendLessItsAge) {
  make_worker(false);
  activate();
  next_stage_.handler.backlog_ns = 30 * kMs;
  send_batch(1, 100, 1);
  send_batch(2, 200, 1);
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  run_until(started + 20 * kMs + kHop);

  const std::vector<FakeFrontend::QueueSeen>& reports = frontend_.handler.queue_information;
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].downstream_backlog_ns, 0);  // sent as the first batch ends, before any answer
  // The first request's answer came back at started + 10 ms + 2 hops; the report is at +20 ms.
  EXPECT_EQ(reports[1].downstream_backlog_ns, 30 * kMs - (10 * kMs - 2 * kHop));
}

TEST_F(WorkerTest, BoundsTheBacklogAPeerReports) {
  make_worker(false);
  activate();
  next_stage_.handler.backlog_ns = -5;
  send_batch(1, 100, 1);
  send_batch(2, 200, 1);
  run_for(kHop);
  const std::int64_t started = world_.clock.now_ns();
  run_until(started + 20 * kMs + kHop);

  ASSERT_EQ(frontend_.handler.queue_information.size(), 2u);
  EXPECT_EQ(frontend_.handler.queue_information[1].downstream_backlog_ns, 0);
}

}  // namespace
}  // namespace pipescale::roles

// The Frontend agent on a manual clock: what it cuts and when, what it drops, which Workers it
// orders on and off and sends batches to, and what it tells the Client and the Scheduler. Its
// Workers, Client and Scheduler are fakes that record what they receive.
#include "roles/frontend/frontend.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/roles/agent_fixture.hpp"

namespace pipescale::roles {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace test;  // NOLINT(google-build-using-namespace): the fixture's vocabulary

constexpr std::int64_t kFar = 10'000 * kMs;  // a deadline no test comes near

class FrontendTest : public ::testing::Test {
 protected:
  ~FrontendTest() override { world_.close(); }

  // Stage 1 of 3, with `worker_count` Workers: ids 1.., at "worker1"...
  void make_frontend(FrontendSettings settings, std::size_t worker_count) {
    settings.stage_count = 3;
    std::vector<services::WorkerStub*> worker_stubs;
    std::vector<std::uint64_t> worker_ids;
    for (std::size_t i = 0; i < worker_count; ++i) {
      const std::string endpoint = "worker" + std::to_string(i + 1);
      workers_.push_back(std::make_unique<ServedWorker>(world_, endpoint));
      worker_links_.push_back(std::make_unique<services::WorkerStub>(AgentWorld::connect(own_, endpoint)));
      worker_stubs.push_back(worker_links_.back().get());
      worker_ids.push_back(i + 1);
    }
    frontend_.emplace(world_.clock, settings, small_profile(), worker_stubs, worker_ids, client_link_, scheduler_link_,
                      *stats_);
    dispatcher_.emplace(*frontend_);
    AgentWorld::listen(own_, "frontend1", *dispatcher_);
  }

  // prepare(), then every Worker it started answers.
  void prepare() {
    frontend_->prepare(world_.clock.now_ns());
    run_for(2 * kHop);
    ASSERT_TRUE(frontend_->ready());
  }

  // The test as the previous stage: a request entering this stage now.
  void send_request(std::uint64_t id, std::int64_t deadline_ns) {
    const RequestRecord record = request_record(id, world_.clock.now_ns(), deadline_ns, kStage, 3);
    ASSERT_EQ(to_frontend_.send_request_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record); },
                  world_.clock.now_ns() + kFar, {}),
              StatusCode::kOk);
  }
  // The same, keeping the backlog_ns its answer carries in backlogs_.
  void send_request_noting_backlog(std::uint64_t id, std::int64_t deadline_ns) {
    const RequestRecord record = request_record(id, world_.clock.now_ns(), deadline_ns, kStage, 3);
    ASSERT_EQ(to_frontend_.send_request_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record); },
                  world_.clock.now_ns() + kFar,
                  [this](StatusCode code, const schema::Response* response) {
                    if (code == StatusCode::kOk) backlogs_.push_back(response->backlog_ns());
                  }),
              StatusCode::kOk);
  }
  // The test as Worker `worker_id`, passing on the next stage's backlog with an idle queue.
  void send_downstream_backlog(std::uint64_t worker_id, std::int64_t backlog_ns) {
    const std::int64_t now = world_.clock.now_ns();
    ASSERT_EQ(to_frontend_.send_queue_information_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    return schema::CreateQueueInformation(builder, worker_id, kStage, 0, 0, now, now, backlog_ns);
                  },
                  now + kFar, {}),
              StatusCode::kOk);
  }
  // The test as the Scheduler.
  void send_batch_size(std::uint64_t decision_id, std::uint32_t batch_size, std::uint32_t workers) {
    ASSERT_EQ(to_frontend_.send_batch_size_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    return schema::CreateBatchSize(builder, decision_id, kStage, batch_size, workers, 0.0, 0,
                                                   world_.clock.now_ns());
                  },
                  world_.clock.now_ns() + kFar, {}),
              StatusCode::kOk);
  }
  // The test as Worker `worker_id`, reporting its load.
  void send_queue_information(std::uint64_t worker_id, std::uint32_t queue_length, std::int64_t busy_until_ns) {
    ASSERT_EQ(to_frontend_.send_queue_information_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    return schema::CreateQueueInformation(builder, worker_id, kStage, queue_length, 0, busy_until_ns,
                                                          world_.clock.now_ns());
                  },
                  world_.clock.now_ns() + kFar, {}),
              StatusCode::kOk);
  }

  void run_until(std::int64_t t_ns) { world_.run_until(*frontend_, own_, t_ns); }
  void run_for(std::int64_t delta_ns) { run_until(world_.clock.now_ns() + delta_ns); }
  FakeWorker& worker(std::size_t i) { return workers_[i]->handler; }
  FakeClient& client() { return client_.handler; }

  static constexpr std::uint16_t kStage = 1;

  AgentWorld world_;
  ServedClient client_{world_, "client"};
  ServedScheduler scheduler_{world_, "scheduler"};
  std::vector<std::unique_ptr<ServedWorker>> workers_;
  SimTransport& own_ = world_.process("frontend1");
  services::ClientStub client_link_{AgentWorld::connect(own_, "client")};
  services::SchedulerStub scheduler_link_{AgentWorld::connect(own_, "scheduler")};
  std::vector<std::unique_ptr<services::WorkerStub>> worker_links_;
  StatsBlock<FrontendStats> stats_;
  std::optional<Frontend> frontend_;
  std::optional<services::FrontendDispatcher> dispatcher_;
  std::vector<std::int64_t> backlogs_;
  SimTransport& driver_ = world_.process("driver");
  services::FrontendStub to_frontend_{AgentWorld::connect(driver_, "frontend1")};
};

FrontendSettings settings_with(int initial_batch_size, int initial_workers) {
  FrontendSettings settings;
  settings.stage = 1;
  settings.initial_batch_size = initial_batch_size;
  settings.initial_workers = initial_workers;
  settings.report_interval_ns = 1'000 * kMs;
  settings.slack_ns = 1 * kMs;
  return settings;
}

TEST_F(FrontendTest, CutsABatchOfTheSchedulersSizeAsSoonAsThatManyAreQueued) {
  make_frontend(settings_with(16, 1), 1);
  prepare();
  send_batch_size(1, 3, 1);
  run_for(kHop);
  send_request(1, kStart + kFar);
  send_request(2, kStart + kFar);
  run_for(kHop);

  const std::int64_t third_sent = world_.clock.now_ns();
  send_request(3, kStart + kFar);
  run_until(third_sent + 2 * kHop - 1);  // the third has arrived; the batch is on its way
  EXPECT_THAT(worker(0).batches, IsEmpty());
  run_until(third_sent + 2 * kHop);

  ASSERT_EQ(worker(0).batches.size(), 1u);
  const FakeWorker::BatchSeen& batch = worker(0).batches[0];
  EXPECT_EQ(batch.cut_ns, third_sent + kHop);  // cut when the third arrived
  EXPECT_EQ(batch.trigger, schema::BatchTrigger::Full);
  EXPECT_EQ(batch.target_batch_size, 3u);
  ASSERT_EQ(batch.requests.size(), 3u);
  EXPECT_EQ(batch.requests[0].request_id, 1u);
  EXPECT_EQ(batch.requests[2].request_id, 3u);
}

// latest start = oldest deadline - later stages' budgets - slack - L(k): with k = 2 queued,
// L(2) = 12 ms, later budgets 30 ms and slack 1 ms, the cut falls 43 ms before the oldest deadline.
TEST_F(FrontendTest, CutsASmallerBatchAtTheLatestStartOfItsOldestRequestAndNotBefore) {
  FrontendSettings settings = settings_with(16, 1);
  settings.later_budgets_ns = 30 * kMs;
  make_frontend(settings, 1);
  prepare();
  const std::int64_t oldest_deadline = world_.clock.now_ns() + 100 * kMs;
  send_request(1, oldest_deadline);
  send_request(2, oldest_deadline + 20 * kMs);
  const std::int64_t latest_start = oldest_deadline - 30 * kMs - 1 * kMs - 12 * kMs;

  run_until(latest_start - 1);
  EXPECT_EQ(stats_->batches.get(), 0u);
  run_until(latest_start);
  EXPECT_EQ(stats_->batches.get(), 1u);
  run_until(latest_start + kHop);

  ASSERT_EQ(worker(0).batches.size(), 1u);
  const FakeWorker::BatchSeen& batch = worker(0).batches[0];
  EXPECT_EQ(batch.cut_ns, latest_start);
  EXPECT_EQ(batch.trigger, schema::BatchTrigger::Deadline);
  ASSERT_EQ(batch.requests.size(), 2u);
  EXPECT_EQ(batch.requests[0].visits[kStage].timestamps().batched_ns(), latest_start);
}

// Dropped when now + L(1) + the later stages' fastest latencies > deadline: here L(1) = 10 ms and
// the stage after this one takes 5 ms at least, so 15 ms are needed. The request with exactly
// 15 ms left is kept, and batched (batches of one here).
TEST_F(FrontendTest, DropsARequestThatCanNoLongerMeetItsDeadlineBackToTheClientAsUnreachable) {
  FrontendSettings settings = settings_with(1, 1);
  settings.path.later_stages_fastest_ns = 5 * kMs;
  make_frontend(settings, 1);
  prepare();
  const std::int64_t arrives = world_.clock.now_ns() + kHop;
  send_request(1, arrives + 15 * kMs - 1);
  send_request(2, arrives + 15 * kMs);
  run_until(arrives + kHop);

  ASSERT_EQ(client().requests.size(), 1u);
  const ReceivedRequest& dropped = client().requests[0];
  EXPECT_EQ(dropped.request_id, 1u);
  EXPECT_EQ(dropped.outcome, schema::Outcome::Dropped);
  EXPECT_EQ(dropped.outcome_stage, kStage);
  EXPECT_EQ(dropped.drop_reason, schema::DropReason::DeadlineUnreachable);
  EXPECT_EQ(dropped.ended_ns, arrives);
  EXPECT_EQ(dropped.at_ns, arrives + kHop);  // straight back, not after a batch
  EXPECT_EQ(stats_->drops[static_cast<std::size_t>(schema::DropReason::DeadlineUnreachable)].get(), 1u);
  ASSERT_EQ(worker(0).batches.size(), 1u);
  EXPECT_EQ(worker(0).batches[0].requests[0].request_id, 2u);
}

TEST_F(FrontendTest, DropsARequestWhoseDeadlineHasPassedBackToTheClientAsExpired) {
  make_frontend(settings_with(16, 1), 1);
  prepare();
  const std::int64_t arrives = world_.clock.now_ns() + kHop;
  send_request(1, arrives - 1);
  run_until(arrives + kHop);

  ASSERT_EQ(client().requests.size(), 1u);
  EXPECT_EQ(client().requests[0].outcome, schema::Outcome::Dropped);
  EXPECT_EQ(client().requests[0].outcome_stage, kStage);
  EXPECT_EQ(client().requests[0].drop_reason, schema::DropReason::DeadlineExpired);
  EXPECT_THAT(worker(0).batches, IsEmpty());
}

TEST_F(FrontendTest, StartsWorkersUpToTheSchedulersTargetAndStopsTheExtraOnesWhenItFalls) {
  make_frontend(settings_with(4, 1), 4);
  prepare();
  EXPECT_THAT(worker(0).order_kinds(), ElementsAre(schema::OrderKind::Start));
  EXPECT_THAT(worker(1).orders, IsEmpty());

  send_batch_size(1, 4, 3);
  run_for(3 * kHop);
  EXPECT_THAT(worker(1).order_kinds(), ElementsAre(schema::OrderKind::Start));
  EXPECT_THAT(worker(2).order_kinds(), ElementsAre(schema::OrderKind::Start));
  EXPECT_THAT(worker(3).orders, IsEmpty());
  EXPECT_EQ(frontend_->count_workers(WorkerState::kActive), 3);

  send_batch_size(2, 4, 1);
  run_for(3 * kHop);
  EXPECT_THAT(worker(0).order_kinds(), ElementsAre(schema::OrderKind::Start));  // the low index stays on
  EXPECT_THAT(worker(1).order_kinds(), ElementsAre(schema::OrderKind::Start, schema::OrderKind::Stop));
  EXPECT_THAT(worker(2).order_kinds(), ElementsAre(schema::OrderKind::Start, schema::OrderKind::Stop));
  EXPECT_THAT(worker(3).orders, IsEmpty());
  EXPECT_EQ(frontend_->count_workers(WorkerState::kActive), 1);
}

// Worker 2 is free first, then worker 3, then worker 1. A batch of 4 keeps worker 2 busy 16 ms
// more and fills it (two batches held), so the next batch goes to worker 3.
TEST_F(FrontendTest, SendsEachBatchToTheLeastLoadedActiveWorker) {
  make_frontend(settings_with(4, 3), 3);
  prepare();
  const std::int64_t now = world_.clock.now_ns();
  send_queue_information(1, 1, now + 30 * kMs);
  send_queue_information(2, 1, now + 10 * kMs);
  send_queue_information(3, 1, now + 20 * kMs);
  run_for(kHop);

  for (std::uint64_t id = 1; id <= 8; ++id) send_request(id, kStart + kFar);
  run_for(2 * kHop);

  EXPECT_THAT(worker(0).batches, IsEmpty());
  ASSERT_EQ(worker(1).batches.size(), 1u);
  EXPECT_EQ(worker(1).batches[0].requests[0].request_id, 1u);
  ASSERT_EQ(worker(2).batches.size(), 1u);
  EXPECT_EQ(worker(2).batches[0].requests[0].request_id, 5u);
}

// A report sampled after two batches left and before the Worker had them reads 0 (as one can over
// gRPC, where calls are not kept in order): the Frontend still sends no third batch until an
// answer comes back, so the Worker never holds more than it can take.
TEST_F(FrontendTest, SendsAWorkerNoFurtherBatchWhileItsBoundOfBatchesIsUnansweredWhateverAReportSays) {
  make_frontend(settings_with(1, 1), 1);  // max_batches_per_worker = 2
  prepare();
  const std::int64_t sent = world_.clock.now_ns();
  for (std::uint64_t id = 1; id <= 6; ++id) send_request(id, kStart + kFar);
  run_until(sent + kHop);  // arrived: batches 1 and 2 cut and sent, each answered 2 hops later
  send_queue_information(1, 0, world_.clock.now_ns());
  run_until(sent + 3 * kHop + kHop / 2);  // the report applied at +2 hops, the answers back at +3

  EXPECT_EQ(worker(0).batches.size(), 2u);
  run_for(20 * kHop);
  ASSERT_EQ(worker(0).batches.size(), 6u);  // then one per answer, none refused or lost
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(worker(0).batches[i].requests[0].request_id, i + 1);
  EXPECT_THAT(client().requests, IsEmpty());
}

TEST_F(FrontendTest, ReportsItsLoadToTheSchedulerAtEachInterval) {
  FrontendSettings settings = settings_with(16, 1);
  settings.report_interval_ns = 100 * kMs;
  make_frontend(settings, 1);
  const std::int64_t prepared = world_.clock.now_ns();
  prepare();
  for (std::uint64_t id = 1; id <= 5; ++id) send_request(id, kStart + kFar);

  run_until(prepared + 100 * kMs + kHop - 1);
  EXPECT_THAT(scheduler_.handler.information, IsEmpty());
  run_until(prepared + 100 * kMs + kHop);
  ASSERT_EQ(scheduler_.handler.information.size(), 1u);
  const FakeScheduler::InformationSeen& first = scheduler_.handler.information[0];
  EXPECT_EQ(first.stage, kStage);
  EXPECT_EQ(first.sampled_ns, prepared + 100 * kMs);
  EXPECT_EQ(first.window_ns, 100 * kMs);
  EXPECT_DOUBLE_EQ(first.input_rate_rps, 50.0);  // 5 arrivals in 0.1 s
  EXPECT_EQ(first.queue_length, 5u);
  EXPECT_EQ(first.active_workers, 1u);
  EXPECT_EQ(first.batch_size, 16u);

  run_until(prepared + 200 * kMs + kHop);
  ASSERT_EQ(scheduler_.handler.information.size(), 2u);
  EXPECT_EQ(scheduler_.handler.information[1].sampled_ns, prepared + 200 * kMs);
  EXPECT_DOUBLE_EQ(scheduler_.handler.information[1].input_rate_rps, 0.0);
}

TEST_F(FrontendTest, DropsWhatIsQueuedBackToTheClientOnShutdown) {
  make_frontend(settings_with(16, 1), 1);
  prepare();
  for (std::uint64_t id = 1; id <= 3; ++id) send_request(id, kStart + kFar);
  run_for(kHop);

  const std::int64_t stopping = world_.clock.now_ns();
  frontend_->shutdown(stopping);
  run_for(kHop);

  ASSERT_EQ(client().requests.size(), 3u);
  for (const ReceivedRequest& request : client().requests) {
    EXPECT_EQ(request.outcome, schema::Outcome::Dropped);
    EXPECT_EQ(request.outcome_stage, kStage);
    EXPECT_EQ(request.drop_reason, schema::DropReason::ShuttingDown);
    EXPECT_EQ(request.ended_ns, stopping);
  }
  EXPECT_THAT(worker(0).batches, IsEmpty());
  EXPECT_EQ(stats_->queue_length.get(), 0);
}

// The drop rule counts the queue (roles/frontend/README.md): batches of one on one Worker taking
// L(1) = 10 ms, three requests ahead, so the fourth starts 30 ms after it arrives and ends at 40 ms;
// with the next stage's 5 ms it needs 45 ms. The start-now rule would keep it (10 + 5 <= 45).
TEST_F(FrontendTest, DropsAnArrivalThatTheRequestsQueuedAheadOfItWouldMakeLate) {
  FrontendSettings settings = settings_with(1, 1);
  settings.path.later_stages_fastest_ns = 5 * kMs;
  make_frontend(settings, 1);
  prepare();
  const std::int64_t arrives = world_.clock.now_ns() + kHop;
  for (std::uint64_t id = 1; id <= 3; ++id) send_request(id, kStart + kFar);
  send_request(4, arrives + 45 * kMs - 1);
  send_request(5, arrives + 45 * kMs);
  run_until(arrives + kHop);

  ASSERT_EQ(client().requests.size(), 1u);
  EXPECT_EQ(client().requests[0].request_id, 4u);
  EXPECT_EQ(client().requests[0].drop_reason, schema::DropReason::DeadlineUnreachable);
  EXPECT_EQ(client().requests[0].ended_ns, arrives);
}

TEST_F(FrontendTest, KeepsWhatTheQueueMakesLateUnderTheStartNowRule) {
  FrontendSettings settings = settings_with(1, 1);
  settings.path.later_stages_fastest_ns = 5 * kMs;
  settings.drop = "start_now";
  make_frontend(settings, 1);
  prepare();
  const std::int64_t arrives = world_.clock.now_ns() + kHop;
  for (std::uint64_t id = 1; id <= 3; ++id) send_request(id, kStart + kFar);
  send_request(4, arrives + 45 * kMs - 1);
  run_until(arrives + kHop);

  EXPECT_THAT(client().requests, IsEmpty());
}

// Each answer tells the sender what a request arriving then faces beyond this stage's L(1): batches
// of one on one Worker, so the n-th arrival waits (n - 1) * 10 ms.
TEST_F(FrontendTest, AnswersEachRequestWithTheBacklogAheadOfIt) {
  make_frontend(settings_with(1, 1), 1);
  prepare();
  for (std::uint64_t id = 1; id <= 3; ++id) send_request_noting_backlog(id, kStart + kFar);
  run_for(2 * kHop);

  EXPECT_THAT(backlogs_, ElementsAre(0, 10 * kMs, 20 * kMs));
}

// A Worker passes on the next stage's backlog; it counts in the drop rule, less its age. Reported
// 30 ms at t0, it is 30 ms - kHop when the requests arrive: L(1) 10 ms + 5 ms + that is needed.
TEST_F(FrontendTest, DropsWhatTheLaterStagesReportedBacklogWouldMakeLate) {
  FrontendSettings settings = settings_with(1, 1);
  settings.path.later_stages_fastest_ns = 5 * kMs;
  make_frontend(settings, 1);
  prepare();
  const std::int64_t arrives = world_.clock.now_ns() + kHop;
  send_downstream_backlog(1, 30 * kMs);
  send_request(1, arrives + 45 * kMs - kHop - 1);
  send_request(2, arrives + 45 * kMs - kHop);
  run_until(arrives + kHop);

  ASSERT_EQ(client().requests.size(), 1u);
  EXPECT_EQ(client().requests[0].request_id, 1u);
  EXPECT_EQ(client().requests[0].drop_reason, schema::DropReason::DeadlineUnreachable);
}

TEST_F(FrontendTest, ForgetsAReportedBacklogOnceItHasHadTimeToDrain) {
  FrontendSettings settings = settings_with(1, 1);
  settings.path.later_stages_fastest_ns = 5 * kMs;
  make_frontend(settings, 1);
  prepare();
  send_downstream_backlog(1, 30 * kMs);
  run_for(30 * kMs);
  const std::int64_t arrives = world_.clock.now_ns() + kHop;
  send_request(1, arrives + 15 * kMs);
  run_until(arrives + kHop);

  EXPECT_THAT(client().requests, IsEmpty());
  ASSERT_EQ(worker(0).batches.size(), 1u);
}

// "aimd" under a backlog: 60 queued at once, a Worker busy 30 ms per batch, a 20 ms budget. Every
// head waits longer than the budget, yet the Frontend hands the policy each batch's processing
// time L(size) (10, 12, 14, 16, 18, 20, 22 ms for 1..7), so the size grows to 7, the first over
// the budget, backs off to floor(7 * 0.9) = 6 and probes 7 again; it never falls back to 1.
TEST_F(FrontendTest, GrowsTheAimdBatchUnderABacklogOnEachBatchsProcessingTime) {
  FrontendSettings settings = settings_with(16, 1);
  settings.batching = "aimd";
  settings.budget_ns = 20 * kMs;
  settings.drop = "never";
  make_frontend(settings, 1);
  prepare();
  worker(0).batch_latency_ns = 30 * kMs;
  for (std::uint64_t id = 1; id <= 60; ++id) send_request(id, kStart + kFar);
  run_for(100 * kMs);

  std::vector<std::size_t> sizes;
  for (const FakeWorker::BatchSeen& batch : worker(0).batches) sizes.push_back(batch.requests.size());
  ASSERT_GE(sizes.size(), 9u);
  sizes.resize(9);
  EXPECT_THAT(sizes, ElementsAre(1u, 2u, 3u, 4u, 5u, 6u, 7u, 6u, 7u));
}

}  // namespace
}  // namespace pipescale::roles

namespace pipescale::roles {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture's vocabulary

class FrontendRecoveryTest : public FrontendTest {
 protected:
  // Worker 1 least loaded (so it gets the next batch) and lost: it answers SendBatch UNAVAILABLE.
  void lose_worker_one() {
    const std::int64_t now = world_.clock.now_ns();
    send_queue_information(1, 0, now);
    send_queue_information(2, 1, now + 30 * kMs);
    run_for(kHop);
    worker(0).fail_batches_with = StatusCode::kUnavailable;
  }
  // The test as a replacement Worker `worker_id` announcing itself: feedback "off".
  void announce(std::uint64_t worker_id) {
    const std::int64_t now = world_.clock.now_ns();
    ASSERT_EQ(to_frontend_.send_feedback_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) {
                    return schema::CreateFeedback(builder, worker_id, kStage, schema::WorkerState::Off,
                                                  schema::WorkerState::Off, now, 0);
                  },
                  now + kFar, {}),
              StatusCode::kOk);
  }
};

TEST_F(FrontendRecoveryTest, ReDispatchesALostWorkersUnansweredBatchToAnotherWorker) {
  make_frontend(settings_with(1, 2), 2);
  prepare();
  lose_worker_one();
  send_request(7, kStart + kFar);
  run_for(10 * kHop);

  ASSERT_EQ(worker(0).batches.size(), 1u);
  EXPECT_EQ(worker(0).batches[0].requests[0].request_id, 7u);
  ASSERT_EQ(worker(1).batches.size(), 1u);
  EXPECT_EQ(worker(1).batches[0].requests[0].request_id, 7u);
  EXPECT_THAT(client().requests, IsEmpty());  // nothing failed back to the Client
  EXPECT_EQ(stats_->reissued_requests.get(), 1u);
  EXPECT_EQ(stats_->dispatch_failures.get(), 1u);
}

TEST_F(FrontendRecoveryTest, SendsALostWorkerNothingMoreUntilItsReplacementAnnouncesItself) {
  make_frontend(settings_with(1, 2), 2);
  prepare();
  lose_worker_one();
  send_request(7, kStart + kFar);
  run_for(10 * kHop);
  const std::size_t orders_before = worker(0).orders.size();
  for (std::uint64_t id = 8; id <= 10; ++id) send_request(id, kStart + kFar);
  run_for(10 * kHop);
  EXPECT_EQ(worker(0).batches.size(), 1u);  // only the one it lost
  EXPECT_EQ(worker(0).orders.size(), orders_before);

  worker(0).fail_batches_with.reset();
  announce(1);
  run_for(10 * kHop);
  ASSERT_EQ(worker(0).orders.size(), orders_before + 1);
  EXPECT_EQ(worker(0).orders.back().kind, schema::OrderKind::Start);  // the stage's target is 2
}

TEST_F(FrontendRecoveryTest, AReplacementFrontendResumesAtItsPredecessorsBatchSizeAndWorkerCount) {
  make_frontend(settings_with(1, 1), 3);
  frontend_->resume(4, 3);
  prepare();
  run_for(10 * kHop);
  EXPECT_EQ(frontend_->count_workers(WorkerState::kActive), 3);
  for (std::uint64_t id = 1; id <= 4; ++id) send_request(id, kStart + kFar);
  run_for(2 * kHop);
  std::size_t batches = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    for (const auto& batch : worker(i).batches) {
      ++batches;
      EXPECT_EQ(batch.requests.size(), 4u);
    }
  }
  EXPECT_EQ(batches, 1u);
}

}  // namespace
}  // namespace pipescale::roles

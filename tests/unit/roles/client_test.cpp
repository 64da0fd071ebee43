// The Client agent on a manual clock: it sends at the trace's times and accounts for every
// request exactly once, however it comes back (or does not). The first stage's Frontend is a fake
// that records what it receives; the test plays the rest of the pipeline, returning outcomes.
#include "roles/client/client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <optional>
#include <vector>

#include "roles/client/trace/workload_trace.hpp"
#include "tests/unit/roles/agent_fixture.hpp"

namespace pipescale::roles {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture's vocabulary

constexpr std::int64_t kFar = 10'000 * kMs;
constexpr std::int64_t kSlo = 100 * kMs;
constexpr std::int64_t kDrain = 200 * kMs;
constexpr std::int64_t kTraceNs = 50 * kMs;  // 100 rps, evenly spaced: five requests, 10 ms apart
constexpr std::size_t kRequests = 5;

ArrivalProcess uniform_arrivals() {
  auto trace = WorkloadTrace::from_points({{0.0, 100.0}}, "test", 0.05);
  EXPECT_TRUE(trace.ok());
  ArrivalOptions options;
  options.kind = ArrivalKind::kUniform;
  options.seed = 5;
  return std::move(ArrivalProcess::create(*trace, options)).value();
}

// The trace's send times, from a twin of the Client's arrival process.
std::vector<std::int64_t> intended_times() {
  ArrivalProcess twin = uniform_arrivals();
  std::vector<std::int64_t> times;
  while (const auto t = twin.next_ns()) times.push_back(kStart + *t);
  return times;
}

std::size_t reason(schema::DropReason value) { return static_cast<std::size_t>(value); }

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() {
    ClientSettings settings;
    settings.stage_count = 2;
    settings.slo_ns = kSlo;
    settings.drain_timeout_ns = kDrain;
    client_.emplace(world_.clock, settings, uniform_arrivals(), first_link_, *stats_);
    dispatcher_.emplace(*client_);
    AgentWorld::listen(own_, "client", *dispatcher_);
  }
  ~ClientTest() override { world_.close(); }

  // Starts the trace now and runs until every request has been sent and has reached the Frontend.
  void send_all() {
    client_->start(kStart, kStart + kTraceNs);
    run_until(kStart + kTraceNs + kHop);
  }
  // The test as the pipeline: request `sent` comes back to the Client with `outcome`.
  void give_back(const ReceivedRequest& sent, schema::Outcome outcome, std::uint16_t stage = 1,
                 schema::DropReason drop_reason = schema::DropReason::None, std::uint16_t failure_status = 0) {
    RequestRecord record = request_record(sent.request_id, sent.intended_send_ns, sent.deadline_ns, stage, 2);
    record.actual_send_ns = sent.actual_send_ns;
    const Outcome ended{outcome, stage, drop_reason, failure_status, world_.clock.now_ns()};
    ASSERT_EQ(to_client_.send_request_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record, ended); },
                  world_.clock.now_ns() + kFar, {}),
              StatusCode::kOk);
  }
  void give_back_id(std::uint64_t id) {
    ReceivedRequest unknown;
    unknown.request_id = id;
    give_back(unknown, schema::Outcome::Completed);
  }

  void run_until(std::int64_t t_ns) { world_.run_until(*client_, own_, t_ns); }
  void run_for(std::int64_t delta_ns) { run_until(world_.clock.now_ns() + delta_ns); }
  [[nodiscard]] const std::vector<ReceivedRequest>& sent() const { return first_.handler.requests; }
  [[nodiscard]] std::uint64_t accounted() {
    return stats_->completed.get() + stats_->dropped.get() + stats_->failed.get();
  }

  AgentWorld world_;
  ServedFrontend first_{world_, "frontend0"};
  SimTransport& own_ = world_.process("client");
  services::FrontendStub first_link_{AgentWorld::connect(own_, "frontend0")};
  StatsBlock<ClientStats> stats_;
  std::optional<Client> client_;
  std::optional<services::ClientDispatcher> dispatcher_;
  SimTransport& driver_ = world_.process("pipeline");
  services::ClientStub to_client_{AgentWorld::connect(driver_, "client")};
};

TEST_F(ClientTest, SendsEachRequestAtItsIntendedTimeFromTheTrace) {
  const std::vector<std::int64_t> times = intended_times();
  ASSERT_EQ(times.size(), kRequests);
  for (std::size_t i = 1; i < times.size(); ++i) {
    const std::int64_t interval = times[i] - times[i - 1];
    EXPECT_TRUE(interval >= 10 * kMs - 1 && interval <= 10 * kMs + 1) << interval;  // rounded to ns
  }

  client_->start(kStart, kStart + kTraceNs);
  for (std::size_t i = 0; i < times.size(); ++i) {
    run_until(times[i] - 1);
    EXPECT_EQ(stats_->sent.get(), i) << "request " << i << " went early";
    run_until(times[i]);
    EXPECT_EQ(stats_->sent.get(), i + 1) << "request " << i << " went late";
  }
  run_until(kStart + kTraceNs + kHop);

  ASSERT_EQ(sent().size(), kRequests);
  for (std::size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(sent()[i].request_id, i);
    EXPECT_EQ(sent()[i].intended_send_ns, times[i]);
    EXPECT_EQ(sent()[i].actual_send_ns, times[i]);
    EXPECT_EQ(sent()[i].deadline_ns, times[i] + kSlo);
    EXPECT_EQ(sent()[i].at_ns, times[i] + kHop);
  }
  EXPECT_EQ(stats_->sent.get(), kRequests);
  EXPECT_EQ(stats_->late_sends.get(), 0u);
}

// Latency runs from the intended send time: back exactly at the SLO meets it, 1 ns later does not.
TEST_F(ClientTest, CountsACompletionWithinItsSloApartFromALateOne) {
  send_all();
  run_until(sent()[0].intended_send_ns + kSlo - kHop);
  give_back(sent()[0], schema::Outcome::Completed);
  run_until(sent()[1].intended_send_ns + kSlo + 1 - kHop);
  give_back(sent()[1], schema::Outcome::Completed);
  run_for(kHop);

  EXPECT_EQ(stats_->completed.get(), 2u);
  EXPECT_EQ(stats_->within_slo.get(), 1u);
  EXPECT_EQ(stats_->dropped.get(), 0u);
  EXPECT_EQ(stats_->failed.get(), 0u);
  EXPECT_EQ(client_->outstanding(), kRequests - 2);
}

TEST_F(ClientTest, CountsADropByTheStageAndReasonItComesBackWith) {
  send_all();
  give_back(sent()[2], schema::Outcome::Dropped, 1, schema::DropReason::DeadlineUnreachable);
  run_for(kHop);

  EXPECT_EQ(stats_->dropped.get(), 1u);
  EXPECT_EQ(stats_->drops[1][reason(schema::DropReason::DeadlineUnreachable)].get(), 1u);
  EXPECT_EQ(stats_->drops[0][reason(schema::DropReason::DeadlineUnreachable)].get(), 0u);
  EXPECT_EQ(stats_->completed.get() + stats_->failed.get(), 0u);
  EXPECT_EQ(client_->outstanding(), kRequests - 1);
}

TEST_F(ClientTest, CountsAFailureByTheStageItComesBackWith) {
  send_all();
  give_back(sent()[3], schema::Outcome::Failed, 1, schema::DropReason::None,
            static_cast<std::uint16_t>(StatusCode::kUnavailable));
  run_for(kHop);

  EXPECT_EQ(stats_->failed.get(), 1u);
  EXPECT_EQ(stats_->failures[1].get(), 1u);
  EXPECT_EQ(stats_->failures[0].get(), 0u);
  EXPECT_EQ(stats_->completed.get() + stats_->dropped.get(), 0u);
  EXPECT_EQ(client_->outstanding(), kRequests - 1);
}

TEST_F(ClientTest, CountsAnUnknownOrRepeatedIdInUnknownReturnsAndNeverTwice) {
  send_all();
  give_back(sent()[0], schema::Outcome::Completed);
  give_back(sent()[0], schema::Outcome::Dropped, 1, schema::DropReason::DeadlineExpired);
  give_back_id(99);
  run_for(kHop);

  EXPECT_EQ(stats_->unknown_returns.get(), 2u);
  EXPECT_EQ(stats_->completed.get(), 1u);
  EXPECT_EQ(stats_->dropped.get(), 0u);
  EXPECT_EQ(client_->outstanding(), kRequests - 1);
}

TEST_F(ClientTest, CountsARequestWhoseFirstHopFailsAsFailedAtTheFirstStage) {
  first_.handler.fail_requests_with = StatusCode::kResourceExhausted;
  send_all();
  run_for(kHop);

  EXPECT_EQ(stats_->sent.get(), kRequests);
  EXPECT_EQ(stats_->failed.get(), kRequests);
  EXPECT_EQ(stats_->failures[0].get(), kRequests);
  EXPECT_EQ(client_->outstanding(), 0u);
}

TEST_F(ClientTest, LeavesARequestWhoseFirstHopTimedOutOutstandingSoThatItEndsOnce) {
  // The Frontend may yet take it (its outcome then comes back) or not (the drain counts it).
  first_.handler.fail_requests_with = StatusCode::kDeadlineExceeded;
  send_all();
  run_for(kHop);

  EXPECT_EQ(stats_->sent.get(), kRequests);
  EXPECT_EQ(stats_->failed.get(), 0u);
  EXPECT_EQ(client_->outstanding(), kRequests);
}

TEST_F(ClientTest, CountsARequestTheFirstStageRefusesAsDroppedThereWithItsReason) {
  first_.handler.refuse_requests_with = schema::DropReason::QueueFull;
  send_all();
  run_for(kHop);

  EXPECT_EQ(stats_->dropped.get(), kRequests);
  EXPECT_EQ(stats_->drops[0][reason(schema::DropReason::QueueFull)].get(), kRequests);
  EXPECT_EQ(client_->outstanding(), 0u);
}

TEST_F(ClientTest, AccountsForEveryRequestExactlyOnceAndThenIsFinished) {
  send_all();
  give_back(sent()[0], schema::Outcome::Completed);
  give_back(sent()[1], schema::Outcome::Dropped, 0, schema::DropReason::DeadlineExpired);
  give_back(sent()[2], schema::Outcome::Failed, 1, schema::DropReason::None,
            static_cast<std::uint16_t>(StatusCode::kDeadlineExceeded));
  give_back(sent()[3], schema::Outcome::Completed);
  EXPECT_FALSE(client_->finished(world_.clock.now_ns()));
  give_back(sent()[4], schema::Outcome::Completed);
  give_back(sent()[4], schema::Outcome::Completed);
  run_for(kHop);

  EXPECT_EQ(stats_->sent.get(), kRequests);
  EXPECT_EQ(accounted(), kRequests);
  EXPECT_EQ(stats_->unknown_returns.get(), 1u);
  EXPECT_EQ(stats_->outstanding.get(), 0);
  EXPECT_TRUE(client_->finished(world_.clock.now_ns()));
}

// Sending ends with the last request (the next one would fall past the trace); the drain timeout
// runs from there.
TEST_F(ClientTest, FinishesAfterTheDrainTimeoutAndCountsWhatNeverCameBackAsFailed) {
  const std::int64_t sending_ended = kStart + kTraceNs;  // the run's end, not the last send
  send_all();
  give_back(sent()[0], schema::Outcome::Completed);
  give_back(sent()[1], schema::Outcome::Completed);
  run_until(sending_ended + kDrain - 1);
  EXPECT_FALSE(client_->finished(world_.clock.now_ns()));
  run_until(sending_ended + kDrain);
  ASSERT_TRUE(client_->finished(world_.clock.now_ns()));

  client_->finish(world_.clock.now_ns());
  EXPECT_EQ(stats_->completed.get(), 2u);
  EXPECT_EQ(stats_->failed.get(), 3u);
  EXPECT_EQ(stats_->failures_unreturned.get(), 3u);
  EXPECT_EQ(accounted(), kRequests);
  EXPECT_EQ(stats_->outstanding.get(), 0);
}

TEST_F(ClientTest, KeepsTheRunGoingUntilItsEndWhenTheTraceEndsSooner) {
  constexpr std::int64_t kRunNs = 10 * kTraceNs;  // the trace's five requests, then nothing
  client_->start(kStart, kStart + kRunNs);
  run_until(kStart + kTraceNs + kHop);
  ASSERT_EQ(sent().size(), kRequests);
  for (const auto& request : sent()) give_back(request, schema::Outcome::Completed);
  run_until(kStart + kRunNs - 1);
  EXPECT_FALSE(client_->finished(world_.clock.now_ns()));
  run_until(kStart + kRunNs);
  EXPECT_TRUE(client_->finished(world_.clock.now_ns()));
  EXPECT_EQ(sent().size(), kRequests);
  EXPECT_EQ(stats_->completed.get(), kRequests);
}

}  // namespace
}  // namespace pipescale::roles

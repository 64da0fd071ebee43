// The Client replaying a trace of requests (each at its own time, with its tokens) and as a closed
// loop of users (each sends again when its request comes back), on a manual clock; the test plays
// the pipeline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <optional>
#include <vector>

#include "roles/client/client.hpp"
#include "tests/unit/roles/agent_fixture.hpp"

namespace pipescale::roles {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the fixture's vocabulary

constexpr std::int64_t kFar = 10'000 * kMs;
constexpr std::int64_t kSlo = 100 * kMs;

class ClientModesTest : public ::testing::Test {
 protected:
  ~ClientModesTest() override { world_.close(); }

  void make(const ClientSettings& settings, RequestSource source) {
    ClientSettings with = settings;
    with.stage_count = 1;
    with.slo_ns = kSlo;
    with.drain_timeout_ns = 200 * kMs;
    client_.emplace(world_.clock, with, std::move(source), first_link_, *stats_);
    dispatcher_.emplace(*client_);
    AgentWorld::listen(own_, "client", *dispatcher_);
  }
  // The test as the last stage: request `sent` completes now.
  void complete(const ReceivedRequest& sent) {
    RequestRecord record = request_record(sent.request_id, sent.intended_send_ns, sent.deadline_ns, 0, 1);
    record.actual_send_ns = sent.actual_send_ns;
    const Outcome ended{schema::Outcome::Completed, 0, schema::DropReason::None, 0, world_.clock.now_ns()};
    ASSERT_EQ(to_client_.send_request_async(
                  [&](flatbuffers::FlatBufferBuilder& builder) { return build_request(builder, record, ended); },
                  world_.clock.now_ns() + kFar, {}),
              StatusCode::kOk);
  }
  void run_until(std::int64_t t_ns) { world_.run_until(*client_, own_, t_ns); }
  [[nodiscard]] const std::vector<ReceivedRequest>& sent() const { return first_.handler.requests; }

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

TEST_F(ClientModesTest, ReplaysARequestTraceAtItsOwnTimesAndKeepsEachRequestsTokens) {
  RequestTrace trace;
  trace.times_ns = {0, 3 * kMs, 3 * kMs, 40 * kMs};
  trace.tokens = {{100, 1}, {200, 2}, {300, 3}, {400, 4}};
  make({}, RequestSource(trace));
  client_->start(kStart, kStart + 30 * kMs);  // the run ends before the last request
  run_until(kStart + 50 * kMs);

  ASSERT_EQ(sent().size(), 3u);
  EXPECT_EQ(sent()[0].intended_send_ns, kStart);
  EXPECT_EQ(sent()[1].intended_send_ns, kStart + 3 * kMs);
  EXPECT_EQ(sent()[2].intended_send_ns, kStart + 3 * kMs);
  EXPECT_EQ(stats_->sent.get(), 3u);
  EXPECT_EQ(client_->tokens(2), (TokenCounts{300, 3}));
  EXPECT_FALSE(client_->tokens(4).has_value());
}

TEST_F(ClientModesTest, KeepsEveryClosedLoopUserToOneRequestInFlight) {
  ClientSettings settings;
  settings.closed_users = 2;
  make(settings, RequestSource::none());
  client_->start(kStart, kStart + 100 * kMs);
  run_until(kStart + 20 * kMs);
  ASSERT_EQ(sent().size(), 2u);  // both users at once, then nothing until one returns
  EXPECT_EQ(sent()[0].intended_send_ns, kStart);
  EXPECT_EQ(sent()[1].intended_send_ns, kStart);

  complete(sent()[1]);  // arrives at +20 ms + a hop; its user sends again at once
  run_until(kStart + 30 * kMs);
  ASSERT_EQ(sent().size(), 3u);
  const std::int64_t back = kStart + 20 * kMs + kHop;
  // Latency is measured from the actual send: the intended time is the send itself.
  EXPECT_EQ(sent()[2].intended_send_ns, back);
  EXPECT_EQ(sent()[2].actual_send_ns, back);
  EXPECT_EQ(sent()[2].deadline_ns, back + kSlo);
  EXPECT_EQ(stats_->completed.get(), 1u);
  EXPECT_EQ(client_->outstanding(), 2u);
}

TEST_F(ClientModesTest, StopsSendingInClosedLoopAtTheEnd) {
  ClientSettings settings;
  settings.closed_users = 1;
  make(settings, RequestSource::none());
  client_->start(kStart, kStart + 10 * kMs);
  run_until(kStart + 12 * kMs);
  complete(sent()[0]);
  run_until(kStart + 20 * kMs);
  EXPECT_EQ(sent().size(), 1u);  // its return came after the end: no second request
  EXPECT_TRUE(client_->finished(world_.clock.now_ns()));
}

TEST_F(ClientModesTest, WaitsAThinkTimeBeforeAClosedLoopUserSendsAgain) {
  ClientSettings settings;
  settings.closed_users = 1;
  settings.think_mean_ns = 5 * kMs;
  settings.think_seed = 3;
  make(settings, RequestSource::none());
  client_->start(kStart, kStart + 1000 * kMs);
  run_until(kStart + 100 * kMs);
  ASSERT_EQ(sent().size(), 1u);
  EXPECT_GT(sent()[0].intended_send_ns, kStart);  // even the first send follows a think time
  complete(sent()[0]);
  run_until(kStart + 100 * kMs + kHop);
  EXPECT_EQ(sent().size(), 1u);  // not at once
  run_until(kStart + 500 * kMs);
  ASSERT_EQ(sent().size(), 2u);  // an exponential think time with mean 5 ms is over by 400 ms
  EXPECT_GT(sent()[1].intended_send_ns, kStart + 100 * kMs + kHop);
}

}  // namespace
}  // namespace pipescale::roles

// The simulator's transport keeps the Channel and Dispatcher contracts of the rings and gRPC, in
// virtual time: a message sent at t is handled at t + hop delay, a reply comes back one delay
// later, completions fire once, from poll(), with the statuses the other transports give.
#include "engine/simulate/sim_transport.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

#include "base/clock/clock.hpp"
#include "services/stubs.hpp"
#include "tests/unit/services/service_fixtures.hpp"

namespace pipescale::test {
namespace {

using engine::SimNetwork;
using engine::SimTransport;
using ipc::StatusCode;

constexpr std::int64_t kStart = 1'000'000'000;
constexpr std::int64_t kDelay = 5'000;  // 5 us per message
constexpr std::int64_t kDeadline = kStart + 1'000'000;

struct Outcome {
  std::optional<StatusCode> status;
  std::int64_t at_ns = 0;
  std::uint64_t request_id = 0;
  bool accepted = false;
};

class SimTransportTest : public ::testing::Test {
 protected:
  SimTransportTest() {
    EXPECT_TRUE(server_.serve(frontend_dispatcher_).ok());
    EXPECT_TRUE(server_.listen("frontend0").ok());
    auto channel = client_.connect("frontend0");
    EXPECT_TRUE(channel.ok());
    stub_.emplace(**channel);
  }

  // Sends FrontendRpc::SendRequest for `id` now; the outcome lands in `outcome`.
  StatusCode send(std::uint64_t id, Outcome& outcome, std::int64_t deadline = kDeadline) {
    return stub_->send_request_async([id](Builder& b) { return build_request(b, id); }, deadline,
                                     [this, &outcome](StatusCode status, const schema::Response* response) {
                                       outcome.status = status;
                                       outcome.at_ns = clock_.now_ns();
                                       if (response != nullptr) {
                                         outcome.request_id = response->request_id();
                                         outcome.accepted = response->accepted();
                                       }
                                     });
  }

  // Moves the clock event by event, polling both sides, until nothing is left before `until`.
  void run_until(std::int64_t until) {
    for (;;) {
      client_.poll(clock_.now_ns());
      server_.poll(clock_.now_ns());
      std::int64_t next = 0;
      for (const SimTransport* side : {&client_, &server_}) {
        const std::int64_t t = side->next_timer_ns();
        if (t != 0 && (next == 0 || t < next)) next = t;
      }
      if (next == 0 || next > until) return;
      clock_.set_ns(std::max(next, clock_.now_ns()));
    }
  }

  ManualClock clock_{kStart};
  TestHandlers handlers_;
  services::FrontendDispatcher frontend_dispatcher_{handlers_};
  SimNetwork network_{clock_, kDelay};
  SimTransport& server_ = network_.add_transport("frontend0");
  SimTransport& client_ = network_.add_transport("client");
  std::optional<services::FrontendStub> stub_;
};

TEST_F(SimTransportTest, DeliversTheRequestAfterOneDelayAndTheReplyAfterTwo) {
  Outcome outcome;
  ASSERT_EQ(send(7, outcome), StatusCode::kOk);
  EXPECT_EQ(client_.pending_calls(), 1u);
  EXPECT_FALSE(server_.has_work());
  EXPECT_EQ(server_.next_timer_ns(), kStart + kDelay);
  EXPECT_EQ(server_.poll(kStart + kDelay - 1), 0u);  // not yet delivered

  clock_.set_ns(kStart + kDelay);
  EXPECT_TRUE(server_.has_work());
  EXPECT_EQ(server_.poll(clock_.now_ns()), 1u);
  EXPECT_FALSE(outcome.status.has_value());  // the reply is on its way
  EXPECT_EQ(client_.next_timer_ns(), kStart + 2 * kDelay);

  clock_.set_ns(kStart + 2 * kDelay);
  EXPECT_EQ(client_.poll(clock_.now_ns()), 1u);
  ASSERT_TRUE(outcome.status.has_value());
  EXPECT_EQ(*outcome.status, StatusCode::kOk);
  EXPECT_EQ(outcome.at_ns, kStart + 2 * kDelay);
  EXPECT_EQ(outcome.request_id, 7u);
  EXPECT_TRUE(outcome.accepted);
  EXPECT_EQ(client_.pending_calls(), 0u);
  EXPECT_EQ(network_.counters().requests, 1u);
  EXPECT_EQ(network_.counters().replies, 1u);
}

TEST_F(SimTransportTest, HandlesMessagesOfOneInstantInSendOrder) {
  std::vector<Outcome> outcomes(5);
  for (std::uint64_t id = 1; id <= 5; ++id) ASSERT_EQ(send(id, outcomes[id - 1]), StatusCode::kOk);
  std::vector<std::uint64_t> order;
  run_until(kStart + 10 * kDelay);
  for (const Outcome& outcome : outcomes) {
    ASSERT_TRUE(outcome.status.has_value());
    EXPECT_EQ(outcome.at_ns, kStart + 2 * kDelay);
    order.push_back(outcome.request_id);
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  // The handler's own answers: ids divisible by 3 are refused.
  EXPECT_FALSE(outcomes[2].accepted);
  EXPECT_TRUE(outcomes[3].accepted);
}

TEST_F(SimTransportTest, GivesTheHandlersStatusToTheCaller) {
  Outcome failed, silent;
  ASSERT_EQ(send(kFailBase + static_cast<std::uint64_t>(StatusCode::kResourceExhausted), failed), StatusCode::kOk);
  ASSERT_EQ(send(kSilent, silent), StatusCode::kOk);
  run_until(kDeadline - 1);
  ASSERT_TRUE(failed.status.has_value());
  EXPECT_EQ(*failed.status, StatusCode::kResourceExhausted);
  ASSERT_TRUE(silent.status.has_value());
  EXPECT_EQ(*silent.status, StatusCode::kInternal);  // neither answered nor deferred
}

TEST_F(SimTransportTest, CompletesACallStillPendingAtItsDeadlineAsDeadlineExceeded) {
  Outcome outcome;
  ASSERT_EQ(send(kDeferForever, outcome), StatusCode::kOk);
  run_until(kDeadline - 1);
  EXPECT_FALSE(outcome.status.has_value());
  EXPECT_EQ(client_.next_timer_ns(), kDeadline);
  run_until(kDeadline);
  ASSERT_TRUE(outcome.status.has_value());
  EXPECT_EQ(*outcome.status, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcome.at_ns, kDeadline);
  EXPECT_EQ(network_.counters().deadline_exceeded, 1u);
  EXPECT_EQ(client_.next_timer_ns(), 0);  // nothing left to wait for
}

TEST_F(SimTransportTest, RefusesACallWhoseDeadlineHasPassed) {
  Outcome outcome;
  EXPECT_EQ(send(7, outcome, kStart), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(client_.pending_calls(), 0u);
  EXPECT_EQ(network_.counters().requests, 0u);
}

TEST_F(SimTransportTest, AnEndpointNobodyListensOnIsUnavailable) {
  auto channel = client_.connect("frontend9");
  ASSERT_TRUE(channel.ok());
  services::FrontendStub stub(**channel);
  const StatusCode status = stub.send_request_async([](Builder& b) { return build_request(b, 1); }, kDeadline,
                                                    [](StatusCode, const schema::Response*) {});
  EXPECT_EQ(status, StatusCode::kUnavailable);
}

TEST_F(SimTransportTest, AMethodTheServerDoesNotServeIsUnimplemented) {
  auto channel = client_.connect("frontend0");
  ASSERT_TRUE(channel.ok());
  services::WorkerStub worker(**channel);
  std::optional<StatusCode> status;
  ASSERT_EQ(worker.send_order_async([](Builder& b) { return build_order(b, 3, schema::OrderKind::Start); }, kDeadline,
                                    [&status](StatusCode s, const schema::OrderResponse*) { status = s; }),
            StatusCode::kOk);
  run_until(kDeadline - 1);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, StatusCode::kUnimplemented);
}

TEST_F(SimTransportTest, RefusesSynchronousCallsWhichWouldStopVirtualTime) {
  EXPECT_EQ(stub_->send_request([](Builder& b) { return build_request(b, 1); }, kDeadline),
            StatusCode::kFailedPrecondition);
}

TEST_F(SimTransportTest, RefusesASecondListenerOnOneEndpoint) {
  SimTransport& other = network_.add_transport("other");
  services::FrontendDispatcher dispatcher(handlers_);
  ASSERT_TRUE(other.serve(dispatcher).ok());
  const auto listening = other.listen("frontend0");
  ASSERT_FALSE(listening.ok());
  EXPECT_NE(listening.error().message.find("already taken"), std::string::npos);
}

// `server` serves `dispatcher` as "frontend0"; a "client" transport connects to it.
ipc::Channel* serve_and_connect(SimNetwork& network, SimTransport& server, services::Dispatcher& dispatcher) {
  SimTransport& client = network.add_transport("client");
  EXPECT_TRUE(server.serve(dispatcher).ok());
  EXPECT_TRUE(server.listen("frontend0").ok());
  auto channel = client.connect("frontend0");
  return channel.ok() ? *channel : nullptr;
}

TEST(SimNetworkTest, CancelsThePendingCallsOfATransportThatGoesAway) {
  ManualClock clock(kStart);
  TestHandlers handlers;
  services::FrontendDispatcher dispatcher(handlers);
  std::optional<StatusCode> status;
  {
    SimNetwork network(clock, 0);
    SimTransport& server = network.add_transport("frontend0");
    ipc::Channel* channel = serve_and_connect(network, server, dispatcher);
    ASSERT_NE(channel, nullptr);
    services::FrontendStub stub(*channel);
    ASSERT_EQ(stub.send_request_async([](Builder& b) { return build_request(b, kDeferForever); }, kDeadline,
                                      [&status](StatusCode s, const schema::Response*) { status = s; }),
              StatusCode::kOk);
    EXPECT_EQ(server.poll(clock.now_ns()), 1u);  // zero delay: delivered at once, and deferred
    EXPECT_FALSE(status.has_value());
  }
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, StatusCode::kCancelled);
}

// A completion that calls again while the network is being torn down (as a Frontend reports a
// cancelled batch's requests to the Client) is told kUnavailable; nothing reaches a transport
// already destroyed.
TEST(SimNetworkTest, ACallMadeWhileTheNetworkClosesIsUnavailable) {
  ManualClock clock(kStart);
  TestHandlers handlers;
  services::FrontendDispatcher dispatcher(handlers);
  std::optional<services::FrontendStub> stub;  // outlives the network: the completion uses it
  std::optional<StatusCode> cancelled;
  std::optional<StatusCode> again;
  {
    SimNetwork network(clock, 0);
    SimTransport& server = network.add_transport("frontend0");
    ipc::Channel* channel = serve_and_connect(network, server, dispatcher);
    ASSERT_NE(channel, nullptr);
    stub.emplace(*channel);
    ASSERT_EQ(stub->send_request_async([](Builder& b) { return build_request(b, kDeferForever); }, kDeadline,
                                       [&](StatusCode s, const schema::Response*) {
                                         cancelled = s;
                                         again = stub->send_request_async(
                                             [](Builder& b) { return build_request(b, 8); }, kDeadline,
                                             [](StatusCode, const schema::Response*) {});
                                       }),
              StatusCode::kOk);
    EXPECT_EQ(server.poll(clock.now_ns()), 1u);
  }
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(*cancelled, StatusCode::kCancelled);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, StatusCode::kUnavailable);
}

}  // namespace
}  // namespace pipescale::test

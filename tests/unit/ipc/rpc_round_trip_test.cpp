// Calls that succeed: asynchronous and synchronous round trips, requests and replies built in
// place, deadlines carried to the handler, deferred replies and the response backlog.
#include <gtest/gtest.h>

#include "ipc/rpc/channel.hpp"
#include "tests/unit/ipc/rpc_fixture.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

TEST_F(RpcTest, AnswersAnAsynchronousCallWithTheServersResponse) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kEcho, "hello", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.completions, 1);
  EXPECT_EQ(outcome.status, StatusCode::kOk);
  EXPECT_EQ(outcome.payload, "hello");
  EXPECT_EQ(client_->counters().completed(StatusCode::kOk), 1u);
  EXPECT_EQ(client_->in_flight(connection_), 0u);
}

TEST_F(RpcTest, AnswersAZeroLengthRequestWithAZeroLengthResponse) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kEcho, "", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kOk);
  EXPECT_EQ(outcome.payload, "");
}

TEST_F(RpcTest, AnswersASynchronousCallWhileTheServerRunsInAnotherThread) {
  start();
  ServerThread serving(*server_, bell_of(*segment_, "server"));
  for (int round = 0; round < 100; ++round) {
    const std::string request = "round " + std::to_string(round);
    std::string response;
    const StatusCode status =
        client_->call(connection_, method::kEcho, as_bytes(request), ipc::monotonic_ns() + 2000 * kMs,
                      [&response](const ipc::Reply& reply) { response = as_text(reply.payload); });
    ASSERT_EQ(status, StatusCode::kOk) << ipc::to_string(status);
    EXPECT_EQ(response, request);
  }
  EXPECT_EQ(ipc::counter_value(client_->counters().calls_started), 100u);
}

TEST_F(RpcTest, CallsThroughTheTransportNeutralChannel) {
  start();
  ServerThread serving(*server_, bell_of(*segment_, "server"));
  ipc::RingChannel ring_channel(*client_, connection_);
  ipc::Channel& channel = ring_channel;
  std::string response;
  EXPECT_EQ(channel.call(method::kEcho, as_bytes("via channel"), ipc::monotonic_ns() + 2000 * kMs,
                         [&response](const ipc::Reply& reply) { response = as_text(reply.payload); }),
            StatusCode::kOk);
  EXPECT_EQ(response, "via channel");
}

TEST_F(RpcTest, BuildsARequestInPlaceAndSendsOnlyTheBytesUsed) {
  start();
  std::span<std::byte> buffer;
  ASSERT_EQ(client_->try_begin_request(connection_, method::kEcho, 512, buffer), StatusCode::kOk);
  ASSERT_EQ(buffer.size(), 512u);
  std::memcpy(buffer.data(), "built", 5);
  Outcome outcome;
  ASSERT_EQ(client_->commit_request_async(connection_, 5, ipc::monotonic_ns() + 2000 * kMs,
                                          [&outcome](const ipc::Reply& reply) {
                                            ++outcome.completions;
                                            outcome.status = reply.status;
                                            outcome.payload = as_text(reply.payload);
                                          }),
            StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kOk);
  EXPECT_EQ(outcome.payload, "built");
}

TEST_F(RpcTest, GivesTheSlotBackWhenARequestBuiltInPlaceIsAborted) {
  start({}, ipc::ClientOptions{.window = 1});
  std::span<std::byte> buffer;
  ASSERT_EQ(client_->try_begin_request(connection_, method::kEcho, 64, buffer), StatusCode::kOk);
  client_->abort_request(connection_);
  Outcome outcome;
  ASSERT_EQ(call_async(method::kEcho, "after abort", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.payload, "after abort");
}

TEST_F(RpcTest, BuildsAReplyInPlaceInTheResponseRing) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kInPlace, "abc", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kOk);
  EXPECT_EQ(outcome.payload, "in place:abc");
}

TEST_F(RpcTest, CarriesTheCallersDeadlineToTheHandler) {
  start();
  const std::int64_t deadline = ipc::monotonic_ns() + 1500 * kMs;
  Outcome outcome;
  ASSERT_EQ(call_async(method::kDeadline, "", outcome, deadline), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(last_deadline_ns_, deadline);
}

TEST_F(RpcTest, DeliversADeferredReplySentAfterTheHandlerReturned) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kDefer, "later", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump(*client_, *server_, [this] { return !deferred_.empty(); }));
  client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(outcome.completions, 0);
  ASSERT_EQ(server_->reply(deferred_.front(), as_bytes("answered")), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kOk);
  EXPECT_EQ(outcome.payload, "answered");
  EXPECT_EQ(ipc::counter_value(server_->counters().deferred), 1u);
}

TEST_F(RpcTest, ParksRepliesInTheBacklogWhileTheResponseRingIsFullAndDeliversEachOnce) {
  ipc::ConnectionSpec shape;
  shape.response_ring_bytes = 1024;  // room for about ten 64-byte replies
  start(shape);
  constexpr int kCalls = 40;
  std::vector<Outcome> outcomes(kCalls);
  const std::string request(64, 'r');
  for (auto& outcome : outcomes) ASSERT_EQ(call_async(method::kEcho, request, outcome), StatusCode::kOk);
  server_->poll(ipc::monotonic_ns());  // reads a batch of 32, the ring takes ~10 replies
  EXPECT_GT(server_->backlog_entries(0), 0u);
  EXPECT_GT(ipc::counter_value(server_->counters().backlogged), 0u);
  const auto all_done = [&outcomes] {
    return std::all_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.completions != 0; });
  };
  ASSERT_TRUE(pump(*client_, *server_, all_done));
  for (const Outcome& outcome : outcomes) {
    EXPECT_EQ(outcome.completions, 1);
    EXPECT_EQ(outcome.status, StatusCode::kOk);
    EXPECT_EQ(outcome.payload, request);
  }
  EXPECT_EQ(ipc::counter_value(server_->counters().backlog_overflow), 0u);
  EXPECT_EQ(server_->backlog_entries(0), 0u);
}

TEST_F(RpcTest, CountsRepliesThatOverflowTheBacklogAndTheirCallersTimeOut) {
  ipc::ConnectionSpec shape;
  shape.response_ring_bytes = 1024;                            // about ten 64-byte replies
  start(shape, {}, ipc::ServerOptions{.backlog_bytes = 128});  // one more
  std::vector<Outcome> outcomes(20);
  const std::int64_t deadline = ipc::monotonic_ns() + 50 * kMs;
  for (auto& outcome : outcomes) {
    ASSERT_EQ(call_async(method::kEcho, std::string(64, 'r'), outcome, deadline), StatusCode::kOk);
  }
  const auto all_done = [&outcomes] {
    return std::all_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.completions != 0; });
  };
  ASSERT_TRUE(pump(*client_, *server_, all_done));
  const auto ok =
      std::count_if(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.status == StatusCode::kOk; });
  const auto overflowed = ipc::counter_value(server_->counters().backlog_overflow);
  EXPECT_GT(overflowed, 0u);
  EXPECT_EQ(static_cast<std::uint64_t>(outcomes.size() - static_cast<std::size_t>(ok)), overflowed);
  for (const Outcome& outcome : outcomes) {
    EXPECT_EQ(outcome.completions, 1);
    EXPECT_TRUE(outcome.status == StatusCode::kOk || outcome.status == StatusCode::kDeadlineExceeded)
        << ipc::to_string(outcome.status);
  }
}

TEST_F(RpcTest, ReadsNoNewRequestsWhileRepliesWaitInTheBacklog) {
  ipc::ConnectionSpec shape;
  shape.response_ring_bytes = 1024;
  start(shape, {}, ipc::ServerOptions{.poll_batch = 32});
  std::vector<Outcome> outcomes(40);
  for (auto& outcome : outcomes) ASSERT_EQ(call_async(method::kEcho, std::string(64, 'r'), outcome), StatusCode::kOk);
  server_->poll(ipc::monotonic_ns());
  server_->poll(ipc::monotonic_ns());  // the client has not read: the backlog stays, no new requests
  EXPECT_EQ(ipc::counter_value(server_->counters().requests_received), 32u);
  client_.reset();  // cancels the calls still pending, while their outcomes exist
}

}  // namespace
}  // namespace pipescale::test

// Every way a call can end without the response it asked for, and responses that must not
// complete anything: each ends in exactly one outcome, and nothing is dropped silently.
#include <gtest/gtest.h>

#include "tests/unit/ipc/rpc_fixture.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

TEST_F(RpcTest, FailsWithDeadlineExceededWhenTheServerNeverAnswers) {
  start();
  ServerThread serving(*server_, bell_of(*segment_, "server"));
  const std::int64_t started = ipc::monotonic_ns();
  const std::int64_t deadline = started + 30 * kMs;
  const StatusCode status = client_->call(connection_, method::kDefer, as_bytes("anyone?"), deadline);
  EXPECT_EQ(status, StatusCode::kDeadlineExceeded);
  EXPECT_GE(ipc::monotonic_ns(), deadline);
  EXPECT_EQ(client_->counters().completed(StatusCode::kDeadlineExceeded), 1u);
}

TEST_F(RpcTest, FiresAnAsynchronousCompletionWithDeadlineExceededOnce) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kEcho, "lost", outcome, ipc::monotonic_ns() + 5 * kMs), StatusCode::kOk);
  const std::int64_t give_up = ipc::monotonic_ns() + 2000 * kMs;
  while (outcome.completions == 0 && ipc::monotonic_ns() < give_up) client_->poll(ipc::monotonic_ns());
  client_->poll(ipc::monotonic_ns() + 1000 * kMs);
  EXPECT_EQ(outcome.completions, 1);
  EXPECT_EQ(outcome.status, StatusCode::kDeadlineExceeded);
}

TEST_F(RpcTest, FailsWithResourceExhaustedWhenTheRequestRingStaysFullUntilTheDeadline) {
  ipc::ConnectionSpec shape;
  shape.request_ring_bytes = 1024;  // the server never polls: about nine requests fill it
  start(shape);
  std::vector<Outcome> outcomes(64);
  std::size_t accepted = 0;
  while (accepted < outcomes.size() &&
         call_async(method::kEcho, std::string(64, 'x'), outcomes[accepted]) == StatusCode::kOk) {
    ++accepted;
  }
  ASSERT_LT(accepted, outcomes.size());
  EXPECT_EQ(ipc::counter_value(client_->counters().ring_full), 1u);
  const std::int64_t deadline = ipc::monotonic_ns() + 20 * kMs;
  EXPECT_EQ(client_->call(connection_, method::kEcho, as_bytes(std::string(64, 'y')), deadline),
            StatusCode::kResourceExhausted);
  EXPECT_GE(ipc::monotonic_ns(), deadline);
  EXPECT_EQ(ipc::counter_value(client_->counters().ring_full_timeouts), 1u);
  client_.reset();  // cancels the calls still pending, while their outcomes exist
}

TEST_F(RpcTest, RefusesEveryCallWithUnavailableWhileTheConnectionIsDropped) {
  start();
  ServerThread serving(*server_, bell_of(*segment_, "server"));
  ipc::ConnectionControl& control = *regions_of(*segment_, 0).control;
  control.client.dropped.store(1, std::memory_order_relaxed);  // as the launcher's drop_link fault does
  Outcome refused;
  EXPECT_EQ(call_async(method::kEcho, "dropped", refused), StatusCode::kUnavailable);
  EXPECT_EQ(client_->call(connection_, method::kEcho, as_bytes("dropped"), ipc::monotonic_ns() + 100 * kMs),
            StatusCode::kUnavailable);
  EXPECT_EQ(ipc::counter_value(client_->counters().refused_unavailable), 2u);
  EXPECT_EQ(refused.completions, 0);  // refused at the start: the returned status is the outcome
  control.client.dropped.store(0, std::memory_order_relaxed);
  EXPECT_EQ(client_->call(connection_, method::kEcho, as_bytes("back"), ipc::monotonic_ns() + 1000 * kMs),
            StatusCode::kOk);
}

TEST_F(RpcTest, RefusesACallWithResourceExhaustedWhenTheWindowIsFull) {
  start({}, ipc::ClientOptions{.window = 2});
  Outcome first, second, third;
  ASSERT_EQ(call_async(method::kDefer, "1", first), StatusCode::kOk);
  ASSERT_EQ(call_async(method::kDefer, "2", second), StatusCode::kOk);
  EXPECT_EQ(call_async(method::kDefer, "3", third), StatusCode::kResourceExhausted);
  EXPECT_EQ(ipc::counter_value(client_->counters().window_full), 1u);
  client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(third.completions, 0);  // a refused call's outcome is the returned status alone
  client_.reset();
  EXPECT_EQ(third.completions, 0);
  EXPECT_EQ(first.status, StatusCode::kCancelled);
}

TEST_F(RpcTest, WaitsForAFreeSlotInASynchronousCallUntilItsDeadline) {
  start({}, ipc::ClientOptions{.window = 1});
  Outcome holding;
  ASSERT_EQ(call_async(method::kDefer, "holds the only slot", holding), StatusCode::kOk);
  const std::int64_t deadline = ipc::monotonic_ns() + 20 * kMs;
  EXPECT_EQ(client_->call(connection_, method::kEcho, as_bytes("waits"), deadline), StatusCode::kResourceExhausted);
  EXPECT_GE(ipc::monotonic_ns(), deadline);
  EXPECT_EQ(holding.completions, 0);
  client_.reset();
}

TEST_F(RpcTest, CompletesPendingCallsWithCancelledWhenTheClientGoesAway) {
  start();
  Outcome pending;
  ASSERT_EQ(call_async(method::kDefer, "", pending), StatusCode::kOk);
  client_.reset();
  EXPECT_EQ(pending.completions, 1);
  EXPECT_EQ(pending.status, StatusCode::kCancelled);
}

TEST_F(RpcTest, RefusesASynchronousCallFromInsideACompletion) {
  start();
  StatusCode nested = StatusCode::kOk;
  Outcome outer;
  ASSERT_EQ(client_->call_async(connection_, method::kEcho, as_bytes("outer"), ipc::monotonic_ns() + 2000 * kMs,
                                [this, &nested, &outer](const ipc::Reply&) {
                                  ++outer.completions;
                                  nested = client_->call(connection_, method::kEcho, as_bytes("inner"),
                                                         ipc::monotonic_ns() + 2000 * kMs);
                                }),
            StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outer));
  EXPECT_EQ(nested, StatusCode::kFailedPrecondition);
  EXPECT_EQ(client_->in_flight(connection_), 0u);
}

TEST_F(RpcTest, RefusesARequestLargerThanTheRingTakesWithResourceExhausted) {
  start();
  Outcome outcome;
  EXPECT_EQ(call_async(method::kEcho, std::string(64 * 1024, 'x'), outcome), StatusCode::kResourceExhausted);
  EXPECT_EQ(ipc::counter_value(client_->counters().too_large), 1u);
}

TEST_F(RpcTest, AnswersInvalidArgumentWhenTheRequestFailsItsVerifier) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kChecked, "not a V message", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kInvalidArgument);
  EXPECT_EQ(outcome.payload, "");
  EXPECT_EQ(ipc::counter_value(server_->counters().invalid_requests), 1u);
  EXPECT_EQ(ipc::counter_value(server_->counters().requests_dispatched), 0u);  // no handler saw it
}

TEST_F(RpcTest, FailsWithInvalidArgumentWhenTheResponseFailsItsVerifier) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kChecked, "Valid request, invalid echo!", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kInvalidArgument);
  EXPECT_EQ(outcome.payload, "");
  EXPECT_EQ(ipc::counter_value(client_->counters().invalid_responses), 1u);
}

TEST_F(RpcTest, AnswersUnimplementedForAnUnknownMethod) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kUnknown, "?", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kUnimplemented);
  EXPECT_EQ(ipc::counter_value(server_->counters().unimplemented), 1u);
}

TEST_F(RpcTest, AnswersInternalWhenAHandlerNeitherRepliesNorDefers) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kSilent, "", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kInternal);
  EXPECT_EQ(ipc::counter_value(server_->counters().handler_no_reply), 1u);
}

TEST_F(RpcTest, AnswersResourceExhaustedWhenAReplyIsLargerThanTheResponseRingTakes) {
  start();
  Outcome outcome;
  ASSERT_EQ(call_async(method::kLarge, "", outcome), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(outcome));
  EXPECT_EQ(outcome.status, StatusCode::kResourceExhausted);
  EXPECT_EQ(ipc::counter_value(server_->counters().too_large_responses), 1u);
}

TEST_F(RpcTest, AnswersDeadlineExceededForARequestThatExpiredBeforeItsDispatch) {
  start();
  Outcome outcome;
  const std::int64_t deadline = ipc::monotonic_ns() + 1 * kMs;
  ASSERT_EQ(call_async(method::kEcho, "too late", outcome, deadline), StatusCode::kOk);
  server_->poll(deadline + 1);  // the server comes round after the deadline
  client_->poll(deadline - 1);  // the reply arrives before the client would expire the call itself
  EXPECT_EQ(outcome.completions, 1);
  EXPECT_EQ(outcome.status, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ipc::counter_value(server_->counters().expired_requests), 1u);
  EXPECT_EQ(ipc::counter_value(server_->counters().requests_dispatched), 0u);
}

TEST_F(RpcTest, RejectsAndCountsALateResponseForACallThatTimedOut) {
  start({}, ipc::ClientOptions{.window = 1});  // one slot: the next call reuses it
  Outcome timed_out;
  ASSERT_EQ(call_async(method::kDefer, "first", timed_out, ipc::monotonic_ns() + 1 * kMs), StatusCode::kOk);
  server_->poll(ipc::monotonic_ns());
  ASSERT_EQ(deferred_.size(), 1u);
  client_->poll(ipc::monotonic_ns() + 10 * kMs);
  ASSERT_EQ(timed_out.status, StatusCode::kDeadlineExceeded);
  Outcome next;
  ASSERT_EQ(call_async(method::kDefer, "second", next), StatusCode::kOk);
  server_->poll(ipc::monotonic_ns());
  ASSERT_EQ(deferred_.size(), 2u);
  EXPECT_EQ(ipc::correlation_slot(deferred_[0].correlation_id), ipc::correlation_slot(deferred_[1].correlation_id));
  ASSERT_EQ(server_->reply(deferred_[0], as_bytes("late answer to first")), StatusCode::kOk);
  client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(ipc::counter_value(client_->counters().late_responses), 1u);
  EXPECT_EQ(next.completions, 0);  // the late answer did not complete the call now in its slot
  EXPECT_EQ(timed_out.completions, 1);
  ASSERT_EQ(server_->reply(deferred_[1], as_bytes("answer to second")), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(next));
  EXPECT_EQ(next.payload, "answer to second");
}

TEST_F(RpcTest, RejectsAResponseCarryingAPreviousEpoch) {
  start();
  Outcome for_old_client;
  ASSERT_EQ(call_async(method::kDefer, "from the first incarnation", for_old_client), StatusCode::kOk);
  server_->poll(ipc::monotonic_ns());
  ASSERT_EQ(deferred_.size(), 1u);
  const std::uint32_t old_epoch = client_->epoch(connection_);
  client_.reset();  // the client restarts: a new incarnation attaches to the same connection
  EXPECT_EQ(for_old_client.status, StatusCode::kCancelled);
  client_ = std::make_unique<ipc::RpcClient>(ipc::ClientOptions{}, bell_of(*segment_, client_process(0)));
  auto attached = client_->add_connection(regions_of(*segment_, 0));
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  ASSERT_NE(client_->epoch(*attached), old_epoch);
  Outcome for_new_client;  // the same slot and generation as the old call: only the epoch differs
  ASSERT_EQ(call_async(method::kDefer, "from the second incarnation", for_new_client), StatusCode::kOk);
  ASSERT_EQ(server_->reply(deferred_[0], as_bytes("meant for the first")), StatusCode::kOk);
  client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(ipc::counter_value(client_->counters().stale_epoch_responses), 1u);
  EXPECT_EQ(for_new_client.completions, 0);
  EXPECT_EQ(for_old_client.completions, 1);  // cancelled when its client went away, and only then
  server_->poll(ipc::monotonic_ns());
  ASSERT_EQ(deferred_.size(), 2u);
  EXPECT_EQ(deferred_[1].correlation_id, deferred_[0].correlation_id);
  ASSERT_EQ(server_->reply(deferred_[1], as_bytes("meant for the second")), StatusCode::kOk);
  ASSERT_TRUE(pump_until_done(for_new_client));
  EXPECT_EQ(for_new_client.payload, "meant for the second");
}

TEST_F(RpcTest, SkipsRequestsLeftByAPreviousIncarnationOfTheClient) {
  start();
  Outcome abandoned;
  ASSERT_EQ(call_async(method::kEcho, "never read before the restart", abandoned), StatusCode::kOk);
  client_.reset();
  client_ = std::make_unique<ipc::RpcClient>(ipc::ClientOptions{}, bell_of(*segment_, client_process(0)));
  ASSERT_TRUE(client_->add_connection(regions_of(*segment_, 0)).ok());
  server_->poll(ipc::monotonic_ns());
  EXPECT_EQ(ipc::counter_value(server_->counters().stale_epoch_requests), 1u);
  EXPECT_EQ(ipc::counter_value(server_->counters().requests_dispatched), 0u);
}

TEST_F(RpcTest, FailsPendingCallsWithUnavailableWhenTheServerLetsGoOfTheConnection) {
  start({}, ipc::ClientOptions{.peer_check_interval_ns = 1 * kMs});
  Outcome outcome;
  ASSERT_EQ(call_async(method::kDefer, "", outcome), StatusCode::kOk);
  server_->poll(ipc::monotonic_ns());
  server_.reset();
  const std::int64_t give_up = ipc::monotonic_ns() + 2000 * kMs;
  while (outcome.completions == 0 && ipc::monotonic_ns() < give_up) client_->poll(ipc::monotonic_ns());
  EXPECT_EQ(outcome.status, StatusCode::kUnavailable);
  Outcome refused;
  EXPECT_EQ(call_async(method::kEcho, "", refused), StatusCode::kUnavailable);
}

TEST_F(RpcTest, RefusesASecondClientOnAConnectionInUse) {
  start();
  ipc::RpcClient second(ipc::ClientOptions{}, bell_of(*segment_, client_process(0)));
  auto attached = second.add_connection(regions_of(*segment_, 0));
  ASSERT_FALSE(attached.ok());
  EXPECT_NE(attached.error().message.find("conn0"), std::string::npos) << attached.error().message;
}

TEST_F(RpcTest, RefusesAConnectionWhoseClientDoorbellIsNotItsOwn) {
  start();
  ipc::RpcClient stranger(ipc::ClientOptions{}, bell_of(*segment_, "server"));
  EXPECT_FALSE(stranger.add_connection(regions_of(*segment_, 0)).ok());
}

// A corrupt request record: the server closes the connection (counted, the region named), the
// client fails the pending call and refuses later ones with kDataLoss, never kOk or a hang.
TEST_F(RpcTest, ACorruptRingClosesTheConnectionWithDataLoss) {
  start({}, ipc::ClientOptions{.peer_check_interval_ns = 1 * kMs});
  Outcome outcome;
  ASSERT_EQ(call_async(method::kDefer, "soon corrupt", outcome), StatusCode::kOk);
  ipc::RingControl* requests = regions_of(*segment_, 0).requests;
  auto* first = reinterpret_cast<ipc::RecordHeader*>(requests + 1);
  first->kind = static_cast<ipc::RecordKind>(0x7F);  // its marker stays: the record looks complete

  server_->poll(ipc::monotonic_ns());
  const std::int64_t give_up = ipc::monotonic_ns() + 2000 * kMs;
  while (outcome.completions == 0 && ipc::monotonic_ns() < give_up) client_->poll(ipc::monotonic_ns());

  EXPECT_EQ(ipc::counter_value(server_->counters().data_loss), 1u);
  EXPECT_EQ(server_->counters().requests_dispatched.load(), 0u);
  EXPECT_EQ(server_->data_loss_region(), connection_name(0) + ".req");
  EXPECT_EQ(outcome.completions, 1);
  EXPECT_EQ(outcome.status, StatusCode::kDataLoss);
  EXPECT_EQ(ipc::counter_value(client_->counters().data_loss), 1u);
  EXPECT_EQ(client_->data_loss_region(), connection_name(0) + ".req");
  Outcome refused;
  EXPECT_EQ(call_async(method::kEcho, "", refused), StatusCode::kDataLoss);
  EXPECT_EQ(ipc::counter_value(client_->counters().refused_data_loss), 1u);
}

}  // namespace
}  // namespace pipescale::test

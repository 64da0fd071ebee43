// The typed stubs and dispatchers behave the same whatever carries them: each test runs once per
// transport (instantiated in transport_test_shm.cpp and transport_test_grpc.cpp).
#include <cstring>
#include <gtest/gtest.h>
#include <thread>

#include "services/stubs.hpp"
#include "tests/unit/services/transport_test_fixture.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

TEST_P(TransportTest, AnswersEveryRpcOfEveryServiceAsynchronously) {
  start();
  Answer client, request, feedback, queue, batch_size, batch, order, information;
  const std::int64_t deadline = soon();
  ASSERT_EQ(stubs_->client.send_request_async(
                [](Builder& b) { return build_ended_request(b, 5, schema::Outcome::Completed); }, deadline,
                record<services::ClientRpc::SendRequest>(client)),
            StatusCode::kOk);
  ASSERT_EQ(stubs_->frontend.send_request_async([](Builder& b) { return build_request(b, 7); }, deadline,
                                                record<services::FrontendRpc::SendRequest>(request)),
            StatusCode::kOk);
  ASSERT_EQ(stubs_->frontend.send_feedback_async([](Builder& b) { return build_feedback(b, 12); }, deadline,
                                                 record<services::FrontendRpc::SendFeedback>(feedback)),
            StatusCode::kOk);
  ASSERT_EQ(
      stubs_->frontend.send_queue_information_async([](Builder& b) { return build_queue_information(b, 13); }, deadline,
                                                    record<services::FrontendRpc::SendQueueInformation>(queue)),
      StatusCode::kOk);
  ASSERT_EQ(stubs_->frontend.send_batch_size_async([](Builder& b) { return build_batch_size(b, 9); }, deadline,
                                                   record<services::FrontendRpc::SendBatchSize>(batch_size)),
            StatusCode::kOk);
  ASSERT_EQ(stubs_->worker.send_batch_async([](Builder& b) { return build_batch(b, 4, 2); }, deadline,
                                            record<services::WorkerRpc::SendBatch>(batch)),
            StatusCode::kOk);
  ASSERT_EQ(stubs_->worker.send_order_async([](Builder& b) { return build_order(b, 6, schema::OrderKind::Start); },
                                            deadline, record<services::WorkerRpc::SendOrder>(order)),
            StatusCode::kOk);
  ASSERT_EQ(stubs_->scheduler.send_frontend_information_async(
                [](Builder& b) { return build_frontend_information(b, 2); }, deadline,
                record<services::SchedulerRpc::SendFrontendInformation>(information)),
            StatusCode::kOk);
  ASSERT_TRUE(pump_until_answered({&client, &request, &feedback, &queue, &batch_size, &batch, &order, &information}));
  EXPECT_EQ(client.fields, "{ request_id: 5, accepted: true }");
  EXPECT_EQ(request.fields, "{ request_id: 7, accepted: true }");
  EXPECT_EQ(feedback.fields, "{ worker_id: 12 }");
  EXPECT_EQ(queue.fields, "{ worker_id: 13 }");
  EXPECT_EQ(batch_size.fields, "{ decision_id: 9, stage: 1, applied: true }");
  EXPECT_EQ(batch.fields, "{ batch_id: 4, worker_id: 1001, accepted: true, queue_length: 2, busy_until_ns: " +
                              std::to_string(777 + 400 + 401) + " }");
  EXPECT_EQ(order.fields, "{ order_id: 6, worker_id: 12, accepted: true, state: WarmingUp }");
  EXPECT_EQ(information.fields, "{ stage: 2 }");
}

TEST_P(TransportTest, AnswersASynchronousCallBeforeReturning) {
  start();
  std::uint32_t queue_length = 0;
  const StatusCode status = stubs_->worker.send_batch(
      [](Builder& b) { return build_batch(b, 8, 32); }, soon(),
      [&queue_length](const schema::BatchResponse& response) { queue_length = response.queue_length(); });
  EXPECT_EQ(status, StatusCode::kOk);
  EXPECT_EQ(queue_length, 32u);
}

TEST_P(TransportTest, SendsFinishedBytesAsTheyAre) {
  start();
  Builder builder;
  builder.Finish(build_order(builder, 21, schema::OrderKind::Stop));
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(builder.GetBufferPointer()),
                                         builder.GetSize());
  schema::WorkerState state = schema::WorkerState::Unknown;
  EXPECT_EQ(stubs_->worker.send_order(bytes, soon(), [&state](const schema::OrderResponse& r) { state = r.state(); }),
            StatusCode::kOk);
  EXPECT_EQ(state, schema::WorkerState::Draining);
}

TEST_P(TransportTest, SendsARequestBuiltInTheChannelsOwnBuffer) {
  start();
  Builder builder;
  builder.Finish(build_feedback(builder, 33));
  std::span<std::byte> buffer;
  ASSERT_EQ(world_->channel->try_begin_request(services::FrontendRpc::SendFeedback::kId, 256, buffer), StatusCode::kOk);
  std::memcpy(buffer.data(), builder.GetBufferPointer(), builder.GetSize());
  std::string fields;
  EXPECT_EQ(world_->channel->commit_request(
                builder.GetSize(), soon(),
                [&fields](const ipc::Reply& reply) {
                  fields = render(*flatbuffers::GetRoot<schema::FeedbackResponse>(reply.payload.data()));
                }),
            StatusCode::kOk);
  EXPECT_EQ(fields, "{ worker_id: 33 }");
}

TEST_P(TransportTest, ReturnsTheStatusTheHandlerFailedWith) {
  start();
  for (std::uint16_t code = 1; code <= ipc::kLargestStatusCode; ++code) {
    const StatusCode status =
        stubs_->frontend.send_request([code](Builder& b) { return build_request(b, kFailBase + code); }, soon());
    EXPECT_EQ(status, static_cast<StatusCode>(code)) << "handler failed with " << code;
  }
}

TEST_P(TransportTest, AnswersADeferredRequestWhenTheHandlerRepliesLater) {
  start();
  std::uint64_t id = 0;
  EXPECT_EQ(stubs_->frontend.send_request([](Builder& b) { return build_request(b, kDeferThenAnswer); }, soon(),
                                          [&id](const schema::Response& r) { id = r.request_id(); }),
            StatusCode::kOk);
  EXPECT_EQ(id, kDeferThenAnswer);
}

TEST_P(TransportTest, AnswersInternalWhenTheHandlerNeitherRepliesNorDefers) {
  start();
  EXPECT_EQ(stubs_->frontend.send_request([](Builder& b) { return build_request(b, kSilent); }, soon()),
            StatusCode::kInternal);
}

TEST_P(TransportTest, AnswersUnimplementedForAServiceTheServerDoesNotServe) {
  start(Served{.client = false, .frontend = true, .worker = false, .scheduler = false});
  EXPECT_EQ(stubs_->worker.send_batch([](Builder& b) { return build_batch(b, 1, 1); }, soon()),
            StatusCode::kUnimplemented);
  EXPECT_EQ(stubs_->frontend.send_feedback([](Builder& b) { return build_feedback(b, 1); }, soon()), StatusCode::kOk);
}

TEST_P(TransportTest, AnswersUnimplementedForAMethodIdNoServiceHas) {
  start();
  Builder builder;
  builder.Finish(build_feedback(builder, 1));
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(builder.GetBufferPointer()),
                                         builder.GetSize());
  EXPECT_EQ(world_->channel->call(0x02FF, bytes, soon(), {}), StatusCode::kUnimplemented);
}

TEST_P(TransportTest, AnswersInvalidArgumentForARequestThatFailsVerification) {
  start();
  alignas(8) std::byte garbage[64];
  std::memset(garbage, 0xA5, sizeof garbage);
  EXPECT_EQ(world_->channel->call(services::FrontendRpc::SendRequest::kId,
                                  std::span<const std::byte>(garbage, sizeof garbage), soon(), {}),
            StatusCode::kInvalidArgument);
}

TEST_P(TransportTest, EndsWithDeadlineExceededWhenNoAnswerComesInTime) {
  start();
  Answer answer;
  ASSERT_EQ(stubs_->frontend.send_request_async([](Builder& b) { return build_request(b, kDeferForever); },
                                                ipc::monotonic_ns() + 100 * kMs,
                                                record<services::FrontendRpc::SendRequest>(answer)),
            StatusCode::kOk);
  ASSERT_TRUE(pump_until_answered({&answer}));
  EXPECT_EQ(answer.status, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(answer.completions, 1);
}

TEST_P(TransportTest, EndsWithDeadlineExceededWhenTheDeadlineHasAlreadyPassed) {
  start();
  EXPECT_EQ(stubs_->frontend.send_request([](Builder& b) { return build_request(b, 1); }, ipc::monotonic_ns() - kMs),
            StatusCode::kDeadlineExceeded);
}

TEST_P(TransportTest, ShowsTheHandlerTheCallersDeadline) {
  start();
  const std::int64_t deadline = ipc::monotonic_ns() + 3000 * kMs;
  std::uint64_t seen = 0;
  ASSERT_EQ(stubs_->frontend.send_request([](Builder& b) { return build_request(b, kEchoDeadline); }, deadline,
                                          [&seen](const schema::Response& r) { seen = r.request_id(); }),
            StatusCode::kOk);
  // gRPC carries a time remaining and re-bases it: allow for the time in flight.
  EXPECT_NEAR(static_cast<double>(seen), static_cast<double>(deadline), 50.0 * kMs);
}

TEST_P(TransportTest, FailsAPendingCallWithUnavailableWhenTheServerGoes) {
  start();
  Answer answer;
  ASSERT_EQ(stubs_->frontend.send_request_async([](Builder& b) { return build_request(b, kDeferForever); },
                                                ipc::monotonic_ns() + 10'000 * kMs,
                                                record<services::FrontendRpc::SendRequest>(answer)),
            StatusCode::kOk);
  ASSERT_TRUE(pump(*world_->client, [this] { return world_->handlers.deferred_forever() == 1; }));
  world_->stop_server();
  ASSERT_TRUE(pump_until_answered({&answer}));
  EXPECT_EQ(answer.status, StatusCode::kUnavailable);
}

TEST_P(TransportTest, EndsANewCallWithUnavailableOnceTheServerIsGone) {
  start();
  EXPECT_EQ(stubs_->frontend.send_feedback([](Builder& b) { return build_feedback(b, 1); }, soon()), StatusCode::kOk);
  world_->stop_server();
  EXPECT_EQ(stubs_->frontend.send_feedback([](Builder& b) { return build_feedback(b, 1); }, soon()),
            StatusCode::kUnavailable);
}

TEST_P(TransportTest, RunsCompletionsOnTheThreadThatPolls) {
  start();
  std::thread::id completed_on;
  ASSERT_EQ(stubs_->frontend.send_feedback_async([](Builder& b) { return build_feedback(b, 1); }, soon(),
                                                 [&completed_on](StatusCode, const schema::FeedbackResponse*) {
                                                   completed_on = std::this_thread::get_id();
                                                 }),
            StatusCode::kOk);
  ASSERT_TRUE(pump(*world_->client, [&completed_on] { return completed_on != std::thread::id(); }));
  EXPECT_EQ(completed_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace pipescale::test

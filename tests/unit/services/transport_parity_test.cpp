// The same call sequence, every rpc of every service with several payloads (a Batch of 32
// requests among them), failing, deferred and silent handlers, asynchronous, synchronous and raw
// calls, over the rings and over gRPC: the transcripts (statuses, every response field, and the
// raw response bytes) must be identical.
#include <cstdio>
#include <deque>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "tests/unit/services/transport_test_fixture.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;
using services::ClientRpc;
using services::FrontendRpc;
using services::SchedulerRpc;
using services::WorkerRpc;

struct Step {
  std::string what;
  StatusCode status = StatusCode::kUnknown;
  std::string response;  // fields (typed calls) or hex bytes (raw calls)
  bool operator==(const Step&) const = default;
};
using Transcript = std::vector<Step>;

std::string hex(std::span<const std::byte> bytes) {
  std::string text;
  char digits[3];
  for (const std::byte value : bytes) {
    std::snprintf(digits, sizeof digits, "%02x", static_cast<unsigned>(value));
    text += digits;
  }
  return text;
}

class Script {
 public:
  explicit Script(World& world) : world_(world), stubs_(*world.channel) {}

  Transcript run() {
    start_async_calls();
    EXPECT_TRUE(pump(*world_.client, [this] {
      for (const Answer& answer : answers_) {
        if (answer.completions == 0) return false;
      }
      return true;
    }));
    for (std::size_t i = 0; i < answers_.size(); ++i) {
      transcript_.push_back({"async " + async_names_[i], answers_[i].status, answers_[i].fields});
    }
    make_sync_calls();
    make_raw_calls();
    return transcript_;
  }

 private:
  static std::int64_t deadline() { return ipc::monotonic_ns() + 5000 * kMs; }

  void start_async_calls() {
    async<ClientRpc::SendRequest>("completed", stubs_.client,
                                  [](Builder& b) { return build_ended_request(b, 5, schema::Outcome::Completed); });
    async<ClientRpc::SendRequest>("dropped", stubs_.client,
                                  [](Builder& b) { return build_ended_request(b, 6, schema::Outcome::Dropped); });
    for (std::uint64_t id = 1; id <= 3; ++id) {
      async<FrontendRpc::SendRequest>("request", stubs_.frontend, [id](Builder& b) { return build_request(b, id); });
    }
    async<FrontendRpc::SendRequest>("request 1 KB", stubs_.frontend,
                                    [](Builder& b) { return build_request(b, 4, 3, 1024); });
    async<FrontendRpc::SendFeedback>("feedback", stubs_.frontend, [](Builder& b) { return build_feedback(b, 12); });
    async<FrontendRpc::SendQueueInformation>("queue", stubs_.frontend,
                                             [](Builder& b) { return build_queue_information(b, 13); });
    for (std::uint64_t decision = 7; decision <= 8; ++decision) {
      async<FrontendRpc::SendBatchSize>("batch size", stubs_.frontend,
                                        [decision](Builder& b) { return build_batch_size(b, decision); });
    }
    for (std::size_t size : {1U, 8U, 32U}) {
      async<WorkerRpc::SendBatch>("batch of " + std::to_string(size), stubs_.worker,
                                  [size](Builder& b) { return build_batch(b, 40 + size, size); });
    }
    async<WorkerRpc::SendOrder>("start", stubs_.worker,
                                [](Builder& b) { return build_order(b, 1, schema::OrderKind::Start); });
    async<WorkerRpc::SendOrder>("stop", stubs_.worker,
                                [](Builder& b) { return build_order(b, 2, schema::OrderKind::Stop); });
    async<SchedulerRpc::SendFrontendInformation>("information", stubs_.scheduler,
                                                 [](Builder& b) { return build_frontend_information(b, 2); });
    async<FrontendRpc::SendRequest>("fails", stubs_.frontend,
                                    [](Builder& b) { return build_request(b, kFailBase + 5); });
    async<WorkerRpc::SendBatch>("batch fails", stubs_.worker,
                                [](Builder& b) { return build_batch(b, kFailBase + 8, 0); });
    async<FrontendRpc::SendRequest>("deferred", stubs_.frontend,
                                    [](Builder& b) { return build_request(b, kDeferThenAnswer); });
    async<FrontendRpc::SendRequest>("silent", stubs_.frontend, [](Builder& b) { return build_request(b, kSilent); });
  }

  void make_sync_calls() {
    sync<ClientRpc::SendRequest>(stubs_.client, [](Builder& b) { return build_request(b, 30); });
    sync<FrontendRpc::SendRequest>(stubs_.frontend, [](Builder& b) { return build_request(b, 31, 2, 100); });
    sync<FrontendRpc::SendFeedback>(stubs_.frontend, [](Builder& b) { return build_feedback(b, 32); });
    sync<FrontendRpc::SendQueueInformation>(stubs_.frontend, [](Builder& b) { return build_queue_information(b, 33); });
    sync<FrontendRpc::SendBatchSize>(stubs_.frontend, [](Builder& b) { return build_batch_size(b, 34); });
    sync<WorkerRpc::SendBatch>(stubs_.worker, [](Builder& b) { return build_batch(b, 35, 32); });
    sync<WorkerRpc::SendOrder>(stubs_.worker, [](Builder& b) { return build_order(b, 36, schema::OrderKind::Stop); });
    sync<SchedulerRpc::SendFrontendInformation>(stubs_.scheduler,
                                                [](Builder& b) { return build_frontend_information(b, 37); });
    sync<FrontendRpc::SendRequest>(stubs_.frontend, [](Builder& b) { return build_request(b, kFailBase + 9); });
  }

  void make_raw_calls() {
    raw(ClientRpc::SendRequest::kId, [](Builder& b) { b.Finish(build_request(b, 50)); });
    raw(FrontendRpc::SendRequest::kId, [](Builder& b) { b.Finish(build_request(b, 51)); });
    raw(FrontendRpc::SendFeedback::kId, [](Builder& b) { b.Finish(build_feedback(b, 52)); });
    raw(FrontendRpc::SendQueueInformation::kId, [](Builder& b) { b.Finish(build_queue_information(b, 53)); });
    raw(FrontendRpc::SendBatchSize::kId, [](Builder& b) { b.Finish(build_batch_size(b, 54)); });
    raw(WorkerRpc::SendBatch::kId, [](Builder& b) { b.Finish(build_batch(b, 55, 32)); });
    raw(WorkerRpc::SendOrder::kId, [](Builder& b) { b.Finish(build_order(b, 56, schema::OrderKind::Start)); });
    raw(SchedulerRpc::SendFrontendInformation::kId, [](Builder& b) { b.Finish(build_frontend_information(b, 57)); });
  }

  template <class Method, class Service, class Build>
  void async(const std::string& what, services::Stub<Service>& stub, Build build) {
    async_names_.push_back(what);
    Answer& answer = answers_.emplace_back();
    const StatusCode started = stub.template call_async<Method>(build, deadline(), record<Method>(answer));
    if (started != StatusCode::kOk) answer = Answer{1, started, {}};
  }

  template <class Method, class Service, class Build>
  void sync(services::Stub<Service>& stub, Build build) {
    std::string fields;
    const StatusCode status = stub.template call<Method>(
        build, deadline(), [&fields](const typename Method::Response& response) { fields = render(response); });
    transcript_.push_back({"sync " + std::string(Method::kName), status, fields});
  }

  template <class Build>
  void raw(ipc::MethodId method, Build build) {
    Builder builder;
    build(builder);
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(builder.GetBufferPointer()),
                                           builder.GetSize());
    std::string response;
    const StatusCode status = world_.channel->call(
        method, bytes, deadline(), [&response](const ipc::Reply& reply) { response = hex(reply.payload); });
    transcript_.push_back({"raw " + std::to_string(method), status, response});
  }

  World& world_;
  Stubs stubs_;
  std::deque<Answer> answers_;  // a deque: completions hold references to its elements
  std::vector<std::string> async_names_;
  Transcript transcript_;
};

class TransportParityTest : public ShmTest {
 protected:
  Transcript transcript_over(Carrier carrier) {
    World world;
    if (!make_world(world, carrier, names_)) return {};
    return Script(world).run();
  }
};

TEST_F(TransportParityTest, GivesTheSameResponsesOverTheRingsAndOverGrpc) {
  const Transcript rings = transcript_over(Carrier::kShm);
  ASSERT_EQ(rings.size(), 20u + 9u + 8u);
  for (const Carrier carrier : {Carrier::kGrpcUnix, Carrier::kGrpcTcp}) {
    const Transcript other = transcript_over(carrier);
    ASSERT_EQ(other.size(), rings.size()) << carrier_name(carrier);
    for (std::size_t i = 0; i < rings.size(); ++i) {
      EXPECT_EQ(other[i], rings[i]) << carrier_name(carrier) << ", step " << i << " (" << rings[i].what << "): status "
                                    << ipc::to_string(other[i].status) << " vs " << ipc::to_string(rings[i].status)
                                    << "\n  " << other[i].response << "\n  " << rings[i].response;
    }
  }
}

TEST_F(TransportParityTest, AnswersTheSequenceAsTheHandlersMeant) {
  const Transcript rings = transcript_over(Carrier::kShm);
  ASSERT_EQ(rings.size(), 37u);
  const auto find = [&rings](const std::string& what) {
    for (const Step& step : rings) {
      if (step.what == what) return step;
    }
    return Step{};
  };
  EXPECT_NE(find("async batch of 32").response.find("queue_length: 32"), std::string::npos);
  EXPECT_EQ(find("async fails").status, StatusCode::kNotFound);
  EXPECT_EQ(find("async batch fails").status, StatusCode::kResourceExhausted);
  EXPECT_EQ(find("async deferred").status, StatusCode::kOk);
  EXPECT_EQ(find("async silent").status, StatusCode::kInternal);
  std::size_t ok = 0;
  for (const Step& step : rings) ok += step.status == StatusCode::kOk ? 1 : 0;
  EXPECT_EQ(ok, rings.size() - 4);
}

}  // namespace
}  // namespace pipescale::test

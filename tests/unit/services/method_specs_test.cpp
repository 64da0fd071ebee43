// The method table every transport registers, and the dispatchers on their own, with no
// transport: a recording ReplySink stands in for one.
#include "services/method_specs.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <vector>

#include "services/handlers.hpp"
#include "services/transport.hpp"
#include "tests/unit/services/service_fixtures.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;
namespace rpc = schema::rpc;

static_assert(services::kIsMethodOf<services::WorkerRpc, services::WorkerRpc::SendBatch>);
static_assert(!services::kIsMethodOf<services::FrontendRpc, services::ClientRpc::SendRequest>);

std::span<const std::byte> finished(const Builder& builder) {
  return {reinterpret_cast<const std::byte*>(builder.GetBufferPointer()), builder.GetSize()};
}

class RecordingSink final : public ipc::ReplySink {
 public:
  StatusCode reply(const ipc::ReplyToken&, std::span<const std::byte> message) override {
    ++answers;
    status = StatusCode::kOk;
    bytes.assign(message.begin(), message.end());
    return StatusCode::kOk;
  }
  StatusCode reply_status(const ipc::ReplyToken&, StatusCode code) override {
    ++answers;
    status = code;
    return StatusCode::kOk;
  }
  StatusCode begin_reply(const ipc::ReplyToken&, std::uint32_t, std::span<std::byte>&) override {
    return StatusCode::kUnimplemented;
  }
  StatusCode commit_reply(std::uint32_t) override { return StatusCode::kFailedPrecondition; }
  void abort_reply() override {}

  int answers = 0;
  StatusCode status = StatusCode::kUnknown;
  std::vector<std::byte> bytes;
};

TEST(MethodSpecs, NameEveryRpcOfTheSchemaWithItsIdPathAndVerifiers) {
  const auto specs = services::all_method_specs();
  ASSERT_EQ(specs.size(), rpc::kMethods.size());
  std::set<ipc::MethodId> ids;
  for (const ipc::MethodSpec& spec : specs) {
    const rpc::MethodInfo* info = rpc::find_method(spec.id);
    ASSERT_NE(info, nullptr) << spec.id;
    EXPECT_STREQ(spec.name, info->grpc_path);
    EXPECT_NE(spec.request_verifier, nullptr);
    EXPECT_NE(spec.response_verifier, nullptr);
    ids.insert(spec.id);
  }
  EXPECT_EQ(ids.size(), specs.size());
}

TEST(MethodSpecs, ListEachServicesOwnMethodsInDeclarationOrder) {
  const auto specs = services::method_specs<services::FrontendRpc>();
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].id, 0x0201);
  EXPECT_EQ(specs[3].id, 0x0204);
  EXPECT_STREQ(specs[1].name, "/pipescale.schema.FrontendService/SendFeedback");
}

TEST(MethodSpecs, VerifyTheirOwnMessageTypeAndRefuseGarbage) {
  const ipc::MethodSpec spec = services::method_spec<services::FrontendRpc::SendFeedback>();
  Builder builder;
  builder.Finish(build_feedback(builder, 4));
  EXPECT_TRUE(spec.request_verifier(finished(builder)));
  alignas(8) std::byte garbage[32];
  std::memset(garbage, 0x5A, sizeof garbage);
  EXPECT_FALSE(spec.request_verifier(std::span<const std::byte>(garbage, sizeof garbage)));
  EXPECT_FALSE(spec.response_verifier({}));
}

TEST(TransportKind, ParsesWhatItPrints) {
  for (const auto kind : {services::TransportKind::kShm, services::TransportKind::kGrpc}) {
    EXPECT_EQ(services::parse_transport_kind(services::to_string(kind)), kind);
  }
  EXPECT_FALSE(services::parse_transport_kind("tcp").has_value());
}

class DispatcherTest : public ::testing::Test {
 protected:
  // Dispatches `request` as method `id` and returns what the sink saw.
  void dispatch(ipc::MethodId id, std::span<const std::byte> request) {
    const ipc::RequestView view{request, id, 1, 0, 0};
    ipc::Responder responder(sink_, ipc::ReplyToken{1, 0, 0, id});
    frontend_.dispatch(view, responder, sink_);
  }

  TestHandlers handlers_;
  services::FrontendDispatcher frontend_{handlers_};
  RecordingSink sink_;
};

TEST_F(DispatcherTest, RunsTheHandlerOfTheMethodAndSendsItsReply) {
  Builder builder;
  builder.Finish(build_feedback(builder, 42));
  dispatch(services::FrontendRpc::SendFeedback::kId, finished(builder));
  ASSERT_EQ(sink_.status, StatusCode::kOk);
  const auto* response = schema::verified_root<schema::FeedbackResponse>(sink_.bytes);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->worker_id(), 42u);
}

TEST_F(DispatcherTest, AnswersUnimplementedForAnotherServicesMethod) {
  Builder builder;
  builder.Finish(build_batch(builder, 1, 1));
  dispatch(services::WorkerRpc::SendBatch::kId, finished(builder));
  EXPECT_EQ(sink_.answers, 1);
  EXPECT_EQ(sink_.status, StatusCode::kUnimplemented);
}

TEST_F(DispatcherTest, AnswersADeferredRequestOnceThroughTheDispatcher) {
  services::Deferred<services::FrontendRpc::SendRequest> deferred(sink_, ipc::ReplyToken{});
  ASSERT_TRUE(deferred.pending());
  const auto build = [](Builder& b) { return schema::CreateResponse(b, 9, true); };
  EXPECT_EQ(frontend_.reply(deferred, build), StatusCode::kOk);
  EXPECT_FALSE(deferred.pending());
  EXPECT_EQ(frontend_.reply(deferred, build), StatusCode::kFailedPrecondition);
  EXPECT_EQ(sink_.answers, 1);
}

}  // namespace
}  // namespace pipescale::test

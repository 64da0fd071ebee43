// The pieces of the gRPC transport that need no server: status and deadline mapping, address
// checks, the channel's own refusals, and the factory.
#include <gtest/gtest.h>

#include "ipc/common/clock.hpp"
#include "services/grpc/grpc_channel.hpp"
#include "services/grpc/grpc_deadline.hpp"
#include "services/grpc/grpc_status.hpp"
#include "services/make_transport.hpp"
#include "services/method_specs.hpp"
#include "tests/unit/services/transport_world.hpp"

namespace pipescale::test {
namespace {

using ipc::StatusCode;

TEST(GrpcStatus, MapsEveryCodeOneToOneBothWays) {
  for (std::uint16_t value = 0; value <= ipc::kLargestStatusCode; ++value) {
    const auto ours = static_cast<StatusCode>(value);
    const auto theirs = static_cast<grpc::StatusCode>(value);
    EXPECT_EQ(services::to_grpc(ours), theirs) << ipc::to_string(ours);
    EXPECT_EQ(services::from_grpc(theirs), ours) << ipc::to_string(ours);
    EXPECT_EQ(services::from_grpc(services::to_grpc(ours)), ours);
  }
}

TEST(GrpcStatus, ReadsACodeOutsideTheRangeAsUnknown) {
  EXPECT_EQ(services::from_grpc(grpc::StatusCode::DO_NOT_USE), StatusCode::kUnknown);
  EXPECT_EQ(services::from_grpc(static_cast<grpc::StatusCode>(17)), StatusCode::kUnknown);
}

TEST(GrpcDeadline, KeepsNoDeadlineAsNone) {
  const std::int64_t now = ipc::monotonic_ns();
  const gpr_timespec none = services::to_grpc_deadline(0, now);
  EXPECT_EQ(gpr_time_cmp(none, gpr_inf_future(none.clock_type)), 0);
  EXPECT_EQ(services::from_grpc_deadline(none, now), 0);
}

TEST(GrpcDeadline, CarriesADeadlineThereAndBack) {
  const std::int64_t now = ipc::monotonic_ns();
  const std::int64_t deadline = now + 1500 * kMs;
  const std::int64_t back = services::from_grpc_deadline(services::to_grpc_deadline(deadline, now), now);
  EXPECT_NEAR(static_cast<double>(back), static_cast<double>(deadline), 5.0 * kMs);
}

TEST(GrpcDeadline, KeepsAPassedDeadlinePassed) {
  const std::int64_t now = ipc::monotonic_ns();
  const std::int64_t back = services::from_grpc_deadline(services::to_grpc_deadline(now - 10 * kMs, now), now);
  EXPECT_NE(back, 0);
  EXPECT_LE(back, now);
}

TEST(GrpcAddress, AcceptsUnixSocketsAndHostPorts) {
  for (const char* address : {"unix:/tmp/pipescale.sock", "127.0.0.1:0", "localhost:50051", "[::1]:7000"}) {
    EXPECT_TRUE(services::check_grpc_address(address).ok()) << address;
  }
}

TEST(GrpcAddress, RefusesWhatIsNeitherAndSaysWhy) {
  EXPECT_NE(services::check_grpc_address("unix:").error().message.find("socket path"), std::string::npos);
  EXPECT_NE(services::check_grpc_address("localhost").error().message.find("HOST:PORT"), std::string::npos);
  EXPECT_NE(services::check_grpc_address("localhost:http").error().message.find("'http'"), std::string::npos);
  EXPECT_FALSE(services::check_grpc_address("localhost:70000").ok());
}

class GrpcChannelTest : public ::testing::Test {
 protected:
  // A channel to a socket nobody listens on.
  std::unique_ptr<services::GrpcChannel> channel_to_nowhere(std::uint32_t window = 4) {
    auto channel = services::GrpcChannel::create("unix:" + directory_.path() + "/nobody.sock",
                                                 services::all_method_specs(), {.window = window}, nullptr);
    EXPECT_TRUE(channel.ok());
    return std::move(channel).value();
  }
  static std::span<const std::byte> feedback_bytes(Builder& builder) {
    builder.Finish(build_feedback(builder, 1));
    return {reinterpret_cast<const std::byte*>(builder.GetBufferPointer()), builder.GetSize()};
  }
  static std::int64_t soon() { return ipc::monotonic_ns() + 5000 * kMs; }

  TempDir directory_;
  Builder builder_;
};

TEST_F(GrpcChannelTest, RefusesAMethodIdWithNoRouteAtTheStart) {
  auto channel = channel_to_nowhere();
  int completions = 0;
  EXPECT_EQ(channel->call_async(0x02FF, feedback_bytes(builder_), soon(),
                                [&completions](const ipc::Reply&) { ++completions; }),
            StatusCode::kUnimplemented);
  EXPECT_EQ(channel->in_flight(), 0u);
  EXPECT_EQ(completions, 0);
}

TEST_F(GrpcChannelTest, AnswersUnavailableWhenNobodyListens) {
  auto channel = channel_to_nowhere();
  EXPECT_EQ(channel->call(services::FrontendRpc::SendFeedback::kId, feedback_bytes(builder_), soon(), {}),
            StatusCode::kUnavailable);
}

TEST_F(GrpcChannelTest, RefusesACallWhenTheWindowIsFull) {
  auto channel = channel_to_nowhere(1);
  const auto bytes = feedback_bytes(builder_);
  StatusCode outcome = StatusCode::kUnknown;
  ASSERT_EQ(channel->call_async(services::FrontendRpc::SendFeedback::kId, bytes, soon(),
                                [&outcome](const ipc::Reply& reply) { outcome = reply.status; }),
            StatusCode::kOk);
  EXPECT_EQ(channel->call_async(services::FrontendRpc::SendFeedback::kId, bytes, soon(), {}),
            StatusCode::kResourceExhausted);
  const std::int64_t give_up = ipc::monotonic_ns() + 5000 * kMs;
  while (channel->in_flight() != 0 && ipc::monotonic_ns() < give_up) channel->poll(ipc::monotonic_ns());
  EXPECT_EQ(outcome, StatusCode::kUnavailable);
}

TEST_F(GrpcChannelTest, CompletesPendingCallsWithCancelledWhenDestroyed) {
  auto channel = channel_to_nowhere();
  int completions = 0;
  StatusCode outcome = StatusCode::kUnknown;
  ASSERT_EQ(channel->call_async(services::FrontendRpc::SendFeedback::kId, feedback_bytes(builder_), soon(),
                                [&](const ipc::Reply& reply) {
                                  ++completions;
                                  outcome = reply.status;
                                }),
            StatusCode::kOk);
  channel.reset();
  EXPECT_EQ(completions, 1);
  EXPECT_EQ(outcome, StatusCode::kCancelled);
}

TEST(MakeTransport, MakesTheKindTheConfigurationNames) {
  auto grpc_transport = services::make_transport({.kind = services::TransportKind::kGrpc});
  ASSERT_TRUE(grpc_transport.ok());
  EXPECT_EQ((*grpc_transport)->kind(), services::TransportKind::kGrpc);
  auto shm_transport = services::make_transport({.kind = services::TransportKind::kShm});
  ASSERT_FALSE(shm_transport.ok());
  EXPECT_NE(shm_transport.error().message.find("no segment"), std::string::npos);
}

TEST(MakeTransport, SaysWhereItCannotListen) {
  TestHandlers handlers;
  services::FrontendDispatcher frontend(handlers);
  auto transport = services::make_transport({.kind = services::TransportKind::kGrpc});
  ASSERT_TRUE(transport.ok());
  ASSERT_TRUE((*transport)->serve(frontend).ok());
  auto listening = (*transport)->listen("unix:/nonexistent-directory/server.sock");
  ASSERT_FALSE(listening.ok());
  EXPECT_NE(listening.error().message.find("/nonexistent-directory/server.sock"), std::string::npos);
}

}  // namespace
}  // namespace pipescale::test

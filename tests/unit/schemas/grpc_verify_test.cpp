// schemas/grpc_verify.hpp and the generated gRPC services: a message read from a gRPC slice at
// any address, and service names that match the method descriptors.
#include "schemas/grpc_verify.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <flatbuffers/grpc.h>
#include <grpcpp/support/slice.h>
#include <gtest/gtest.h>
#include <string>

#include "schemas/method_ids.hpp"
#include "schemas/services.grpc.fb.h"

namespace pipescale::schema {
namespace {

void no_destroy(void* /*unused*/) {}

// gRPC often hands over a message that starts at an odd address (inside its receive buffer).
TEST(GrpcVerify, ReadsAMessageFromASliceAtAnOddAddress) {
  flatbuffers::grpc::MessageBuilder builder;
  builder.Finish(CreateFeedback(builder, 12, 1, WorkerState::Active, WorkerState::WarmingUp, 123, 9));
  const flatbuffers::grpc::Message<Feedback> built = builder.ReleaseMessage<Feedback>();

  alignas(8) std::byte storage[256] = {};
  ASSERT_LT(built.size() + 1, sizeof storage);
  std::memcpy(storage + 1, built.data(), built.size());
  const flatbuffers::grpc::Message<Feedback> received(::grpc::Slice(storage + 1, built.size(), &no_destroy));

  AlignedScratch scratch;
  const Feedback* feedback = verified_root(received, scratch);
  ASSERT_NE(feedback, nullptr);
  EXPECT_EQ(feedback->worker_id(), 12U);
  EXPECT_EQ(feedback->state(), WorkerState::Active);
  EXPECT_EQ(feedback->changed_ns(), 123);
}

TEST(GrpcVerify, RefusesGarbage) {
  alignas(8) std::byte junk[16];
  std::memset(junk, 0xA5, sizeof junk);
  const flatbuffers::grpc::Message<Batch> received(::grpc::Slice(junk, sizeof junk, &no_destroy));
  AlignedScratch scratch;
  EXPECT_EQ(verified_root(received, scratch), nullptr);
}

// The ring transport routes by method id, gRPC by path: both must name the same rpc.
TEST(GrpcServices, HaveTheNamesOfTheMethodDescriptors) {
  EXPECT_EQ(rpc::ClientService::kName, ClientService::service_full_name());
  EXPECT_EQ(rpc::FrontendService::kName, FrontendService::service_full_name());
  EXPECT_EQ(rpc::WorkerService::kName, WorkerService::service_full_name());
  EXPECT_EQ(rpc::SchedulerService::kName, SchedulerService::service_full_name());
  EXPECT_EQ(std::string(rpc::FrontendService::SendQueueInformation::kGrpcPath),
            std::string("/") + FrontendService::service_full_name() + "/SendQueueInformation");
}

}  // namespace
}  // namespace pipescale::schema

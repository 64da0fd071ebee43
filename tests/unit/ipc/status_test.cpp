#include "ipc/rpc/status.hpp"

#include <gtest/gtest.h>

#if __has_include(<grpcpp/support/status_code_enum.h>)
#include <grpcpp/support/status_code_enum.h>
#define PIPESCALE_HAVE_GRPC_STATUS 1
#endif

namespace pipescale::ipc {
namespace {

TEST(StatusCodeTest, SpellsEachCodeAsGrpcDoes) {
  EXPECT_EQ(to_string(StatusCode::kOk), "OK");
  EXPECT_EQ(to_string(StatusCode::kCancelled), "CANCELLED");
  EXPECT_EQ(to_string(StatusCode::kInvalidArgument), "INVALID_ARGUMENT");
  EXPECT_EQ(to_string(StatusCode::kDeadlineExceeded), "DEADLINE_EXCEEDED");
  EXPECT_EQ(to_string(StatusCode::kResourceExhausted), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(to_string(StatusCode::kUnimplemented), "UNIMPLEMENTED");
  EXPECT_EQ(to_string(StatusCode::kInternal), "INTERNAL");
  EXPECT_EQ(to_string(StatusCode::kUnavailable), "UNAVAILABLE");
  EXPECT_EQ(to_string(static_cast<StatusCode>(200)), "UNKNOWN_STATUS_CODE");
}

TEST(StatusCodeTest, ReadsAnOutOfRangeWireValueAsUnknown) {
  EXPECT_EQ(status_from_wire(14), StatusCode::kUnavailable);
  EXPECT_EQ(status_from_wire(kLargestStatusCode + 1), StatusCode::kUnknown);
}

#ifdef PIPESCALE_HAVE_GRPC_STATUS
constexpr bool same(StatusCode ours, grpc::StatusCode theirs) {
  return static_cast<int>(ours) == static_cast<int>(theirs);
}
static_assert(same(StatusCode::kOk, grpc::OK));
static_assert(same(StatusCode::kCancelled, grpc::CANCELLED));
static_assert(same(StatusCode::kUnknown, grpc::UNKNOWN));
static_assert(same(StatusCode::kInvalidArgument, grpc::INVALID_ARGUMENT));
static_assert(same(StatusCode::kDeadlineExceeded, grpc::DEADLINE_EXCEEDED));
static_assert(same(StatusCode::kNotFound, grpc::NOT_FOUND));
static_assert(same(StatusCode::kAlreadyExists, grpc::ALREADY_EXISTS));
static_assert(same(StatusCode::kPermissionDenied, grpc::PERMISSION_DENIED));
static_assert(same(StatusCode::kResourceExhausted, grpc::RESOURCE_EXHAUSTED));
static_assert(same(StatusCode::kFailedPrecondition, grpc::FAILED_PRECONDITION));
static_assert(same(StatusCode::kAborted, grpc::ABORTED));
static_assert(same(StatusCode::kOutOfRange, grpc::OUT_OF_RANGE));
static_assert(same(StatusCode::kUnimplemented, grpc::UNIMPLEMENTED));
static_assert(same(StatusCode::kInternal, grpc::INTERNAL));
static_assert(same(StatusCode::kUnavailable, grpc::UNAVAILABLE));
static_assert(same(StatusCode::kDataLoss, grpc::DATA_LOSS));
static_assert(same(StatusCode::kUnauthenticated, grpc::UNAUTHENTICATED));
#endif

TEST(StatusCodeTest, HasGrpcsNumbers) {
#ifndef PIPESCALE_HAVE_GRPC_STATUS
  GTEST_SKIP() << "grpcpp headers not installed; the numbers are checked against gRPC's where they are";
#endif
  EXPECT_EQ(static_cast<int>(StatusCode::kUnavailable), 14);
}

}  // namespace
}  // namespace pipescale::ipc

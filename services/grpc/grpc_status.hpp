#pragma once
// Status codes map one to one between the transports: ipc::StatusCode has gRPC's names and
// numbers, so the mapping is a cast, checked here code by code at compile time.
#include <cstdint>
#include <grpcpp/support/status.h>

#include "ipc/rpc/status.hpp"

namespace pipescale::services {

constexpr grpc::StatusCode to_grpc(ipc::StatusCode code) { return static_cast<grpc::StatusCode>(code); }

// A code outside gRPC's documented range (a newer peer's, or DO_NOT_USE) reads as kUnknown.
constexpr ipc::StatusCode from_grpc(grpc::StatusCode code) {
  const int value = static_cast<int>(code);
  return value < 0 ? ipc::StatusCode::kUnknown : ipc::status_from_wire(static_cast<std::uint16_t>(value));
}

namespace detail {
constexpr bool same_code(ipc::StatusCode ours, grpc::StatusCode theirs) {
  return static_cast<int>(ours) == static_cast<int>(theirs) && from_grpc(theirs) == ours && to_grpc(ours) == theirs;
}
}  // namespace detail

static_assert(detail::same_code(ipc::StatusCode::kOk, grpc::StatusCode::OK));
static_assert(detail::same_code(ipc::StatusCode::kCancelled, grpc::StatusCode::CANCELLED));
static_assert(detail::same_code(ipc::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN));
static_assert(detail::same_code(ipc::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT));
static_assert(detail::same_code(ipc::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED));
static_assert(detail::same_code(ipc::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND));
static_assert(detail::same_code(ipc::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS));
static_assert(detail::same_code(ipc::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED));
static_assert(detail::same_code(ipc::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED));
static_assert(detail::same_code(ipc::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION));
static_assert(detail::same_code(ipc::StatusCode::kAborted, grpc::StatusCode::ABORTED));
static_assert(detail::same_code(ipc::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE));
static_assert(detail::same_code(ipc::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED));
static_assert(detail::same_code(ipc::StatusCode::kInternal, grpc::StatusCode::INTERNAL));
static_assert(detail::same_code(ipc::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE));
static_assert(detail::same_code(ipc::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS));
static_assert(detail::same_code(ipc::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED));
static_assert(ipc::kLargestStatusCode == static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));

}  // namespace pipescale::services

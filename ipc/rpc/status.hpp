#pragma once
// The outcome of a call. The names and numbers are gRPC's (grpc::StatusCode), so that the gRPC
// transport maps a status one-to-one with a static_cast and logs read the same on both transports.
// Every code is listed, even those this transport never produces, so the mapping is total.
#include <cstdint>
#include <string_view>

namespace pipescale::ipc {

enum class StatusCode : std::uint16_t {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,  // a payload failed its verifier (request on the server, response on the client)
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,  // window full, request ring full until the deadline, or payload too large
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,  // the server has no handler for the method id
  kInternal = 13,
  kUnavailable = 14,  // the peer died (or is not there)
  kDataLoss = 15,
  kUnauthenticated = 16,
};

inline constexpr std::uint16_t kLargestStatusCode = 16;

// "OK", "DEADLINE_EXCEEDED", ...: gRPC's spelling.
std::string_view to_string(StatusCode code);

// A status word read from a peer: values outside the enum become kUnknown.
constexpr StatusCode status_from_wire(std::uint16_t value) {
  return value <= kLargestStatusCode ? static_cast<StatusCode>(value) : StatusCode::kUnknown;
}

}  // namespace pipescale::ipc

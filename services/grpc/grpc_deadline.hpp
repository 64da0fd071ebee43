#pragma once
// Deadlines cross between the project's clock (CLOCK_MONOTONIC ns, 0 for none) and gRPC's.
// Converted as a time remaining, re-based on gRPC's own monotonic clock: gRPC's
// GPR_CLOCK_MONOTONIC is CLOCK_MONOTONIC shifted by a constant of its own, so the raw numbers
// cannot be passed across, and the wall clock can jump.
#include <cstdint>
#include <grpc/support/time.h>

namespace pipescale::services {

// For ClientContext::set_deadline. 0 is no deadline (infinitely far).
gpr_timespec to_grpc_deadline(std::int64_t deadline_ns, std::int64_t now_ns);

// From ServerContext::raw_deadline(), in any gRPC clock. An infinite deadline becomes 0.
std::int64_t from_grpc_deadline(gpr_timespec deadline, std::int64_t now_ns);

}  // namespace pipescale::services

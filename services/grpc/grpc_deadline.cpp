#include "services/grpc/grpc_deadline.hpp"

#include <algorithm>
#include <climits>

namespace pipescale::services {

namespace {
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
}  // namespace

gpr_timespec to_grpc_deadline(std::int64_t deadline_ns, std::int64_t now_ns) {
  if (deadline_ns == 0) return gpr_inf_future(GPR_CLOCK_MONOTONIC);
  const std::int64_t remaining_ns = deadline_ns > now_ns ? deadline_ns - now_ns : 0;
  return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_nanos(remaining_ns, GPR_TIMESPAN));
}

std::int64_t from_grpc_deadline(gpr_timespec deadline, std::int64_t now_ns) {
  if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) == 0) return 0;
  const gpr_timespec monotonic = gpr_convert_clock_type(deadline, GPR_CLOCK_MONOTONIC);
  const gpr_timespec remaining = gpr_time_sub(monotonic, gpr_now(GPR_CLOCK_MONOTONIC));
  if (remaining.tv_sec >= INT64_MAX / kNsPerSecond - 1) return 0;  // as good as none
  const std::int64_t remaining_ns = remaining.tv_sec * kNsPerSecond + remaining.tv_nsec;
  // A deadline already past stays past (never 0, which would mean none).
  return remaining_ns > 0 ? now_ns + remaining_ns : std::max<std::int64_t>(now_ns - 1, 1);
}

}  // namespace pipescale::services

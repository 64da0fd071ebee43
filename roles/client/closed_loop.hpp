#pragma once
// The users of a closed-loop Client: each has at most one request in flight and sends its next
// one a think time after the previous one came back (completed, dropped or failed). Think times
// are exponential with the configured mean, or 0, drawn from the run's seed.
//
// Users ready to send wait in a min-heap by ready time, reserved up front, so neither a send nor
// a return allocates (besides the per-request user index, reserved for the expected count).
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "roles/client/trace/random_variates.hpp"

namespace pipescale::roles {

class ClosedLoopUsers {
 public:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  ClosedLoopUsers(std::uint32_t users, std::int64_t think_mean_ns, std::uint64_t seed, std::size_t expected_requests);

  // Every user is ready a think time after start_ns (at start_ns exactly without think time).
  void start(std::int64_t start_ns);
  // When the next ready user may send; kNever while every user waits for a request.
  [[nodiscard]] std::int64_t next_ready_ns() const { return ready_.empty() ? kNever : ready_.front().first; }
  // Takes the next ready user, who sends `request_id` now.
  void send_next(std::uint64_t request_id);
  // Request `request_id` came back at now_ns: its user thinks, then is ready again.
  void returned(std::uint64_t request_id, std::int64_t now_ns);
  [[nodiscard]] std::uint32_t users() const { return users_; }

 private:
  using Ready = std::pair<std::int64_t, std::uint32_t>;  // (ready at, user)
  void make_ready(std::uint32_t user, std::int64_t at_ns);
  std::int64_t think_ns();

  std::uint32_t users_;
  std::int64_t think_mean_ns_;
  RandomVariates random_;
  std::vector<Ready> ready_;            // a min-heap by time, then user
  std::vector<std::uint32_t> user_of_;  // by request id
};

}  // namespace pipescale::roles

#include "roles/client/closed_loop.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace pipescale::roles {

ClosedLoopUsers::ClosedLoopUsers(std::uint32_t users, std::int64_t think_mean_ns, std::uint64_t seed,
                                 std::size_t expected_requests)
    : users_(users), think_mean_ns_(think_mean_ns), random_(seed) {
  ready_.reserve(users);
  user_of_.reserve(expected_requests);
}

std::int64_t ClosedLoopUsers::think_ns() {
  if (think_mean_ns_ <= 0) return 0;
  return std::llround(random_.exponential() * static_cast<double>(think_mean_ns_));
}

void ClosedLoopUsers::make_ready(std::uint32_t user, std::int64_t at_ns) {
  ready_.emplace_back(at_ns, user);
  std::push_heap(ready_.begin(), ready_.end(), std::greater<>());
}

void ClosedLoopUsers::start(std::int64_t start_ns) {
  ready_.clear();
  for (std::uint32_t user = 0; user < users_; ++user) make_ready(user, start_ns + think_ns());
}

void ClosedLoopUsers::send_next(std::uint64_t request_id) {
  if (ready_.empty()) return;
  std::pop_heap(ready_.begin(), ready_.end(), std::greater<>());
  const std::uint32_t user = ready_.back().second;
  ready_.pop_back();
  if (request_id >= user_of_.size()) user_of_.resize(request_id + 1, users_);
  user_of_[request_id] = user;
}

void ClosedLoopUsers::returned(std::uint64_t request_id, std::int64_t now_ns) {
  if (request_id >= user_of_.size() || user_of_[request_id] >= users_) return;
  const std::uint32_t user = user_of_[request_id];
  user_of_[request_id] = users_;  // a second return of the same id frees no one
  make_ready(user, now_ns + think_ns());
}

}  // namespace pipescale::roles

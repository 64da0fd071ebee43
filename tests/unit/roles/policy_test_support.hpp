#pragma once
// What the policy tests share: profiles in milliseconds and the policies made by name, as the
// Frontend and the Scheduler make them.
#include <cstdint>
#include <utility>
#include <vector>

#include "roles/common/latency_profile.hpp"

namespace pipescale::roles::policy_test {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000'000'000;

inline LatencyProfile profile_of(const std::vector<std::pair<int, double>>& pairs) {
  return std::move(LatencyProfile::from_pairs(pairs, "test")).value();
}
// The default pipeline's detect stage (configs/profiles/detect.csv).
inline LatencyProfile detect_profile() { return profile_of({{1, 10.0}, {8, 25.0}, {16, 40.0}, {32, 70.0}}); }

}  // namespace pipescale::roles::policy_test

#pragma once
// The placement policy's choices, shared by the config and the planner.
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

namespace pipescale::engine {

// spread: consecutive processes on different NUMA nodes (packages in turn); compact: fill the
// machine in hwloc's logical order, one node after the other.
enum class PlacementPolicy : std::uint8_t { kSpread, kCompact };
// avoid: a core's second hardware thread only once every core the process may use is busy (but
// before two processes share one PU); allow: threads are places like cores.
enum class SmtUse : std::uint8_t { kAvoid, kAllow };

inline constexpr std::array<std::pair<std::string_view, PlacementPolicy>, 2> kPlacementPolicyNames{
    {{"spread", PlacementPolicy::kSpread}, {"compact", PlacementPolicy::kCompact}}};
inline constexpr std::array<std::pair<std::string_view, SmtUse>, 2> kSmtNames{
    {{"avoid", SmtUse::kAvoid}, {"allow", SmtUse::kAllow}}};

constexpr std::string_view policy_name(PlacementPolicy policy) {
  return policy == PlacementPolicy::kSpread ? "spread" : "compact";
}
constexpr std::string_view smt_name(SmtUse smt) { return smt == SmtUse::kAvoid ? "avoid" : "allow"; }

}  // namespace pipescale::engine

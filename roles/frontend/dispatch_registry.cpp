// The dispatch policies by name: one line each in PIPESCALE_DISPATCH_POLICIES, the name a config
// writes and the factory that the policy's own file defines. The first is the default.
#include <array>

#include "roles/common/policy_registry.hpp"
#include "roles/frontend/dispatch_policy.hpp"

#define PIPESCALE_DISPATCH_POLICIES(X)          \
  X("least_loaded", make_least_loaded_dispatch) \
  X("round_robin", make_round_robin_dispatch)   \
  X("power_of_two", make_power_of_two_dispatch)

namespace pipescale::roles {

#define PIPESCALE_DECLARE(name, factory) std::unique_ptr<DispatchPolicy> factory(const DispatchParams& params);
PIPESCALE_DISPATCH_POLICIES(PIPESCALE_DECLARE)
#undef PIPESCALE_DECLARE

namespace {

using Entry = PolicyEntry<DispatchPolicy, DispatchParams>;
#define PIPESCALE_ENTRY(name, factory) Entry{name, &(factory)},
constexpr std::array kEntries{PIPESCALE_DISPATCH_POLICIES(PIPESCALE_ENTRY)};
#undef PIPESCALE_ENTRY
#define PIPESCALE_NAME(name, factory) std::string_view{name},
constexpr std::array kNames{PIPESCALE_DISPATCH_POLICIES(PIPESCALE_NAME)};
#undef PIPESCALE_NAME

}  // namespace

std::span<const std::string_view> dispatch_policy_names() { return kNames; }

std::unique_ptr<DispatchPolicy> make_dispatch_policy(std::string_view name, const DispatchParams& params) {
  return make_named<DispatchPolicy, DispatchParams>(kEntries, name, params);
}

}  // namespace pipescale::roles

// The scaling policies by name: one line each in PIPESCALE_SCALING_POLICIES, the name a config
// writes and the factory that the policy's own file defines. The first is the default.
#include <array>

#include "roles/common/policy_registry.hpp"
#include "roles/scheduler/scaling_policy.hpp"

#define PIPESCALE_SCALING_POLICIES(X)  \
  X("reactive", make_reactive_scaling) \
  X("static", make_static_scaling)     \
  X("predictive", make_predictive_scaling)

namespace pipescale::roles {

#define PIPESCALE_DECLARE(name, factory) std::unique_ptr<ScalingPolicy> factory(const ScalingParams& params);
PIPESCALE_SCALING_POLICIES(PIPESCALE_DECLARE)
#undef PIPESCALE_DECLARE

namespace {

using Entry = PolicyEntry<ScalingPolicy, ScalingParams>;
#define PIPESCALE_ENTRY(name, factory) Entry{name, &(factory)},
constexpr std::array kEntries{PIPESCALE_SCALING_POLICIES(PIPESCALE_ENTRY)};
#undef PIPESCALE_ENTRY
#define PIPESCALE_NAME(name, factory) std::string_view{name},
constexpr std::array kNames{PIPESCALE_SCALING_POLICIES(PIPESCALE_NAME)};
#undef PIPESCALE_NAME

}  // namespace

std::span<const std::string_view> scaling_policy_names() { return kNames; }

std::unique_ptr<ScalingPolicy> make_scaling_policy(std::string_view name, const ScalingParams& params) {
  return make_named<ScalingPolicy, ScalingParams>(kEntries, name, params);
}

}  // namespace pipescale::roles

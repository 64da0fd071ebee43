// The drop policies by name: one line each in PIPESCALE_DROP_POLICIES, the name a config
// writes and the factory that the policy's own file defines. The first is the default.
#include <array>

#include "roles/common/policy_registry.hpp"
#include "roles/frontend/drop_policy.hpp"

#define PIPESCALE_DROP_POLICIES(X)    \
  X("deadline", make_deadline_drop)   \
  X("start_now", make_start_now_drop) \
  X("never", make_never_drop)

namespace pipescale::roles {

#define PIPESCALE_DECLARE(name, factory) std::unique_ptr<DropPolicy> factory(const DropParams& params);
PIPESCALE_DROP_POLICIES(PIPESCALE_DECLARE)
#undef PIPESCALE_DECLARE

namespace {

using Entry = PolicyEntry<DropPolicy, DropParams>;
#define PIPESCALE_ENTRY(name, factory) Entry{name, &(factory)},
constexpr std::array kEntries{PIPESCALE_DROP_POLICIES(PIPESCALE_ENTRY)};
#undef PIPESCALE_ENTRY
#define PIPESCALE_NAME(name, factory) std::string_view{name},
constexpr std::array kNames{PIPESCALE_DROP_POLICIES(PIPESCALE_NAME)};
#undef PIPESCALE_NAME

}  // namespace

std::span<const std::string_view> drop_policy_names() { return kNames; }

std::unique_ptr<DropPolicy> make_drop_policy(std::string_view name, const DropParams& params) {
  return make_named<DropPolicy, DropParams>(kEntries, name, params);
}

}  // namespace pipescale::roles

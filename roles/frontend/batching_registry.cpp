// The batching policies by name: one line each in PIPESCALE_BATCHING_POLICIES, the name a config
// writes and the factory that the policy's own file defines. The first is the default.
#include <array>

#include "roles/common/policy_registry.hpp"
#include "roles/frontend/batching_policy.hpp"

#define PIPESCALE_BATCHING_POLICIES(X)  \
  X("deadline", make_deadline_batching) \
  X("timeout", make_timeout_batching)   \
  X("aimd", make_aimd_batching)

namespace pipescale::roles {

#define PIPESCALE_DECLARE(name, factory) std::unique_ptr<BatchingPolicy> factory(const BatchingParams& params);
PIPESCALE_BATCHING_POLICIES(PIPESCALE_DECLARE)
#undef PIPESCALE_DECLARE

namespace {

using Entry = PolicyEntry<BatchingPolicy, BatchingParams>;
#define PIPESCALE_ENTRY(name, factory) Entry{name, &(factory)},
constexpr std::array kEntries{PIPESCALE_BATCHING_POLICIES(PIPESCALE_ENTRY)};
#undef PIPESCALE_ENTRY
#define PIPESCALE_NAME(name, factory) std::string_view{name},
constexpr std::array kNames{PIPESCALE_BATCHING_POLICIES(PIPESCALE_NAME)};
#undef PIPESCALE_NAME

}  // namespace

std::span<const std::string_view> batching_policy_names() { return kNames; }

std::unique_ptr<BatchingPolicy> make_batching_policy(std::string_view name, const BatchingParams& params) {
  return make_named<BatchingPolicy, BatchingParams>(kEntries, name, params);
}

}  // namespace pipescale::roles

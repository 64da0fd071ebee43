#pragma once
// Drop policies (stages[].drop): whether a request is hopeless and goes straight back to the
// Client instead of into a batch. One implementation per file (drop_<name>.cpp), registered by one
// line in drop_registry.cpp; the rules and a worked example in README.md, "The drop rule".
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "roles/common/latency_profile.hpp"
#include "roles/frontend/frontend_policy.hpp"

namespace pipescale::roles {

// One request, as the drop rule weighs it.
struct DropCheck {
  std::int64_t now_ns = 0;
  std::int64_t finish_ns = 0;  // when it would leave this stage (estimate_finish_ns for its place)
  std::int64_t deadline_ns = 0;
  std::int64_t downstream_backlog_ns = 0;  // the later stages' reported backlog beyond their fastest path
};

struct DropParams {
  LatencyProfile profile;  // this stage's
  DeadlinePath path;       // what lies between this stage's Workers and the Client
};

class DropPolicy {
 public:
  DropPolicy() = default;
  DropPolicy(const DropPolicy&) = delete;
  DropPolicy& operator=(const DropPolicy&) = delete;
  virtual ~DropPolicy() = default;

  [[nodiscard]] virtual bool should_drop(const DropCheck& check) const = 0;
  // False for a policy that never drops: the Frontend then sets no timer for a hopeless head.
  [[nodiscard]] virtual bool drops() const { return true; }
};

[[nodiscard]] std::span<const std::string_view> drop_policy_names();
[[nodiscard]] std::unique_ptr<DropPolicy> make_drop_policy(std::string_view name, const DropParams& params);

}  // namespace pipescale::roles

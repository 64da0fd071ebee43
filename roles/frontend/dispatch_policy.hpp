#pragma once
// Dispatch policies (stages[].dispatch): which Worker gets the batch being cut. One
// implementation per file (dispatch_<name>.cpp), registered by one line in dispatch_registry.cpp;
// formulas, sources and worked examples in README.md, "Dispatch".
//
// pick() sees every Worker of the stage; those not marked active (off, warming, draining, dead,
// or already holding as many batches as a Worker may) are not candidates. It may be asked several
// times before a batch is sent (the Frontend picks the Worker first, then decides whether to cut
// for it); on_dispatched() tells the policy which one got it. No allocation, and with a fixed
// seed the same answers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "roles/frontend/frontend_policy.hpp"

namespace pipescale::roles {

struct DispatchParams {
  std::uint64_t seed = 1;  // run.seed, mixed with the stage so that stages draw differently
};

class DispatchPolicy {
 public:
  DispatchPolicy() = default;
  DispatchPolicy(const DispatchPolicy&) = delete;
  DispatchPolicy& operator=(const DispatchPolicy&) = delete;
  virtual ~DispatchPolicy() = default;

  // The Worker for the next batch; std::nullopt when none is active.
  [[nodiscard]] virtual std::optional<std::size_t> pick(std::span<const WorkerView> workers, std::int64_t now_ns) = 0;
  virtual void on_dispatched(std::size_t /*worker*/) {}
};

[[nodiscard]] std::span<const std::string_view> dispatch_policy_names();
[[nodiscard]] std::unique_ptr<DispatchPolicy> make_dispatch_policy(std::string_view name, const DispatchParams& params);

}  // namespace pipescale::roles

#include "engine/runtime/placement_plan.hpp"

namespace pipescale::engine {

PlacementPlan plan_placement(const Topology& topology, const std::vector<int>& pus) {
  PlacementPlan plan;
  plan.pus = pus;
  const std::size_t n = topology.processes.size();
  plan.oversubscribed = pus.empty() || n > pus.size();
  for (std::size_t i = 0; i < n; ++i) {
    ProcessPlacement placement;
    placement.process = &topology.processes[i];
    if (!pus.empty()) placement.cpus.push_back(pus[i % pus.size()]);
    plan.processes.push_back(std::move(placement));
  }
  if (plan.oversubscribed) {
    plan.wait = ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, kOversubscribedSpinNs, 20'000'000};
    plan.notice = std::to_string(n) + " processes on " + std::to_string(pus.size()) +
                  " CPUs: placed round-robin; each waits with spin-then-park and a " +
                  std::to_string(kOversubscribedSpinNs / 1000) + " us spin, so that no spinner starves another";
  } else {
    plan.wait = ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, 50'000, 20'000'000};
  }
  return plan;
}

}  // namespace pipescale::engine

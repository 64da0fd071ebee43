#pragma once
// Which CPUs each role process runs on, and how its runner waits. Each process gets a processing
// unit of its own while there are enough; beyond that they are spread round-robin and a spinning
// process would take the CPU another one needs, so every runner spins only briefly before it
// parks (the plan's notice says so, and the launcher prints it).
#include <string>
#include <vector>

#include "engine/runtime/topology.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::engine {

struct ProcessPlacement {
  const ProcessSpec* process = nullptr;
  std::vector<int> cpus;  // OS PU indexes
};

struct PlacementPlan {
  std::vector<ProcessPlacement> processes;  // topology order
  std::vector<int> pus;                     // the PUs the run may use
  bool oversubscribed = false;
  ipc::WaitOptions wait{};
  std::string notice;  // one line, empty when each process has its own PU
};

// Spin budget of a runner on an oversubscribed machine: long enough to catch an answer that
// comes back at once, short enough not to steal a time slice.
inline constexpr std::int64_t kOversubscribedSpinNs = 10'000;

PlacementPlan plan_placement(const Topology& topology, const std::vector<int>& pus);

}  // namespace pipescale::engine

#pragma once
// The placement planner: which PUs each process of a run gets, its NUMA node and how its runner
// waits. Pure: a Machine and the requests in, a plan or a refusal naming the request out.
// engine/placement/README.md describes the policy in words, with worked examples.
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/placement/machine.hpp"
#include "engine/placement/policy.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::engine {

// What one role or stage asks for; it applies to every process of that role or stage.
struct PlacementRequest {
  std::string label;            // names it in refusals: "stages.detect", "placement.client"
  std::int32_t numa_node = -1;  // -1: any node
  std::vector<int> cpus;        // explicit PUs (OS indexes); empty: the planner chooses
  bool dedicated = false;       // each process gets a core of its own, and spins
};

struct PlanProcess {
  std::string name;
  int request = -1;  // index into PlanInput::requests; -1: no request
};

struct PlanInput {
  PlacementPolicy policy = PlacementPolicy::kSpread;
  SmtUse smt = SmtUse::kAvoid;
  std::vector<PlacementRequest> requests;
  std::vector<PlanProcess> processes;
};

struct ProcessPlan {
  std::string name;
  std::vector<int> cpus;  // OS PU indexes
  int numa_node = 0;
  bool dedicated = false;
  bool shares_pu = false;  // another process runs on the same PU
  ipc::WaitOptions wait{};
};

struct Plan {
  std::vector<ProcessPlan> processes;  // in PlanInput order
  bool oversubscribed = false;         // some PU runs more than one process
  std::string notice;                  // one line when oversubscribed, else empty
};

// Spin budgets: a process with a PU of its own spins this long after its last work before it
// parks; one that shares its PU spins only briefly, so as not to take the time slice another needs.
inline constexpr std::int64_t kOwnPuSpinNs = 50'000;
inline constexpr std::int64_t kSharedPuSpinNs = 10'000;
inline constexpr std::int64_t kMaxParkNs = 20'000'000;

// Refuses, naming the request: a node the machine lacks, PUs it lacks, PUs off the requested
// node, explicit sets that overlap, dedicated processes without enough free cores.
Result<Plan> plan_placement(const Machine& machine, const PlanInput& input);

}  // namespace pipescale::engine

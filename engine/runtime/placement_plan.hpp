#pragma once
// A run's placement: the planner of engine/placement applied to the run's processes and the
// config's requests, with the NUMA node of every ring (its consumer's). `pipescale plan` prints
// it; `pipescale run` binds each process and each ring by it and records it in placement.json.
#include <string>
#include <vector>

#include "base/metrics/json_writer.hpp"
#include "engine/config/config.hpp"
#include "engine/placement/machine.hpp"
#include "engine/placement/memory_binding.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/wait/wait_strategy.hpp"

namespace pipescale::engine {

struct ProcessPlacement {
  const ProcessSpec* process = nullptr;
  std::vector<int> cpus;  // OS PU indexes
  int numa_node = 0;
  bool dedicated = false;
  bool shares_pu = false;
  ipc::WaitOptions wait{};
};

// One ring of a link: its requests are read by the callee, its responses by the caller.
struct RingPlacement {
  std::string region;  // "<link>.req" or "<link>.rsp", its region in the run's segment
  std::string consumer;
  int numa_node = 0;
};

struct PlacementPlan {
  Machine machine;
  PlacementPolicy policy = PlacementPolicy::kSpread;
  SmtUse smt = SmtUse::kAvoid;
  std::vector<ProcessPlacement> processes;  // topology order
  std::vector<RingPlacement> rings;         // over shared memory only; link order, .req then .rsp
  bool oversubscribed = false;
  std::string notice;  // one line, empty when each process has its own PU

  [[nodiscard]] int node_of(const std::string& process) const;  // -1 for an unknown name
};

// Refuses, naming the request, what the machine cannot do (see engine/placement/planner.hpp).
Result<PlacementPlan> plan_run(const PipelineConfig& config, const Topology& topology, Machine machine);

// What `pipescale run` observed once its processes had bound themselves.
struct BoundProcess {
  int pid = 0;
  std::string cpus;  // Cpus_allowed_list from /proc/<pid>/status; "" if unread
};
struct PlacementRecord {
  std::vector<BoundProcess> processes;  // plan order
  std::vector<AreaBinding> rings;       // plan order
};

// {"topology": {...}, "policy", "smt", "oversubscribed", "notice", "processes": [...], "rings": [...]};
// with a record, each process also has "pid" and "bound_cpus", each ring "bound" and "location".
void write_plan_json(JsonWriter& json, const PlacementPlan& plan, const PipelineConfig& config,
                     const PlacementRecord* record = nullptr);
// The same for a person: the topology, then one line per process and per ring.
std::string plan_text(const PlacementPlan& plan, const PipelineConfig& config);

}  // namespace pipescale::engine

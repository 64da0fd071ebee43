#include "engine/runtime/placement_plan.hpp"

#include <cstdio>

#include "engine/placement/cpu_list.hpp"
#include "engine/placement/planner.hpp"

namespace pipescale::engine {
namespace {

// One request per role and per stage, in the order the config writes them.
PlanInput plan_input(const PipelineConfig& config, const Topology& topology) {
  PlanInput input;
  input.policy = config.placement.policy;
  input.smt = config.placement.smt;
  auto request = [&](std::string label, const ProcessPlacementConfig& placement) {
    input.requests.push_back({std::move(label), placement.numa_node, placement.cpus, placement.dedicated});
  };
  request("placement.client", config.placement.client);
  request("placement.scheduler", config.placement.scheduler);
  for (const StageConfig& stage : config.stages) request("stages." + stage.name, stage.placement);
  for (const ProcessSpec& process : topology.processes) {
    int index = 2 + process.stage;  // frontends and workers: their stage's request
    if (process.role == RoleKind::kClient) index = 0;
    if (process.role == RoleKind::kScheduler) index = 1;
    input.processes.push_back({process.name, index});
  }
  return input;
}

void write_topology(JsonWriter& json, const Machine& machine) {
  json.key("topology").begin_object();
  json.key("source").value(machine.description);
  json.key("packages").value(machine.packages);
  json.key("cores").value(machine.cores);
  json.key("pus").value(machine.all_pus());
  json.key("numa_nodes").begin_array();
  for (const int node : machine.numa_nodes) {
    json.begin_object();
    json.key("os_index").value(node);
    json.key("pus").value(machine.pus_of_node(node));
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

}  // namespace

int PlacementPlan::node_of(const std::string& process) const {
  for (const ProcessPlacement& placement : processes) {
    if (placement.process->name == process) return placement.numa_node;
  }
  return -1;
}

Result<PlacementPlan> plan_run(const PipelineConfig& config, const Topology& topology, Machine machine) {
  auto planned = plan_placement(machine, plan_input(config, topology));
  if (!planned) return planned.error();
  PlacementPlan plan;
  plan.machine = std::move(machine);
  plan.policy = config.placement.policy;
  plan.smt = config.placement.smt;
  plan.oversubscribed = planned->oversubscribed;
  plan.notice = planned->notice;
  for (std::size_t i = 0; i < topology.processes.size(); ++i) {
    const ProcessPlan& process = planned->processes[i];
    plan.processes.push_back(
        {&topology.processes[i], process.cpus, process.numa_node, process.dedicated, process.shares_pu, process.wait});
  }
  if (config.run.transport == Transport::kShm) {
    for (const LinkSpec& link : topology.links) {
      plan.rings.push_back({link.name + ".req", link.callee, plan.node_of(link.callee)});
      plan.rings.push_back({link.name + ".rsp", link.caller, plan.node_of(link.caller)});
    }
  }
  return plan;
}

void write_plan_json(JsonWriter& json, const PlacementPlan& plan, const PipelineConfig& config,
                     const PlacementRecord* record) {
  write_topology(json, plan.machine);
  json.key("policy").value(policy_name(plan.policy));
  json.key("smt").value(smt_name(plan.smt));
  json.key("oversubscribed").value(plan.oversubscribed);
  json.key("notice").value(plan.notice);
  json.key("processes").begin_array();
  for (std::size_t i = 0; i < plan.processes.size(); ++i) {
    const ProcessPlacement& placement = plan.processes[i];
    const ProcessSpec& process = *placement.process;
    json.begin_object();
    json.key("name").value(process.name);
    json.key("role").value(role_name(process.role));
    // Every process has the same keys: null where a role has no stage or index.
    if (process.stage >= 0) {
      json.key("stage").value(process.stage);
      json.key("stage_name").value(config.stages[static_cast<std::size_t>(process.stage)].name);
    } else {
      json.key("stage").null().key("stage_name").null();
    }
    json.key("index");
    if (process.index >= 0) {
      json.value(process.index);
    } else {
      json.null();
    }
    json.key("cpus").value(placement.cpus);
    json.key("numa_node").value(placement.numa_node);
    json.key("dedicated").value(placement.dedicated);
    json.key("wait").value(ipc::to_string(placement.wait.kind));
    json.key("wait_spin_ns").value(placement.wait.spin_ns);
    if (record != nullptr && i < record->processes.size()) {
      json.key("pid").value(record->processes[i].pid);
      json.key("bound_cpus").value(record->processes[i].cpus);
    }
    json.end_object();
  }
  json.end_array();
  json.key("rings").begin_array();
  for (std::size_t i = 0; i < plan.rings.size(); ++i) {
    const RingPlacement& ring = plan.rings[i];
    json.begin_object();
    json.key("ring").value(ring.region);
    json.key("consumer").value(ring.consumer);
    json.key("numa_node").value(ring.numa_node);
    if (record != nullptr && i < record->rings.size()) {
      const AreaBinding& binding = record->rings[i];
      json.key("bound").value(binding.bound);
      if (!binding.error.empty()) json.key("bind_error").value(binding.error);
      json.key("location").value(binding.location);
      json.key("verified").value(binding.verified);
    }
    json.end_object();
  }
  json.end_array();
}

std::string plan_text(const PlacementPlan& plan, const PipelineConfig& config) {
  const Machine& machine = plan.machine;
  std::string out = "topology: " + machine.description + ": " + std::to_string(machine.packages) + " package" +
                    (machine.packages == 1 ? "" : "s") + ", " + std::to_string(machine.numa_nodes.size()) +
                    " NUMA node" + (machine.numa_nodes.size() == 1 ? "" : "s") + ", " + std::to_string(machine.cores) +
                    " cores, " + std::to_string(machine.pus.size()) + " PUs\n";
  for (const int node : machine.numa_nodes) {
    out += "  node " + std::to_string(node) + ": PUs " + format_cpu_list(machine.pus_of_node(node)) + "\n";
  }
  out += "plan: policy " + std::string(policy_name(plan.policy)) + ", smt " + std::string(smt_name(plan.smt)) + "\n";
  if (!plan.notice.empty()) out += "  " + plan.notice + "\n";
  char line[256];
  for (const ProcessPlacement& placement : plan.processes) {
    const ProcessSpec& process = *placement.process;
    const std::string stage = process.stage < 0 ? "-" : config.stages[static_cast<std::size_t>(process.stage)].name;
    const std::string wait = std::string(ipc::to_string(placement.wait.kind)) +
                             (placement.wait.kind == ipc::WaitKind::kSpinThenPark
                                  ? " (" + std::to_string(placement.wait.spin_ns / 1000) + " us spin)"
                                  : "");
    std::snprintf(line, sizeof line, "  %-14s %-10s stage %-12s PUs %-8s node %-3d %s%s\n", process.name.c_str(),
                  std::string(role_name(process.role)).c_str(), stage.c_str(), format_cpu_list(placement.cpus).c_str(),
                  placement.numa_node, wait.c_str(), placement.dedicated ? ", dedicated core" : "");
    out += line;
  }
  if (!plan.rings.empty()) out += "rings (bound to their consumer's node):\n";
  for (const RingPlacement& ring : plan.rings) {
    std::snprintf(line, sizeof line, "  %-32s read by %-14s node %d\n", ring.region.c_str(), ring.consumer.c_str(),
                  ring.numa_node);
    out += line;
  }
  return out;
}

}  // namespace pipescale::engine

// The [placement] table and the placement keys of a role or a stage. Whether a node or a PU exists
// depends on the machine, so the planner checks that; here only the shape of each value.
#include "engine/config/sections.hpp"
#include "engine/placement/cpu_list.hpp"

namespace pipescale::engine::config_detail {

void read_process_placement(TableReader& reader, ProcessPlacementConfig& placement) {
  reader.whole("numa_node", placement.numa_node, -1, 1023, "a NUMA node number from 0 to 1023, or -1 for any node");
  if (const ConfigNode* cpus = reader.take("cpus")) {
    const std::string expectation = "a list of PUs like \"2-5,8\" (or \"\" to let the planner choose)";
    if (cpus->kind == ConfigNode::Kind::kInteger && cpus->integer >= 0 && cpus->integer <= kMaxPuIndex) {
      placement.cpus = {static_cast<int>(cpus->integer)};  // one PU, as `--set stages.x.cpus=3` gives it
    } else if (cpus->kind != ConfigNode::Kind::kString) {
      reader.fail("cpus", *cpus, expectation);
    } else if (!cpus->text.empty()) {
      auto parsed = parse_cpu_list(cpus->text);
      if (parsed) {
        placement.cpus = std::move(*parsed);
      } else {
        reader.fail("cpus", *cpus, expectation + "; " + parsed.error().message);
      }
    }
  }
  reader.flag("dedicated", placement.dedicated);
}

void read_placement(const ConfigNode* table, PlacementConfig& placement, ReadContext& context) {
  TableReader reader(table, "placement", "placement", context);
  reader.choice("policy", placement.policy, kPlacementPolicyNames);
  reader.choice("smt", placement.smt, kSmtNames);
  {
    TableReader client(section(reader, "client"), "placement.role", "placement.client", context);
    read_process_placement(client, placement.client);
  }
  TableReader scheduler(section(reader, "scheduler"), "placement.role", "placement.scheduler", context);
  read_process_placement(scheduler, placement.scheduler);
}

}  // namespace pipescale::engine::config_detail

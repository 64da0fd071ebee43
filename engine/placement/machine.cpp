#include "engine/placement/machine.hpp"

#include <algorithm>

#include "engine/placement/hwloc_topology.hpp"

namespace pipescale::engine {
namespace {

int logical_index_of(hwloc_topology_t topology, hwloc_obj_t pu, hwloc_obj_type_t type) {
  hwloc_obj_t ancestor = hwloc_get_ancestor_obj_by_type(topology, type, pu);
  return ancestor == nullptr ? 0 : static_cast<int>(ancestor->logical_index);
}

}  // namespace

const MachinePu* Machine::find(int os_index) const {
  for (const MachinePu& pu : pus) {
    if (pu.os_index == os_index) return &pu;
  }
  return nullptr;
}

bool Machine::has_node(int numa_node) const {
  return std::find(numa_nodes.begin(), numa_nodes.end(), numa_node) != numa_nodes.end();
}

std::vector<int> Machine::pus_of_node(int numa_node) const {
  std::vector<int> out;
  for (const MachinePu& pu : pus) {
    if (pu.numa_node == numa_node) out.push_back(pu.os_index);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> Machine::all_pus() const {
  std::vector<int> out;
  for (const MachinePu& pu : pus) out.push_back(pu.os_index);
  std::sort(out.begin(), out.end());
  return out;
}

Result<Machine> load_machine(std::string_view source) {
  Machine machine;
  auto loaded = load_hwloc_topology(source);
  if (!loaded) return loaded.error();
  machine.description = loaded->description;
  hwloc_topology_t topology = loaded->topology.get();
  machine.packages = std::max(1, hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PACKAGE));
  const int pu_count = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
  for (int i = 0; i < pu_count; ++i) {
    hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, static_cast<unsigned>(i));
    MachinePu entry;
    entry.os_index = static_cast<int>(pu->os_index);
    hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, pu);
    // A PU without a core (some virtual machines) counts as a core of its own: a number no core has.
    entry.core = core == nullptr ? -1 - i : static_cast<int>(core->logical_index);
    entry.package = logical_index_of(topology, pu, HWLOC_OBJ_PACKAGE);
    // PUs come in logical order, so a core's earlier threads are already in the list.
    entry.sibling = static_cast<int>(std::count_if(machine.pus.begin(), machine.pus.end(),
                                                   [&](const MachinePu& other) { return other.core == entry.core; }));
    machine.pus.push_back(entry);
  }
  // Number the cores 0..n-1 in logical order, counting only those with a PU here.
  std::vector<int> seen;
  for (MachinePu& pu : machine.pus) {
    auto at = std::find(seen.begin(), seen.end(), pu.core);
    if (at == seen.end()) at = seen.insert(seen.end(), pu.core);
    pu.core = static_cast<int>(at - seen.begin());
  }
  machine.cores = static_cast<int>(seen.size());
  // NUMA nodes hang off the tree as memory children in hwloc 2: their cpusets say which PUs are local.
  const int nodes = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE);
  for (int n = 0; n < nodes; ++n) {
    hwloc_obj_t node = hwloc_get_obj_by_type(topology, HWLOC_OBJ_NUMANODE, static_cast<unsigned>(n));
    const int os_index = static_cast<int>(node->os_index);
    machine.numa_nodes.push_back(os_index);
    for (MachinePu& pu : machine.pus) {
      if (hwloc_bitmap_isset(node->cpuset, static_cast<unsigned>(pu.os_index)) != 0) pu.numa_node = os_index;
    }
  }
  if (machine.numa_nodes.empty()) machine.numa_nodes.push_back(0);
  std::sort(machine.numa_nodes.begin(), machine.numa_nodes.end());
  return machine;
}

}  // namespace pipescale::engine

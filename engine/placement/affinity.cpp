#include "engine/placement/affinity.hpp"

#include <hwloc.h>
#include <sched.h>

#include <fstream>
#include <memory>

namespace pipescale::engine {
namespace {

struct TopologyDeleter {
  void operator()(hwloc_topology* topology) const { hwloc_topology_destroy(topology); }
};
using Topology = std::unique_ptr<hwloc_topology, TopologyDeleter>;

Result<Topology> load_topology() {
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) return Error{"hwloc_topology_init failed"};
  Topology topology(raw);
  if (hwloc_topology_load(raw) != 0) return Error{"hwloc_topology_load failed"};
  return topology;
}

}  // namespace

Status bind_process_to_pus(const std::vector<int>& os_pu_indexes) {
  auto topology = load_topology();
  if (!topology) return topology.error();
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  for (const int pu : os_pu_indexes) hwloc_bitmap_set(set, static_cast<unsigned>(pu));
  const int rc = hwloc_set_cpubind(topology->get(), set, HWLOC_CPUBIND_PROCESS | HWLOC_CPUBIND_STRICT);
  char text[256];
  hwloc_bitmap_list_snprintf(text, sizeof text, set);
  hwloc_bitmap_free(set);
  if (rc != 0) return Error{std::string("cannot bind process to PUs ") + text + ": hwloc_set_cpubind failed"};
  return Ok{};
}

std::vector<int> allowed_pus() {
  std::vector<int> pus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return pus;
  for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) pus.push_back(static_cast<int>(cpu));
  }
  return pus;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::vector<int> pick_two_cores() {
  auto topology = load_topology();
  if (!topology) return {0, 0};
  hwloc_topology_t topo = topology->get();
  const int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  std::vector<int> chosen;
  for (int index = 0; index < cores && chosen.size() < 2; ++index) {
    hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, static_cast<unsigned>(index));
    hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, 0);
    if (pu != nullptr) chosen.push_back(static_cast<int>(pu->os_index));
  }
  while (chosen.size() < 2) chosen.push_back(chosen.empty() ? 0 : chosen.front());
  return chosen;
}

}  // namespace pipescale::engine

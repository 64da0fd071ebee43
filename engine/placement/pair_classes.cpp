#include "engine/placement/pair_classes.hpp"

#include <array>
#include <optional>

#include "engine/placement/hwloc_topology.hpp"

namespace pipescale::engine {
namespace {

constexpr std::array<std::string_view, 4> kClassOrder{"smt_siblings", "same_cache", "different_cache",
                                                      "different_node"};

hwloc_obj_t first_pu_of(hwloc_topology_t topology, hwloc_obj_t object) {
  return hwloc_get_obj_inside_cpuset_by_type(topology, object->cpuset, HWLOC_OBJ_PU, 0);
}

// The NUMA node whose cpuset holds the PU; null on a machine without one.
hwloc_obj_t node_of(hwloc_topology_t topology, hwloc_obj_t pu) {
  hwloc_obj_t node = nullptr;
  while ((node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, node)) != nullptr) {
    if (hwloc_bitmap_isset(node->cpuset, pu->os_index) != 0) return node;
  }
  return nullptr;
}

std::string describe(hwloc_obj_t object) {
  char type[64];
  hwloc_obj_type_snprintf(type, sizeof type, object, 0);
  return type;
}

// Two different cores: where their nearest common ancestor puts them.
PuPair classify(hwloc_topology_t topology, hwloc_obj_t a, hwloc_obj_t b) {
  hwloc_obj_t pu_a = first_pu_of(topology, a);
  hwloc_obj_t pu_b = first_pu_of(topology, b);
  PuPair pair{"", static_cast<int>(pu_a->os_index), static_cast<int>(pu_b->os_index), ""};
  hwloc_obj_t node_a = node_of(topology, pu_a);
  hwloc_obj_t node_b = node_of(topology, pu_b);
  hwloc_obj_t common = hwloc_get_common_ancestor_obj(topology, a, b);
  if (node_a != node_b) {
    pair.name = "different_node";
    pair.shared = describe(common);
  } else if (hwloc_obj_type_is_cache(common->type) != 0) {
    pair.name = "same_cache";
    pair.shared = describe(common);
  } else {
    pair.name = "different_cache";
    pair.shared = node_a == nullptr ? describe(common) : "NUMA node " + std::to_string(node_a->os_index);
  }
  return pair;
}

}  // namespace

Result<std::vector<PuPair>> pair_classes(std::string_view source) {
  auto loaded = load_hwloc_topology(source);
  if (!loaded) return loaded.error();
  hwloc_topology_t topology = loaded->topology.get();
  std::array<std::optional<PuPair>, kClassOrder.size()> found;
  const int cores = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
  for (int i = 0; i < cores; ++i) {
    hwloc_obj_t core = hwloc_get_obj_by_type(topology, HWLOC_OBJ_CORE, static_cast<unsigned>(i));
    if (!found[0] && hwloc_get_nbobjs_inside_cpuset_by_type(topology, core->cpuset, HWLOC_OBJ_PU) >= 2) {
      hwloc_obj_t first = hwloc_get_obj_inside_cpuset_by_type(topology, core->cpuset, HWLOC_OBJ_PU, 0);
      hwloc_obj_t second = hwloc_get_obj_inside_cpuset_by_type(topology, core->cpuset, HWLOC_OBJ_PU, 1);
      found[0] = PuPair{"smt_siblings", static_cast<int>(first->os_index), static_cast<int>(second->os_index), "core"};
    }
    for (int j = i + 1; j < cores; ++j) {
      PuPair pair = classify(topology, core, hwloc_get_obj_by_type(topology, HWLOC_OBJ_CORE, static_cast<unsigned>(j)));
      for (std::size_t k = 1; k < kClassOrder.size(); ++k) {
        if (kClassOrder[k] == pair.name && !found[k]) found[k] = pair;
      }
    }
  }
  std::vector<PuPair> pairs;
  for (const auto& pair : found) {
    if (pair) pairs.push_back(*pair);
  }
  return pairs;
}

}  // namespace pipescale::engine

#include "engine/placement/memory_binding.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include "engine/placement/hwloc_topology.hpp"

namespace pipescale::engine {
namespace {

struct BitmapDeleter {
  void operator()(hwloc_bitmap_s* bitmap) const { hwloc_bitmap_free(bitmap); }
};
using Bitmap = std::unique_ptr<hwloc_bitmap_s, BitmapDeleter>;

HwlocTopology this_machine() {
  auto loaded = load_hwloc_topology("");
  return loaded ? std::move(loaded->topology) : nullptr;
}

std::string list_of(hwloc_const_bitmap_t set) {
  char text[256];
  hwloc_bitmap_list_snprintf(text, sizeof text, set);
  return text;
}

}  // namespace

AreaBinding bind_area_to_node(void* address, std::size_t bytes, int numa_node) {
  AreaBinding result;
  HwlocTopology topology = this_machine();
  if (!topology) {
    result.error = "hwloc cannot load this machine's topology";
    return result;
  }
  Bitmap nodes(hwloc_bitmap_alloc());
  hwloc_bitmap_only(nodes.get(), static_cast<unsigned>(numa_node));
  const int flags = HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_MIGRATE;
  if (hwloc_set_area_membind(topology.get(), address, bytes, nodes.get(), HWLOC_MEMBIND_BIND, flags) == 0) {
    result.bound = true;
  } else {
    result.error = std::string("hwloc_set_area_membind: ") + std::strerror(errno);
  }
  Bitmap where(hwloc_bitmap_alloc());
  if (hwloc_get_area_memlocation(topology.get(), address, bytes, where.get(), HWLOC_MEMBIND_BYNODESET) == 0) {
    result.location = list_of(where.get());
    result.verified = hwloc_bitmap_isequal(where.get(), nodes.get()) != 0;
  }
  return result;
}

Status bind_process_memory_near_cpus() {
  HwlocTopology topology = this_machine();
  if (!topology) return Error{"hwloc cannot load this machine's topology"};
  Bitmap cpus(hwloc_bitmap_alloc());
  if (hwloc_get_cpubind(topology.get(), cpus.get(), HWLOC_CPUBIND_PROCESS) != 0) {
    return Error{std::string("hwloc_get_cpubind: ") + std::strerror(errno)};
  }
  // Given a cpuset, hwloc binds to the nodes local to those PUs. No PROCESS flag: Linux binds the
  // calling thread only, and threads started afterwards inherit its policy, so this must run
  // before the process starts any thread.
  if (hwloc_set_membind(topology.get(), cpus.get(), HWLOC_MEMBIND_BIND, 0) != 0) {
    return Error{"cannot bind memory near PUs " + list_of(cpus.get()) + ": hwloc_set_membind: " + std::strerror(errno)};
  }
  return Ok{};
}

}  // namespace pipescale::engine

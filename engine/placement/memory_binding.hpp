#pragma once
// Binding memory to a NUMA node with hwloc: a range of a shared segment (a ring, near its
// consumer), and the calling process's own allocations (near its PUs).
#include <cstddef>
#include <string>

#include "base/result.hpp"

namespace pipescale::engine {

struct AreaBinding {
  bool bound = false;     // hwloc_set_area_membind succeeded
  std::string error;      // why not, when it did not
  std::string location;   // the nodes hwloc finds the area's touched pages on ("0", "0-1"); "" if none
  bool verified = false;  // every touched page is on the requested node
};

// Binds [address, address + bytes) to `numa_node`, moving pages already touched, then asks hwloc
// where the pages are. Never fails the caller: the result records what happened.
AreaBinding bind_area_to_node(void* address, std::size_t bytes, int numa_node);

// Binds the calling process's future allocations to the NUMA nodes local to its PUs. Call it before
// the process starts a thread: the threads it starts later inherit the binding.
Status bind_process_memory_near_cpus();

}  // namespace pipescale::engine

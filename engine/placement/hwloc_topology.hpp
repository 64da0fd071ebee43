#pragma once
// Loading an hwloc topology from this machine, a synthetic description or an XML export: the one
// place that decides how `--topology` is read.
#include <hwloc.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace pipescale::engine {

struct HwlocTopologyDeleter {
  void operator()(hwloc_topology* topology) const { hwloc_topology_destroy(topology); }
};
using HwlocTopology = std::unique_ptr<hwloc_topology, HwlocTopologyDeleter>;

struct LoadedTopology {
  HwlocTopology topology;
  std::string description;  // "this machine", the synthetic string, or the XML file
};

// "" (or "this"): this machine, as far as this process may run. A path to an existing file: an
// XML export (lstopo --of xml). Anything else: a synthetic description ("numa:2 core:8 pu:2").
Result<LoadedTopology> load_hwloc_topology(std::string_view source);

}  // namespace pipescale::engine

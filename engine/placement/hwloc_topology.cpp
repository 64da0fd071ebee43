#include "engine/placement/hwloc_topology.hpp"

#include <filesystem>

namespace pipescale::engine {

Result<LoadedTopology> load_hwloc_topology(std::string_view source) {
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) return Error{"hwloc_topology_init failed"};
  LoadedTopology loaded{HwlocTopology(raw), ""};
  const std::string text(source);
  std::error_code error;
  if (text.empty() || text == "this") {
    loaded.description = "this machine";
  } else if (std::filesystem::is_regular_file(text, error)) {
    loaded.description = text;
    if (hwloc_topology_set_xml(raw, text.c_str()) != 0) {
      return Error{"topology '" + text + "': hwloc cannot read it as an XML export (lstopo --of xml)"};
    }
  } else {
    loaded.description = text;
    if (hwloc_topology_set_synthetic(raw, text.c_str()) != 0) {
      return Error{"topology '" + text +
                   "': neither a file nor a synthetic description hwloc accepts (for example \"numa:2 core:8 pu:2\")"};
    }
  }
  if (hwloc_topology_load(raw) != 0) return Error{"topology '" + loaded.description + "': hwloc_topology_load failed"};
  return loaded;
}

}  // namespace pipescale::engine

#pragma once
// The machine as the planner sees it: its PUs, each with its core, NUMA node and package, read
// from hwloc. The source is this machine, a synthetic description ("numa:2 core:8 pu:2", hwloc's
// syntax) or an XML export (`lstopo --of xml`), so that plans for machines we do not have can be
// computed and tested here.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

struct MachinePu {
  int os_index = 0;   // as the kernel numbers it (/proc/<pid>/status, taskset), and hwloc's os_index
  int core = 0;       // its core's position among the machine's cores, 0..cores-1, in logical order
  int sibling = 0;    // the PU's position inside its core: 0 is the first hardware thread
  int numa_node = 0;  // the OS index of its NUMA node
  int package = 0;    // the logical index of its package

  friend bool operator==(const MachinePu&, const MachinePu&) = default;
};

struct Machine {
  std::string description;      // "this machine", the synthetic string, or the XML file
  std::vector<MachinePu> pus;   // in hwloc's logical order: by package, node, core, thread
  std::vector<int> numa_nodes;  // OS indexes, ascending
  int cores = 0;
  int packages = 0;

  [[nodiscard]] const MachinePu* find(int os_index) const;
  [[nodiscard]] bool has_node(int numa_node) const;
  [[nodiscard]] std::vector<int> pus_of_node(int numa_node) const;  // OS indexes, ascending
  [[nodiscard]] std::vector<int> all_pus() const;                   // OS indexes, ascending
};

// "" (or "this"): this machine, as far as this process may run (hwloc leaves out disallowed
// PUs). A path to an existing file: an XML export. Anything else: a synthetic description.
Result<Machine> load_machine(std::string_view source);

}  // namespace pipescale::engine

#pragma once
// Binding the calling process to processing units with hwloc, and describing the machine for
// benchmark reports. planner.hpp decides which PUs each process of a run gets.
#include <string>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

// Binds the calling process (all its threads) to the given PU, by the OS index the kernel uses
// (the numbers in /proc/<pid>/status "Cpus_allowed_list").
Status bind_process_to_pus(const std::vector<int>& os_pu_indexes);
// The OS indexes of the PUs the calling process may run on.
std::vector<int> allowed_pus();
// Model name of the first processor, from /proc/cpuinfo ("unknown" if absent).
std::string cpu_model();
// Two PUs on different cores for a ping-pong, preferring cores that share a cache; fewer than two
// PUs in the machine gives the same PU twice.
std::vector<int> pick_two_cores();

}  // namespace pipescale::engine

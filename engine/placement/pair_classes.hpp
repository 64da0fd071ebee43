#pragma once
// The kinds of PU pairs a topology offers, one representative pair each, for the benchmark that
// shows what placement changes (`scripts/bench placement`): two hardware threads of one core,
// two cores under one cache, two cores of one node without a shared cache, two nodes.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

struct PuPair {
  std::string name;  // "smt_siblings", "same_cache", "different_cache", "different_node"
  int first_pu = 0;  // OS indexes
  int second_pu = 0;
  std::string shared;  // what the two share, the deepest first: "core", "L3", "NUMA node 0", "machine"
};

// In that order, each class present once; the first pair in hwloc's logical order represents it.
// `source` as for load_hwloc_topology ("" is this machine).
Result<std::vector<PuPair>> pair_classes(std::string_view source);

}  // namespace pipescale::engine

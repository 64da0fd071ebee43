#include "engine/placement/planner.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/placement/cpu_list.hpp"

namespace pipescale::engine {
namespace {

// Ranks the machine's PUs in the order the policy fills them (lower first).
struct PuOrder {
  std::map<int, std::tuple<int, int>> rank;  // os_index -> key

  [[nodiscard]] std::tuple<int, int> of(int pu) const { return rank.at(pu); }
};

// Spread visits NUMA nodes round-robin, taking the packages in turn so that consecutive nodes
// sit on different packages; compact keeps hwloc's logical order.
std::vector<int> core_ranks(const Machine& machine, PlacementPolicy policy) {
  std::vector<int> ranks(static_cast<std::size_t>(machine.cores), 0);
  if (policy == PlacementPolicy::kCompact) {
    for (int core = 0; core < machine.cores; ++core) ranks[static_cast<std::size_t>(core)] = core;
    return ranks;
  }
  std::map<int, std::vector<int>> nodes_of_package;  // package -> nodes, in logical order
  std::map<int, std::vector<int>> cores_of_node;     // node -> cores, in logical order
  for (const MachinePu& pu : machine.pus) {
    auto& nodes = nodes_of_package[pu.package];
    if (std::find(nodes.begin(), nodes.end(), pu.numa_node) == nodes.end()) nodes.push_back(pu.numa_node);
    auto& cores = cores_of_node[pu.numa_node];
    if (std::find(cores.begin(), cores.end(), pu.core) == cores.end()) cores.push_back(pu.core);
  }
  std::vector<int> node_order;
  for (std::size_t turn = 0; node_order.size() < cores_of_node.size(); ++turn) {
    for (const auto& [package, nodes] : nodes_of_package) {
      if (turn < nodes.size()) node_order.push_back(nodes[turn]);
    }
  }
  std::size_t turns = 0;
  for (const auto& [node, cores] : cores_of_node) turns = std::max(turns, cores.size());
  int next = 0;
  for (std::size_t turn = 0; turn < turns; ++turn) {
    for (const int node : node_order) {
      const auto& cores = cores_of_node[node];
      if (turn < cores.size()) ranks[static_cast<std::size_t>(cores[turn])] = next++;
    }
  }
  return ranks;
}

PuOrder pu_order(const Machine& machine, PlacementPolicy policy, SmtUse smt) {
  const std::vector<int> cores = core_ranks(machine, policy);
  PuOrder order;
  for (const MachinePu& pu : machine.pus) {
    const int core_rank = cores[static_cast<std::size_t>(pu.core)];
    // Compact with SMT fills a core's threads before the next core; otherwise every core's first
    // thread comes before any second one.
    const bool threads_first = policy == PlacementPolicy::kCompact && smt == SmtUse::kAllow;
    order.rank[pu.os_index] = threads_first ? std::tuple{core_rank, pu.sibling} : std::tuple{pu.sibling, core_rank};
  }
  return order;
}

std::string quoted_list(const std::vector<int>& pus) {
  std::string out = "\"";  // built by appending: GCC 12 warns wrongly on "\"" + std::string
  out += format_cpu_list(pus);
  out += '"';
  return out;
}

std::vector<int> difference(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<int> intersection(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Status check_request(const Machine& machine, const PlacementRequest& request) {
  if (request.numa_node >= 0 && !machine.has_node(request.numa_node)) {
    return Error{request.label + ".numa_node = " + std::to_string(request.numa_node) + ": " + machine.description +
                 " has NUMA node" + (machine.numa_nodes.size() == 1 ? " " : "s ") +
                 format_cpu_list(machine.numa_nodes) + " only"};
  }
  if (request.cpus.empty()) return Ok{};
  const std::vector<int> all = machine.all_pus();
  if (const auto missing = difference(request.cpus, all); !missing.empty()) {
    return Error{request.label + ".cpus = " + quoted_list(request.cpus) + ": " + machine.description + " has no PU " +
                 format_cpu_list(missing) + " (its PUs are " + format_cpu_list(all) + ")"};
  }
  if (request.numa_node >= 0) {
    const std::vector<int> node = machine.pus_of_node(request.numa_node);
    if (const auto off = difference(request.cpus, node); !off.empty()) {
      return Error{request.label + ".cpus = " + quoted_list(request.cpus) + ": PUs " + format_cpu_list(off) +
                   " are not on NUMA node " + std::to_string(request.numa_node) + " (its PUs are " +
                   format_cpu_list(node) + ")"};
    }
  }
  return Ok{};
}

Status check_requests(const Machine& machine, const PlanInput& input) {
  for (const PlacementRequest& request : input.requests) {
    if (auto valid = check_request(machine, request); !valid) return valid;
  }
  for (std::size_t i = 0; i < input.requests.size(); ++i) {
    for (std::size_t j = i + 1; j < input.requests.size(); ++j) {
      const auto& a = input.requests[i];
      const auto& b = input.requests[j];
      if (const auto shared = intersection(a.cpus, b.cpus); !shared.empty()) {
        return Error{a.label + ".cpus = " + quoted_list(a.cpus) + " and " + b.label + ".cpus = " + quoted_list(b.cpus) +
                     " overlap on PU" + (shared.size() == 1 ? " " : "s ") + format_cpu_list(shared) +
                     ": explicit sets must be disjoint"};
      }
    }
  }
  std::size_t dedicated = 0;
  for (const PlanProcess& process : input.processes) {
    if (process.request >= 0 && input.requests[static_cast<std::size_t>(process.request)].dedicated) ++dedicated;
  }
  if (dedicated > static_cast<std::size_t>(machine.cores)) {
    return Error{std::to_string(dedicated) + " processes ask for a dedicated core, but " + machine.description +
                 " has " + std::to_string(machine.cores) + " cores"};
  }
  return Ok{};
}

class Assigner {
 public:
  Assigner(const Machine& machine, const PlanInput& input)
      : machine_(machine), input_(input), order_(pu_order(machine, input.policy, input.smt)) {
    for (const PlacementRequest& request : input.requests) {
      claimed_.insert(claimed_.end(), request.cpus.begin(), request.cpus.end());
    }
    std::sort(claimed_.begin(), claimed_.end());
    core_load_.assign(static_cast<std::size_t>(machine.cores), 0);
    reserved_.assign(static_cast<std::size_t>(machine.cores), false);
  }

  // The PUs a process may get, best first.
  [[nodiscard]] std::vector<int> pool(const PlacementRequest* request) const {
    std::vector<int> pus;
    if (request != nullptr && !request->cpus.empty()) {
      pus = request->cpus;
    } else {
      pus =
          request != nullptr && request->numa_node >= 0 ? machine_.pus_of_node(request->numa_node) : machine_.all_pus();
      // PUs that an explicit set names are left to its owner while others remain.
      if (auto unclaimed = difference(pus, claimed_); !unclaimed.empty()) pus = std::move(unclaimed);
    }
    std::stable_sort(pus.begin(), pus.end(), [&](int a, int b) { return order_.of(a) < order_.of(b); });
    return pus;
  }

  Result<int> take_dedicated(const PlacementRequest& request, const std::string& process) {
    const std::vector<int> pus = pool(&request);
    for (const int pu : pus) {
      const auto core = static_cast<std::size_t>(machine_.find(pu)->core);
      if (reserved_[core] || core_load_[core] > 0) continue;
      reserved_[core] = true;
      place(pu);
      return pu;
    }
    return Error{request.label + ".dedicated = true: no free core is left for " + process + " among PUs " +
                 format_cpu_list(sorted(pus)) + " (each dedicated process needs a core to itself)"};
  }

  Result<int> take_shared(const PlacementRequest* request, const std::string& process) {
    int best = -1;
    std::tuple<int, int, int, std::tuple<int, int>> best_key{};
    for (const int pu : pool(request)) {
      const MachinePu& where = *machine_.find(pu);
      const auto core = static_cast<std::size_t>(where.core);
      if (reserved_[core]) continue;
      // An idle core first (with smt avoid: a second thread only once every core is busy, but
      // before two processes share a PU), then (spread) the node with the fewest processes, then
      // the PU with the fewest, then the policy's order.
      const int core_load = input_.smt == SmtUse::kAvoid ? core_load_[core] : 0;
      const int node_load = input_.policy == PlacementPolicy::kSpread ? node_load_[where.numa_node] : 0;
      const std::tuple key{core_load, node_load, pu_load_[pu], order_.of(pu)};
      if (best < 0 || key < best_key) {
        best = pu;
        best_key = key;
      }
    }
    if (best < 0) {
      return Error{(request != nullptr ? request->label : std::string("placement")) + ": no PU is left for " + process +
                   ": every core it may use is taken by a dedicated process"};
    }
    place(best);
    return best;
  }

  [[nodiscard]] int load(int pu) const { return pu_load_.count(pu) == 0 ? 0 : pu_load_.at(pu); }

 private:
  static std::vector<int> sorted(std::vector<int> pus) {
    std::sort(pus.begin(), pus.end());
    return pus;
  }
  void place(int pu) {
    ++pu_load_[pu];
    ++node_load_[machine_.find(pu)->numa_node];
    ++core_load_[static_cast<std::size_t>(machine_.find(pu)->core)];
  }

  const Machine& machine_;
  const PlanInput& input_;
  PuOrder order_;
  std::vector<int> claimed_;
  std::map<int, int> pu_load_;
  std::map<int, int> node_load_;
  std::vector<int> core_load_;
  std::vector<bool> reserved_;
};

const PlacementRequest* request_of(const PlanInput& input, const PlanProcess& process) {
  return process.request < 0 ? nullptr : &input.requests[static_cast<std::size_t>(process.request)];
}

// Dedicated processes first, the most constrained (fewest PUs to choose from) before the others.
std::vector<std::size_t> dedicated_order(const PlanInput& input, const Assigner& assigner) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < input.processes.size(); ++i) {
    const PlacementRequest* request = request_of(input, input.processes[i]);
    if (request != nullptr && request->dedicated) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return assigner.pool(request_of(input, input.processes[a])).size() <
           assigner.pool(request_of(input, input.processes[b])).size();
  });
  return order;
}

void choose_waits(Plan& plan, const Assigner& assigner, std::size_t pu_count) {
  std::size_t sharing = 0;
  for (ProcessPlan& process : plan.processes) {
    process.shares_pu = assigner.load(process.cpus.front()) > 1;
    if (process.dedicated) {
      process.wait = ipc::WaitOptions{ipc::WaitKind::kSpin, 0, kMaxParkNs};
    } else {
      process.wait = ipc::WaitOptions{ipc::WaitKind::kSpinThenPark, process.shares_pu ? kSharedPuSpinNs : kOwnPuSpinNs,
                                      kMaxParkNs};
    }
    if (process.shares_pu) ++sharing;
  }
  plan.oversubscribed = sharing > 0;
  if (plan.oversubscribed) {
    plan.notice = std::to_string(plan.processes.size()) + " processes on " + std::to_string(pu_count) +
                  " PUs: " + std::to_string(sharing) + " share a PU with another process; those wait with " +
                  "spin-then-park and a " + std::to_string(kSharedPuSpinNs / 1000) +
                  " us spin, so that no spinner starves another";
  }
}

}  // namespace

Result<Plan> plan_placement(const Machine& machine, const PlanInput& input) {
  if (machine.pus.empty()) return Error{machine.description + " has no PU this process may use"};
  if (auto valid = check_requests(machine, input); !valid) return valid.error();
  Assigner assigner(machine, input);
  Plan plan;
  plan.processes.resize(input.processes.size());
  std::vector<bool> placed(input.processes.size(), false);
  for (const std::size_t i : dedicated_order(input, assigner)) {
    auto pu = assigner.take_dedicated(*request_of(input, input.processes[i]), input.processes[i].name);
    if (!pu) return pu.error();
    plan.processes[i].cpus = {*pu};
    plan.processes[i].dedicated = true;
    placed[i] = true;
  }
  for (std::size_t i = 0; i < input.processes.size(); ++i) {
    if (placed[i]) continue;
    auto pu = assigner.take_shared(request_of(input, input.processes[i]), input.processes[i].name);
    if (!pu) return pu.error();
    plan.processes[i].cpus = {*pu};
  }
  for (std::size_t i = 0; i < input.processes.size(); ++i) {
    plan.processes[i].name = input.processes[i].name;
    plan.processes[i].numa_node = machine.find(plan.processes[i].cpus.front())->numa_node;
  }
  choose_waits(plan, assigner, machine.pus.size());
  return plan;
}

}  // namespace pipescale::engine

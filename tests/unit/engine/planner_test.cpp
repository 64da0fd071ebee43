// The placement planner on synthetic topologies and on this machine, against hand-worked plans
// and against hwloc's own view of the same topology.
#include "engine/placement/planner.hpp"

#include <hwloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/placement/affinity.hpp"
#include "engine/placement/cpu_list.hpp"
#include "engine/placement/machine.hpp"
#include "engine/placement/pair_classes.hpp"

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kTwoNodes = "numa:2 core:8 pu:2";
constexpr const char* kFourNodes = "numa:4 core:4 pu:1";
constexpr const char* kTwoPackages = "package:2 numa:2 core:6 pu:2";

Machine machine(const char* source) {
  auto loaded = load_machine(source);
  EXPECT_TRUE(loaded.ok()) << (loaded ? "" : loaded.error().message);
  return loaded.ok() ? loaded.value() : Machine{};
}

// The PUs (OS indexes) of a NUMA node as hwloc itself reports them.
std::vector<int> hwloc_pus_of_node(const char* synthetic, unsigned node_os_index) {
  hwloc_topology_t topology = nullptr;
  hwloc_topology_init(&topology);
  hwloc_topology_set_synthetic(topology, synthetic);
  hwloc_topology_load(topology);
  std::vector<int> pus;
  hwloc_obj_t node = hwloc_get_numanode_obj_by_os_index(topology, node_os_index);
  if (node != nullptr) {
    int pu = -1;
    while ((pu = hwloc_bitmap_next(node->cpuset, pu)) != -1) pus.push_back(pu);
  }
  hwloc_topology_destroy(topology);
  return pus;
}

// client, scheduler, then per stage a frontend and `workers` Workers; stage s uses request s.
PlanInput pipeline(int stages, int workers, std::vector<PlacementRequest> requests = {}) {
  PlanInput input;
  input.requests = std::move(requests);
  input.processes.push_back({"client", -1});
  input.processes.push_back({"scheduler", -1});
  for (int s = 0; s < stages; ++s) {
    const int request = s < static_cast<int>(input.requests.size()) ? s : -1;
    input.processes.push_back({"frontend" + std::to_string(s), request});
    for (int i = 0; i < workers; ++i) {
      input.processes.push_back({"worker" + std::to_string(s) + "." + std::to_string(i), request});
    }
  }
  return input;
}

PlanInput processes(int count, PlacementPolicy policy, SmtUse smt) {
  PlanInput input;
  input.policy = policy;
  input.smt = smt;
  for (int i = 0; i < count; ++i) input.processes.push_back({std::to_string(i), -1});
  return input;
}

std::vector<int> first_cpus(const Plan& plan) {
  std::vector<int> out;
  for (const ProcessPlan& process : plan.processes) out.push_back(process.cpus.front());
  return out;
}

Plan plan_or_fail(const Machine& on, const PlanInput& input) {
  auto plan = plan_placement(on, input);
  EXPECT_TRUE(plan.ok()) << (plan ? "" : plan.error().message);
  return plan.ok() ? plan.value() : Plan{};
}

std::string refusal(const Machine& on, const PlanInput& input) {
  auto plan = plan_placement(on, input);
  EXPECT_FALSE(plan.ok());
  return plan ? "" : plan.error().message;
}

TEST(CpuList, ParsesRangesAndSinglesIntoASortedList) {
  EXPECT_THAT(parse_cpu_list("8, 2-5").value(), ElementsAre(2, 3, 4, 5, 8));
  EXPECT_EQ(format_cpu_list({2, 3, 4, 5, 8}), "2-5,8");
}

TEST(CpuList, RefusesReversedRangesLettersAndEmptyLists) {
  EXPECT_THAT(parse_cpu_list("5-2").error().message, HasSubstr("reversed range"));
  EXPECT_THAT(parse_cpu_list("2,x").error().message, HasSubstr("'x' is not"));
  EXPECT_THAT(parse_cpu_list("").error().message, HasSubstr("empty"));
}

TEST(Machine, SeesTheNodesCoresAndThreadsOfASyntheticTopology) {
  const Machine two = machine(kTwoNodes);
  EXPECT_EQ(two.pus.size(), 32U);
  EXPECT_EQ(two.cores, 16);
  EXPECT_THAT(two.numa_nodes, ElementsAre(0, 1));
  EXPECT_EQ(two.pus_of_node(1), hwloc_pus_of_node(kTwoNodes, 1));
  EXPECT_EQ(machine(kTwoPackages).pus_of_node(2), hwloc_pus_of_node(kTwoPackages, 2));
  EXPECT_EQ(machine(kFourNodes).pus_of_node(3), hwloc_pus_of_node(kFourNodes, 3));
}

TEST(Machine, ReadsAnXmlExportAsTheTopologyItDescribes) {
  hwloc_topology_t topology = nullptr;
  hwloc_topology_init(&topology);
  hwloc_topology_set_synthetic(topology, kTwoPackages);
  hwloc_topology_load(topology);
  const std::string path = ::testing::TempDir() + "placement_test_" + std::to_string(::getpid()) + ".xml";
  ASSERT_EQ(hwloc_topology_export_xml(topology, path.c_str(), 0), 0);
  hwloc_topology_destroy(topology);
  const Machine from_xml = machine(path.c_str());
  std::remove(path.c_str());
  const Machine synthetic = machine(kTwoPackages);
  EXPECT_EQ(from_xml.pus, synthetic.pus);
  EXPECT_EQ(from_xml.numa_nodes, synthetic.numa_nodes);
  EXPECT_EQ(from_xml.description, path);
}

TEST(Machine, RefusesATopologyHwlocCannotRead) {
  EXPECT_THAT(load_machine("numa:two").error().message, HasSubstr("synthetic description"));
}

std::vector<std::string> names_of(const std::vector<PuPair>& pairs) {
  std::vector<std::string> names;
  for (const PuPair& pair : pairs) names.push_back(pair.name);
  return names;
}

TEST(PairClasses, FindsSiblingsAndTwoNodesInASyntheticTopology) {
  const std::vector<PuPair> pairs = pair_classes(kTwoNodes).value();
  EXPECT_THAT(names_of(pairs), ElementsAre("smt_siblings", "different_cache", "different_node"));
  EXPECT_EQ(pairs[0].first_pu, 0);
  EXPECT_EQ(pairs[0].second_pu, 1);
  EXPECT_EQ(pairs[1].second_pu, 2);   // core 1, same node, no cache in a synthetic topology
  EXPECT_EQ(pairs[2].second_pu, 16);  // node 1's first core
}

TEST(PairClasses, FindsASharedCacheWhereTheTopologyHasOne) {
  const std::vector<PuPair> pairs = pair_classes("numa:2 l3:2 core:2 pu:1").value();
  EXPECT_THAT(names_of(pairs), ElementsAre("same_cache", "different_cache", "different_node"));
  EXPECT_EQ(pairs[0].shared, "L3");
}

TEST(PairClasses, OffersAtLeastOnePairOfSeparateCoresOnThisMachine) {
  const std::vector<PuPair> pairs = pair_classes("").value();
  if (machine("").cores < 2) GTEST_SKIP() << "one core";
  ASSERT_FALSE(pairs.empty());
  EXPECT_NE(pairs.back().name, "smt_siblings");
}

TEST(Planner, SpreadAlternatesNodesAndLeavesSmtSiblingsIdle) {
  const Plan plan = plan_or_fail(machine(kTwoNodes), processes(4, PlacementPolicy::kSpread, SmtUse::kAvoid));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 16, 2, 18));
  EXPECT_FALSE(plan.oversubscribed);
}

TEST(Planner, AvoidingSmtTakesASecondThreadOnlyOnceEveryCoreIsBusy) {
  const Machine on = machine(kTwoNodes);
  PlanInput input = processes(9, PlacementPolicy::kSpread, SmtUse::kAvoid);
  input.requests.push_back({"stages.detect", 1, {}, false});
  for (PlanProcess& process : input.processes) process.request = 0;
  const Plan plan = plan_or_fail(on, input);
  EXPECT_THAT(first_cpus(plan), ElementsAre(16, 18, 20, 22, 24, 26, 28, 30, 17));
  EXPECT_FALSE(plan.oversubscribed);
}

TEST(Planner, CompactFillsOneNodeCoreByCore) {
  const Plan plan = plan_or_fail(machine(kTwoNodes), processes(4, PlacementPolicy::kCompact, SmtUse::kAvoid));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 2, 4, 6));
}

TEST(Planner, CompactWithSmtAllowedFillsBothThreadsOfACore) {
  const Plan plan = plan_or_fail(machine(kTwoNodes), processes(4, PlacementPolicy::kCompact, SmtUse::kAllow));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 1, 2, 3));
}

TEST(Planner, SpreadTakesPackagesInTurnBeforeTheirSecondNode) {
  const Machine on = machine(kTwoPackages);
  const Plan plan = plan_or_fail(on, processes(4, PlacementPolicy::kSpread, SmtUse::kAvoid));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 24, 12, 36));
  std::vector<int> nodes;
  for (const ProcessPlan& process : plan.processes) nodes.push_back(process.numa_node);
  EXPECT_THAT(nodes, ElementsAre(0, 2, 1, 3));
}

TEST(Planner, PlacesAStagePinnedToANodeOnlyOnThatNodesPus) {
  const Machine on = machine(kTwoNodes);
  PlacementRequest stage1{"stages.rank", 1, {}, false};
  const Plan plan = plan_or_fail(on, pipeline(2, 2, {PlacementRequest{"stages.detect", -1, {}, false}, stage1}));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 16, 2, 18, 4, 20, 22, 24));
  const std::vector<int> node1 = hwloc_pus_of_node(kTwoNodes, 1);
  for (std::size_t i = 5; i < plan.processes.size(); ++i) {
    EXPECT_EQ(plan.processes[i].numa_node, 1) << plan.processes[i].name;
    EXPECT_THAT(node1, ::testing::Contains(plan.processes[i].cpus.front())) << plan.processes[i].name;
  }
}

TEST(Planner, PlacesExplicitCpusOnePuEachAndKeepsOthersOffThem) {
  const Machine on = machine(kTwoNodes);
  PlacementRequest stage{"stages.detect", -1, parse_cpu_list("2-5,8").value(), false};
  const Plan plan = plan_or_fail(on, pipeline(1, 2, {stage}));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 16, 2, 4, 8));
}

TEST(Planner, SpreadBalancesTheOtherProcessesAcrossNodesAroundADedicatedStage) {
  const Machine on = machine(kTwoNodes);
  PlacementRequest stage1{"stages.rank", 1, {}, true};
  const Plan plan = plan_or_fail(on, pipeline(3, 2, {PlacementRequest{"stages.detect", -1, {}, false}, stage1}));
  // Stage 1's three dedicated processes take node 1's first cores (16, 18, 20); the others go to
  // node 0 while it holds fewer processes, and take turns (node 0 first, by the spread order)
  // once both hold as many.
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 2, 4, 6, 22, 16, 18, 20, 8, 24, 10));
}

TEST(Planner, GivesDedicatedProcessesACoreEachAndLetsThemSpin) {
  const Machine on = machine(kFourNodes);
  PlacementRequest stage{"stages.detect", 2, {}, true};
  const Plan plan = plan_or_fail(on, pipeline(1, 3, {stage}));
  EXPECT_THAT(first_cpus(plan), ElementsAre(0, 4, 8, 9, 10, 11));
  EXPECT_EQ(plan.processes[2].wait.kind, ipc::WaitKind::kSpin);
  EXPECT_TRUE(plan.processes[2].dedicated);
  EXPECT_EQ(plan.processes[0].wait.kind, ipc::WaitKind::kSpinThenPark);
  EXPECT_EQ(plan.processes[0].wait.spin_ns, kOwnPuSpinNs);
}

TEST(Planner, KeepsTheOtherThreadsOfADedicatedCoreEmpty) {
  const Machine on = machine(kTwoNodes);
  PlanInput input = processes(2, PlacementPolicy::kCompact, SmtUse::kAllow);
  input.requests.push_back({"placement.client", -1, {}, true});
  input.processes[0].request = 0;
  EXPECT_THAT(first_cpus(plan_or_fail(on, input)), ElementsAre(0, 2));
}

TEST(Planner, SpreadsAnOversubscribedRunAndShortensTheSpinOfSharers) {
  const Machine on = machine(kFourNodes);
  const Plan plan = plan_or_fail(on, processes(20, PlacementPolicy::kSpread, SmtUse::kAvoid));
  EXPECT_TRUE(plan.oversubscribed);
  EXPECT_THAT(plan.notice, HasSubstr("20 processes on 16 PUs"));
  // The 17th to 20th processes go round again, in spread order: one more on each node's first core.
  const std::vector<int> cpus = first_cpus(plan);
  EXPECT_THAT(std::vector<int>(cpus.begin(), cpus.begin() + 5), ElementsAre(0, 4, 8, 12, 1));
  EXPECT_THAT(std::vector<int>(cpus.begin() + 16, cpus.end()), ElementsAre(0, 4, 8, 12));
  EXPECT_TRUE(plan.processes[0].shares_pu);
  EXPECT_EQ(plan.processes[0].wait.spin_ns, kSharedPuSpinNs);
  EXPECT_FALSE(plan.processes[4].shares_pu);
  EXPECT_EQ(plan.processes[4].wait.spin_ns, kOwnPuSpinNs);
}

TEST(Planner, PlacesEveryProcessOnThisMachinesAllowedPus) {
  const Machine on = machine("");
  const Plan plan = plan_or_fail(on, pipeline(2, 2));
  const std::vector<int> allowed = allowed_pus();
  for (const ProcessPlan& process : plan.processes) {
    EXPECT_THAT(allowed, ::testing::Contains(process.cpus.front())) << process.name;
  }
  EXPECT_EQ(plan.oversubscribed, plan.processes.size() > on.pus.size());
}

// On each reference topology (this machine and three synthetic ones): a stage pinned to the machine's last node runs
// only on PUs that hwloc itself puts in that node, and while there are PUs enough no two processes share one.
class PlannerOnTopology : public ::testing::TestWithParam<const char*> {};

std::vector<int> hwloc_pus_of(const char* source, int node) {
  return std::string(source).empty() ? machine("").pus_of_node(node)
                                     : hwloc_pus_of_node(source, static_cast<unsigned>(node));
}

TEST_P(PlannerOnTopology, PlacesAPinnedStageOnThePusHwlocGivesItsNode) {
  const Machine on = machine(GetParam());
  const int last_node = on.numa_nodes.back();
  const Plan plan = plan_or_fail(
      on, pipeline(2, 2, {PlacementRequest{"stages.detect", -1, {}, false}, {"stages.rank", last_node, {}, false}}));
  const std::vector<int> node_pus = hwloc_pus_of(GetParam(), last_node);
  for (std::size_t i = 5; i < plan.processes.size(); ++i) {
    EXPECT_THAT(node_pus, ::testing::Contains(plan.processes[i].cpus.front())) << plan.processes[i].name;
    EXPECT_EQ(plan.processes[i].numa_node, last_node) << plan.processes[i].name;
  }
  std::vector<int> cpus = first_cpus(plan);
  std::sort(cpus.begin(), cpus.end());
  const bool enough = on.pus.size() >= plan.processes.size() && node_pus.size() >= 3;
  EXPECT_EQ(std::adjacent_find(cpus.begin(), cpus.end()) == cpus.end(), enough);
  EXPECT_EQ(plan.oversubscribed, !enough);
}

std::string topology_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string name = std::string(info.param).empty() ? "this_machine" : info.param;
  for (char& c : name) {
    if (c == ' ' || c == ':') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(ReferenceTopologies, PlannerOnTopology,
                         ::testing::Values("", kTwoNodes, kFourNodes, kTwoPackages), topology_name);

TEST(PlannerRefuses, ANodeTheMachineDoesNotHave) {
  const std::string message = refusal(machine(kTwoNodes), pipeline(1, 1, {{"stages.detect", 2, {}, false}}));
  EXPECT_EQ(message, "stages.detect.numa_node = 2: numa:2 core:8 pu:2 has NUMA nodes 0-1 only");
}

TEST(PlannerRefuses, PusTheMachineDoesNotHave) {
  const std::string message =
      refusal(machine(kFourNodes), pipeline(1, 1, {{"stages.detect", -1, {14, 15, 16}, false}}));
  EXPECT_THAT(message, HasSubstr("stages.detect.cpus = \"14-16\": numa:4 core:4 pu:1 has no PU 16"));
}

TEST(PlannerRefuses, ExplicitPusOffTheRequestedNode) {
  const std::string message = refusal(machine(kFourNodes), pipeline(1, 1, {{"stages.detect", 1, {3, 4}, false}}));
  EXPECT_THAT(message, HasSubstr("PUs 3 are not on NUMA node 1 (its PUs are 4-7)"));
}

TEST(PlannerRefuses, OverlappingExplicitSets) {
  PlanInput input = pipeline(2, 1, {{"stages.detect", -1, {2, 3, 4}, false}, {"stages.rank", -1, {4, 5}, false}});
  EXPECT_EQ(refusal(machine(kFourNodes), input),
            "stages.detect.cpus = \"2-4\" and stages.rank.cpus = \"4-5\" overlap on PU 4: explicit sets must be "
            "disjoint");
}

TEST(PlannerRefuses, MoreDedicatedProcessesThanCores) {
  PlanInput input = pipeline(1, 16, {{"stages.detect", -1, {}, true}});
  EXPECT_EQ(refusal(machine(kFourNodes), input),
            "17 processes ask for a dedicated core, but numa:4 core:4 pu:1 has 16 cores");
}

TEST(PlannerRefuses, MoreDedicatedProcessesThanTheirNodeHasCores) {
  PlanInput input = pipeline(1, 4, {{"stages.detect", 3, {}, true}});
  EXPECT_THAT(refusal(machine(kFourNodes), input),
              HasSubstr("stages.detect.dedicated = true: no free core is left for"));
}

}  // namespace
}  // namespace pipescale::engine

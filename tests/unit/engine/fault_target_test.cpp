// Which Worker "stages.<name>.worker" names: one of the stage's first workers_min, from the seed.
#include "engine/config/fault_target.hpp"

#include <gtest/gtest.h>
#include <set>
#include <string>

namespace pipescale::engine {
namespace {

TEST(FaultTarget, ResolvesAnyWorkerOfAStageToOneOfItsFirstWorkersFromTheSeed) {
  PipelineConfig config;
  config.stages.resize(2);
  config.stages[0].name = std::string("a");  // moved in: GCC 12 warns falsely on assigning a literal here
  config.stages[1].name = std::string("b");  // moved in: GCC 12 warns falsely on assigning a literal here
  config.stages[1].workers_min = 1;
  config.faults.push_back({1.0, "stages.b.worker", FaultAction::kKill, 0.0, 1.0});
  config.faults.push_back({1.0, "worker0.2", FaultAction::kKill, 0.0, 1.0});
  EXPECT_EQ(resolve_fault_target(config, 0), "worker1.0");  // workers_min = 1: the only candidate
  EXPECT_EQ(resolve_fault_target(config, 1), "worker0.2");  // a process stays itself
  config.stages[1].workers_min = 3;
  config.stages[1].workers_max = 3;
  std::set<std::string> chosen;
  for (std::uint64_t seed = 1; seed <= 32; ++seed) {
    config.run.seed = seed;
    const std::string first = resolve_fault_target(config, 0);
    EXPECT_EQ(resolve_fault_target(config, 0), first);  // the same choice every time
    chosen.insert(first);
  }
  EXPECT_EQ(chosen, (std::set<std::string>{"worker1.0", "worker1.1", "worker1.2"}));
}

}  // namespace
}  // namespace pipescale::engine

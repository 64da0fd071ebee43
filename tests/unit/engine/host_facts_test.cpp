#include "engine/runtime/host_facts.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pipescale::engine {
namespace {

TEST(HostFactsTest, FindsAKeyOfCpuinfoWithItsValueTrimmed) {
  const std::string cpuinfo = "processor\t: 0\nmodel name\t: Example CPU @ 2.00GHz \ncpu cores\t: 2\n";
  EXPECT_EQ(cpuinfo_value(cpuinfo, "model name"), "Example CPU @ 2.00GHz");
  EXPECT_EQ(cpuinfo_value(cpuinfo, "cpu cores"), "2");
  EXPECT_EQ(cpuinfo_value(cpuinfo, "flags"), "");
}

TEST(HostFactsTest, ReadsThisMachinesShapeConsistently) {
  const HostFacts facts = read_host_facts();
  EXPECT_FALSE(facts.host_name.empty());
  EXPECT_EQ(facts.kernel.rfind("Linux ", 0), 0u) << facts.kernel;
  EXPECT_GE(facts.cores, 1);
  EXPECT_GE(facts.pus, facts.cores);
  EXPECT_EQ(facts.smt, facts.pus > facts.cores);
  EXPECT_GE(facts.numa_nodes, 1);
  EXPECT_NE(facts.topology_text.find("PU"), std::string::npos) << facts.topology_text;
  EXPECT_EQ(read_host_facts().topology_text, facts.topology_text) << "the same machine reads the same";
}

}  // namespace
}  // namespace pipescale::engine

#include "engine/runtime/host_facts.hpp"

#include <hwloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/placement/hwloc_topology.hpp"

namespace pipescale::engine {
namespace {

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string read_all(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(const std::string& text) {
  const std::size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return "";
  const std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(start, end - start + 1);
}

int count_type(hwloc_topology_t topology, hwloc_obj_type_t type) {
  const int count = hwloc_get_nbobjs_by_type(topology, type);
  return count < 0 ? 0 : count;
}

// Every object, depth first: type, OS index, CPU set, and the size of memory and caches.
void describe(hwloc_topology_t topology, hwloc_obj_t object, std::string& out) {
  char type[64];
  hwloc_obj_type_snprintf(type, sizeof type, object, 1);
  char* cpus = nullptr;
  if (object->cpuset != nullptr) hwloc_bitmap_list_asprintf(&cpus, object->cpuset);
  out += std::string(type) + " os=" + std::to_string(object->os_index) + " cpus=" + (cpus != nullptr ? cpus : "");
  std::free(cpus);
  if (object->type == HWLOC_OBJ_NUMANODE && object->attr != nullptr) {
    out += " memory=" + std::to_string(object->attr->numanode.local_memory);
  }
  if (hwloc_obj_type_is_cache(object->type) != 0 && object->attr != nullptr) {
    out += " size=" + std::to_string(object->attr->cache.size);
  }
  out += '\n';
  for (hwloc_obj_t child = hwloc_get_next_child(topology, object, nullptr); child != nullptr;
       child = hwloc_get_next_child(topology, object, child)) {
    describe(topology, child, out);
  }
}

void add_topology(HostFacts& facts) {
  auto loaded = load_hwloc_topology("");
  if (!loaded) return;
  hwloc_topology_t topology = loaded->topology.get();
  facts.packages = count_type(topology, HWLOC_OBJ_PACKAGE);
  facts.cores = count_type(topology, HWLOC_OBJ_CORE);
  facts.pus = count_type(topology, HWLOC_OBJ_PU);
  facts.numa_nodes = count_type(topology, HWLOC_OBJ_NUMANODE);
  facts.smt = facts.cores > 0 && facts.pus > facts.cores;
  describe(topology, hwloc_get_root_obj(topology), facts.topology_text);
}

}  // namespace

std::string cpuinfo_value(const std::string& cpuinfo, const std::string& key) {
  std::istringstream in(cpuinfo);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && trim(line.substr(0, colon)) == key) return trim(line.substr(colon + 1));
  }
  return "";
}

HostFacts read_host_facts() {
  HostFacts facts;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) facts.host_name = host;
  struct utsname name {};
  if (::uname(&name) == 0) facts.kernel = std::string(name.sysname) + " " + name.release + " " + name.version;
  facts.cpu_model = cpuinfo_value(read_all("/proc/cpuinfo"), "model name");
  facts.cpu_governor = trim(read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
  add_topology(facts);
  return facts;
}

}  // namespace pipescale::engine

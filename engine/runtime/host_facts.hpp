#pragma once
// The machine a run ran on, for its manifest.json: enough to tell two machines (or two setups of
// one machine) apart when runs are compared. Each fact is read where Linux or hwloc keeps it; one
// that cannot be read is empty (or 0), never an error.
#include <string>

namespace pipescale::engine {

struct HostFacts {
  std::string host_name;
  std::string kernel;     // uname: "Linux 6.1.0-18-amd64 #1 SMP ..."
  std::string cpu_model;  // /proc/cpuinfo's "model name"
  int packages = 0;
  int cores = 0;
  int pus = 0;  // hardware threads
  bool smt = false;
  int numa_nodes = 0;
  std::string cpu_governor;  // cpufreq's scaling_governor of the first CPU; empty where absent
  // The topology in a canonical text (each object's type, OS index, CPU set and size) that
  // manifest.json records as a SHA-256 digest: equal digests, the same machine shape.
  std::string topology_text;
};

HostFacts read_host_facts();

// The line of a /proc/cpuinfo text whose key is `key`, its value trimmed; empty if absent.
std::string cpuinfo_value(const std::string& cpuinfo, const std::string& key);

}  // namespace pipescale::engine

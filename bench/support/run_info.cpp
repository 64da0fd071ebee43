#include "bench/support/run_info.hpp"

#include <hwloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "ipc/common/clock.hpp"

#ifndef PIPESCALE_GIT_COMMIT
#define PIPESCALE_GIT_COMMIT "unknown"
#endif

namespace pipescale::bench {

std::string commit_id() {
  if (const char* from_env = std::getenv("PIPESCALE_COMMIT"); from_env != nullptr && from_env[0] != '\0') {
    return from_env;
  }
  return PIPESCALE_GIT_COMMIT;
}

bool write_text_file(const std::string& path, const std::string& text) {
  std::ofstream file(path);
  file << text << '\n';
  file.close();
  return static_cast<bool>(file);
}

Status emit_report(const std::string& table, const std::string& json, const std::string& json_path) {
  std::cout << table << std::flush;
  if (json_path.empty()) {
    std::cout << '\n' << json << '\n';
  } else if (!write_text_file(json_path, json)) {
    return Error{"cannot write " + json_path};
  }
  return Ok{};
}

std::string shared_cache(int first_pu, int second_pu) {
  hwloc_topology_t topology = nullptr;
  if (hwloc_topology_init(&topology) != 0) return "unknown";
  // Formatted into a buffer: GCC 12 at -O3 warns falsely (-Wrestrict) about short string assignments.
  char answer[16] = "unknown";
  if (hwloc_topology_load(topology) == 0) {
    hwloc_obj_t first = hwloc_get_pu_obj_by_os_index(topology, static_cast<unsigned>(first_pu));
    hwloc_obj_t second = hwloc_get_pu_obj_by_os_index(topology, static_cast<unsigned>(second_pu));
    hwloc_obj_t common = (first && second) ? hwloc_get_common_ancestor_obj(topology, first, second) : nullptr;
    while (common != nullptr && !hwloc_obj_type_is_cache(common->type)) common = common->parent;
    if (common == nullptr) {
      std::snprintf(answer, sizeof answer, "none");
    } else {
      std::snprintf(answer, sizeof answer, "L%u", common->attr->cache.depth);
    }
  }
  hwloc_topology_destroy(topology);
  return answer;
}

std::int64_t clock_read_ns() {
  constexpr int kReads = 10'001;
  std::vector<std::int64_t> gaps(kReads);
  std::int64_t previous = ipc::monotonic_ns();
  for (auto& gap : gaps) {
    const std::int64_t now = ipc::monotonic_ns();
    gap = now - previous;
    previous = now;
  }
  std::nth_element(gaps.begin(), gaps.begin() + kReads / 2, gaps.end());
  return gaps[kReads / 2];
}

}  // namespace pipescale::bench

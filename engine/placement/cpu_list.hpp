#pragma once
// PU lists as the kernel and hwloc write them: "2-5,8" means PUs 2, 3, 4, 5 and 8.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

// Largest PU number a list may name: far above any machine, low enough to catch a typo.
inline constexpr int kMaxPuIndex = 4095;

// Sorted, without duplicates. Refuses an empty list, a reversed range ("5-2"), a number above
// kMaxPuIndex and anything but digits, '-', ',' and spaces.
Result<std::vector<int>> parse_cpu_list(std::string_view text);
// The shortest form of a sorted list: {2,3,4,5,8} -> "2-5,8"; {} -> "".
std::string format_cpu_list(const std::vector<int>& pus);

}  // namespace pipescale::engine

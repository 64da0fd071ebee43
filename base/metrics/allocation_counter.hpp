#pragma once
// A binary that links pipescale::allocation_counter counts every call to the global operator new, so a
// benchmark can show how many allocations its measured loop made (STYLE.md rule 10).
#include <cstdint>

namespace pipescale {

std::uint64_t allocations_so_far();

}  // namespace pipescale

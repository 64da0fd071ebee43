#pragma once
// Layout constants shared between processes. Fixed numbers, not
// std::hardware_destructive_interference_size: that value moves with compiler flags, and two
// processes built differently must still agree on where every field of a shared struct lies.
#include <cstddef>
#include <cstdint>

namespace pipescale::ipc {

inline constexpr std::size_t kCacheLineBytes = 64;
// Adjacent-line prefetchers pull cache lines in pairs, so fields written by different processes
// sit 128 bytes apart.
inline constexpr std::size_t kFalseSharingBytes = 128;
inline constexpr std::size_t kPageBytes = 4096;

constexpr std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}
constexpr bool is_power_of_two(std::uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

}  // namespace pipescale::ipc

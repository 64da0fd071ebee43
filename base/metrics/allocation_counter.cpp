// Replaces the global operator new and delete of the binary that links this file. Kept in its own
// translation unit: GCC, seeing a replacement inlined next to its callers, warns that malloc'd
// memory is released with a mismatched function.
#include "base/metrics/allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::uint64_t> g_allocations{0};

}  // namespace

namespace pipescale {

std::uint64_t allocations_so_far() { return g_allocations.load(std::memory_order_relaxed); }

}  // namespace pipescale

void* operator new(std::size_t bytes) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(bytes == 0 ? 1 : bytes)) return memory;
  throw std::bad_alloc();
}
void* operator new[](std::size_t bytes) { return ::operator new(bytes); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t /*bytes*/) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t /*bytes*/) noexcept { std::free(memory); }

#pragma once
// Process-local handle on a shared-memory segment (Boost.Interprocess shared_memory_object and
// mapped_region, mode 0600). The creator lays out named regions, then publishes; openers look
// regions up by name. The creator removes the segment when its handle is destroyed; segments
// whose creator died are removed by sweep_stale_segments(), which every run calls at start.
//
// Names: "pipescale.<creator pid>.<run id>[.<suffix>]", so that a sweep can tell the creator from
// the name even when the header was never written.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ipc/segment/segment_layout.hpp"

namespace pipescale::ipc {

inline constexpr const char* kSegmentPrefix = "pipescale.";

struct SegmentOptions {
  std::string name;    // see segment_name()
  std::string run_id;  // recorded in the header
  std::uint64_t arena_bytes = 1 << 20;
  std::uint32_t directory_capacity = 64;
};

// "pipescale.<pid>.<run_id>" plus ".<suffix>" when given.
std::string segment_name(const std::string& run_id, const std::string& suffix = {});
// A fresh run id: time and randomness, unique across concurrent runs and tests.
std::string make_run_id();

struct Region {
  void* address = nullptr;
  std::uint64_t bytes = 0;
  RegionKind kind = RegionKind::kBytes;
  std::int32_t numa_node = -1;
};

class Segment {
 public:
  static Result<Segment> create(const SegmentOptions& options);
  // Opens a published segment; waits up to wait_ready_ns for a creator still laying it out.
  static Result<Segment> open(const std::string& name, std::int64_t wait_ready_ns = 2'000'000'000);

  Segment(Segment&&) noexcept;
  Segment& operator=(Segment&&) noexcept;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment();

  // Creator only, before publish(): carves a page-aligned region out of the arena.
  Result<Region> allocate(const std::string& region_name, std::uint64_t bytes, RegionKind kind,
                          std::int32_t numa_node = -1);
  // Creator only: a ring (control block and data area) and a doorbell, initialised in place.
  Result<RingControl*> allocate_ring(const std::string& region_name, std::uint64_t capacity_bytes,
                                     std::uint64_t max_payload_bytes = 0, std::int32_t numa_node = -1);
  Result<DoorbellLayout*> allocate_doorbell(const std::string& region_name, std::int32_t numa_node = -1);
  void publish();  // state := ready, release
  void mark_closing();

  // Lookups read a private copy of the directory (the creator's own, or what open() found and
  // checked), never the shared one again: a region is handed out only inside the mapping.
  Result<Region> find(const std::string& region_name, RegionKind kind) const;
  Result<RingControl*> find_ring(const std::string& region_name) const;
  Result<DoorbellLayout*> find_doorbell(const std::string& region_name) const;
  std::vector<std::string> region_names() const;

  [[nodiscard]] const std::string& name() const;
  // The shared header itself: another process may scribble on it, so read it for diagnostics only.
  [[nodiscard]] const SegmentHeader& header() const;
  [[nodiscard]] bool owner() const;
  [[nodiscard]] void* base() const;
  [[nodiscard]] std::uint64_t size_bytes() const;
  // Removes the name now (the mapping stays valid until the handle is destroyed).
  void unlink();
  // Keeps the segment after the handle is destroyed (for tests that hand it to a child).
  void release_ownership();

 private:
  struct Impl;
  explicit Segment(std::unique_ptr<Impl> impl);
  void remove_if_owner();
  std::unique_ptr<Impl> impl_;
};

struct SweepReport {
  std::vector<std::string> removed;  // segments whose creator was dead
  std::vector<std::string> kept;     // segments of live creators
};
// Removes this user's pipescale segments whose creator process is gone (or whose pid was reused
// by another process). Never touches segments of live creators.
SweepReport sweep_stale_segments(const std::string& prefix = kSegmentPrefix);

// /proc/<pid>/stat field 22, or 0 when the process does not exist.
std::uint64_t process_start_ticks(int pid);

}  // namespace pipescale::ipc

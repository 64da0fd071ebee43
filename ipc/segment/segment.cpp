#include "ipc/segment/segment.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/permissions.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "ipc/common/clock.hpp"
#include "ipc/ring/spsc_ring.hpp"

namespace bip = boost::interprocess;

namespace pipescale::ipc {

struct Segment::Impl {
  std::string name;
  bip::mapped_region region;
  SegmentHeader* header = nullptr;
  bool owner = false;
  bool unlinked = false;
  // A private copy of the directory and of the bounds it is checked against: what the creator
  // laid out, or what an opener found and checked when it opened the segment. Lookups use only
  // these, so bytes written over the shared header or directory later are never believed.
  std::vector<DirectoryEntry> directory;
  std::uint64_t total_bytes = 0;
  std::uint64_t arena_offset = 0;
  std::uint64_t arena_used = 0;
  std::uint32_t directory_capacity = 0;

  DirectoryEntry* shared_directory() const {
    return reinterpret_cast<DirectoryEntry*>(static_cast<std::byte*>(region.get_address()) + sizeof(SegmentHeader));
  }
  // Whether [offset, offset + bytes) lies in the arena, without overflow.
  [[nodiscard]] bool in_arena(std::uint64_t offset, std::uint64_t bytes) const {
    return offset >= arena_offset && offset <= total_bytes && bytes <= total_bytes - offset;
  }
};

namespace {

std::uint64_t random_u64() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string describe_header_mismatch(const SegmentHeader& header, std::uint64_t mapped_bytes) {
  if (header.magic != kSegmentMagic)
    return "magic is " + hex(header.magic) + ", expected " + hex(kSegmentMagic) + " (not a pipescale segment)";
  if (header.layout_version != kSegmentLayoutVersion) {
    return "layout version is " + std::to_string(header.layout_version) + ", this build speaks version " +
           std::to_string(kSegmentLayoutVersion);
  }
  if (header.header_bytes != sizeof(SegmentHeader)) {
    return "header is " + std::to_string(header.header_bytes) + " bytes, this build expects " +
           std::to_string(sizeof(SegmentHeader));
  }
  if (header.cache_line_bytes != kCacheLineBytes) {
    return "built for " + std::to_string(header.cache_line_bytes) + "-byte cache lines, this build assumes " +
           std::to_string(kCacheLineBytes);
  }
  if (header.abi_fingerprint != abi_fingerprint()) {
    return "ABI fingerprint is " + hex(header.abi_fingerprint) + ", this build's is " + hex(abi_fingerprint()) +
           " (shared structs differ in size or alignment: rebuild both sides from the same source)";
  }
  if (header.total_bytes != mapped_bytes) {
    return "header says " + std::to_string(header.total_bytes) + " bytes, the mapping has " +
           std::to_string(mapped_bytes);
  }
  const std::uint64_t directory_end =
      sizeof(SegmentHeader) + std::uint64_t{header.directory_capacity} * sizeof(DirectoryEntry);
  if (header.directory_count > header.directory_capacity || directory_end > mapped_bytes ||
      header.arena_offset < directory_end || header.arena_offset > mapped_bytes ||
      header.arena_used > mapped_bytes - header.arena_offset) {
    return "directory (" + std::to_string(header.directory_count) + " of " + std::to_string(header.directory_capacity) +
           " entries) does not fit the segment";
  }
  return {};
}

}  // namespace

std::string segment_name(const std::string& run_id, const std::string& suffix) {
  std::string name = std::string(kSegmentPrefix) + std::to_string(getpid()) + "." + run_id;
  if (!suffix.empty()) name += "." + suffix;
  return name;
}

std::string make_run_id() {
  const auto now = static_cast<std::uint64_t>(monotonic_ns());
  return hex(now ^ random_u64()).substr(4);
}

std::uint64_t process_start_ticks(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  // After "pid (comm) " come fields 3..; starttime is field 22.
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return std::stoull(field);
  }
  return 0;
}

Segment::Segment(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Segment::Segment(Segment&&) noexcept = default;
Segment& Segment::operator=(Segment&& other) noexcept {
  if (this != &other) {
    remove_if_owner();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Segment::~Segment() { remove_if_owner(); }

void Segment::remove_if_owner() {
  if (impl_ && impl_->owner && !impl_->unlinked) bip::shared_memory_object::remove(impl_->name.c_str());
}

Result<Segment> Segment::create(const SegmentOptions& options) {
  if (options.name.empty() || options.name.find('/') != std::string::npos || options.name.size() > 200) {
    return Error{"segment name '" + options.name + "' must be non-empty, at most 200 characters and without '/'"};
  }
  if (options.directory_capacity == 0) return Error{"segment '" + options.name + "': directory_capacity must be > 0"};
  const std::uint64_t directory_end = sizeof(SegmentHeader) + options.directory_capacity * sizeof(DirectoryEntry);
  const std::uint64_t arena_offset = align_up(directory_end, kPageBytes);
  const std::uint64_t total = arena_offset + align_up(options.arena_bytes, kPageBytes);
  auto impl = std::make_unique<Impl>();
  impl->name = options.name;
  try {
    bip::permissions owner_only;
    owner_only.set_permissions(0600);
    bip::shared_memory_object object(bip::create_only, options.name.c_str(), bip::read_write, owner_only);
    impl->owner = true;  // from here on the destructor removes the name
    object.truncate(static_cast<bip::offset_t>(total));
    impl->region = bip::mapped_region(object, bip::read_write);
  } catch (const bip::interprocess_exception& error) {
    if (impl->owner) bip::shared_memory_object::remove(options.name.c_str());
    return Error{"cannot create shared-memory segment '" + options.name + "' of " + std::to_string(total) +
                 " bytes: " + error.what()};
  }
  auto* header = new (impl->region.get_address()) SegmentHeader{};
  header->magic = kSegmentMagic;
  header->layout_version = kSegmentLayoutVersion;
  header->header_bytes = sizeof(SegmentHeader);
  header->abi_fingerprint = abi_fingerprint();
  header->total_bytes = total;
  header->cache_line_bytes = kCacheLineBytes;
  header->directory_capacity = options.directory_capacity;
  header->directory_count = 0;
  header->creator_pid = getpid();
  header->creator_start_ticks = process_start_ticks(getpid());
  header->epoch = random_u64();
  header->arena_offset = arena_offset;
  header->arena_used = 0;
  std::strncpy(header->run_id, options.run_id.c_str(), kRunIdBytes - 1);
  // relaxed: nobody may trust anything but `ready`, which publish() stores with release.
  header->state.store(static_cast<std::uint32_t>(SegmentState::kInit), std::memory_order_relaxed);
  impl->header = header;
  impl->total_bytes = total;
  impl->arena_offset = arena_offset;
  impl->directory_capacity = options.directory_capacity;
  impl->directory.reserve(options.directory_capacity);
  return Segment(std::move(impl));
}

Result<Segment> Segment::open(const std::string& name, std::int64_t wait_ready_ns) {
  auto impl = std::make_unique<Impl>();
  impl->name = name;
  try {
    bip::shared_memory_object object(bip::open_only, name.c_str(), bip::read_write);
    bip::offset_t size = 0;
    object.get_size(size);
    if (static_cast<std::uint64_t>(size) < sizeof(SegmentHeader)) {
      return Error{"segment '" + name + "' is " + std::to_string(size) + " bytes, smaller than a header (" +
                   std::to_string(sizeof(SegmentHeader)) + "): its creator died while creating it, or it is not ours"};
    }
    impl->region = bip::mapped_region(object, bip::read_write);
  } catch (const bip::interprocess_exception& error) {
    return Error{"cannot open shared-memory segment '" + name + "': " + error.what()};
  }
  auto* header = static_cast<SegmentHeader*>(impl->region.get_address());
  // acquire pairs with the release store in publish(): the header and directory are complete.
  const std::int64_t give_up_ns = monotonic_ns() + wait_ready_ns;
  std::uint32_t state = header->state.load(std::memory_order_acquire);
  while (state == static_cast<std::uint32_t>(SegmentState::kInit) && monotonic_ns() < give_up_ns) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    state = header->state.load(std::memory_order_acquire);
  }
  if (const std::string mismatch = describe_header_mismatch(*header, impl->region.get_size()); !mismatch.empty()) {
    return Error{"refusing segment '" + name + "': " + mismatch};
  }
  if (state != static_cast<std::uint32_t>(SegmentState::kReady)) {
    return Error{"refusing segment '" + name + "': state is " + std::to_string(state) +
                 (state == static_cast<std::uint32_t>(SegmentState::kInit) ? " (init: its creator never published it)"
                                                                           : " (closing: the run is ending)")};
  }
  impl->header = header;
  // Copied once, after the checks above: later lookups never read the shared directory again.
  impl->total_bytes = header->total_bytes;
  impl->arena_offset = header->arena_offset;
  impl->arena_used = header->arena_used;
  impl->directory_capacity = header->directory_capacity;
  impl->directory.assign(impl->shared_directory(), impl->shared_directory() + header->directory_count);
  return Segment(std::move(impl));
}

Result<Region> Segment::allocate(const std::string& region_name, std::uint64_t bytes, RegionKind kind,
                                 std::int32_t numa_node) {
  SegmentHeader& header = *impl_->header;
  // relaxed: pairs with nothing; past the owner check this is the creator, the only writer of `state`.
  if (!impl_->owner ||
      header.state.load(std::memory_order_relaxed) != static_cast<std::uint32_t>(SegmentState::kInit)) {
    return Error{"segment '" + impl_->name + "': regions can be added only by its creator before publish()"};
  }
  if (region_name.empty() || region_name.size() >= kRegionNameBytes) {
    return Error{"region name '" + region_name + "' must have 1 to " + std::to_string(kRegionNameBytes - 1) +
                 " characters"};
  }
  // Names are unique whatever the kind: find() stops at the first entry with the name.
  for (const std::string& existing : region_names()) {
    if (existing == region_name) {
      return Error{"segment '" + impl_->name + "' already has a region '" + region_name + "'"};
    }
  }
  const auto count = static_cast<std::uint32_t>(impl_->directory.size());
  if (count == impl_->directory_capacity) {
    return Error{"segment '" + impl_->name + "': directory full (" + std::to_string(impl_->directory_capacity) +
                 " regions)"};
  }
  // From the private bounds, not the shared header: nothing another process wrote is believed.
  const std::uint64_t offset = impl_->arena_offset + impl_->arena_used;
  const std::uint64_t reserved = align_up(bytes, kPageBytes);  // page-aligned: each region can be NUMA-bound alone
  if (bytes > impl_->total_bytes || reserved > impl_->total_bytes - offset) {
    return Error{"segment '" + impl_->name + "': no room for region '" + region_name + "' of " + std::to_string(bytes) +
                 " bytes (" + std::to_string(impl_->total_bytes - offset) + " left); raise arena_bytes"};
  }
  DirectoryEntry entry;
  std::memset(&entry, 0, sizeof entry);
  std::memcpy(entry.name, region_name.data(), region_name.size());
  entry.offset = offset;
  entry.bytes = bytes;
  entry.kind = kind;
  entry.numa_node = numa_node;
  impl_->directory.push_back(entry);
  std::memcpy(&impl_->shared_directory()[count], &entry, sizeof entry);
  impl_->arena_used += reserved;
  header.arena_used = impl_->arena_used;
  header.directory_count = count + 1;
  return Region{static_cast<std::byte*>(base()) + offset, bytes, kind, numa_node};
}

Result<RingControl*> Segment::allocate_ring(const std::string& region_name, std::uint64_t capacity_bytes,
                                            std::uint64_t max_payload_bytes, std::int32_t numa_node) {
  auto region = allocate(region_name, ring_bytes(capacity_bytes), RegionKind::kRing, numa_node);
  if (!region) return region.error();
  auto ring = init_ring(region->address, RingOptions{capacity_bytes, max_payload_bytes});
  if (!ring) return Error{"region '" + region_name + "': " + ring.error().message};
  return ring;
}

Result<DoorbellLayout*> Segment::allocate_doorbell(const std::string& region_name, std::int32_t numa_node) {
  auto region = allocate(region_name, sizeof(DoorbellLayout), RegionKind::kDoorbell, numa_node);
  if (!region) return region.error();
  return new (region->address) DoorbellLayout{};
}

void Segment::publish() {
  // release pairs with the acquire load of `state` in open(): everything written before is seen.
  impl_->header->state.store(static_cast<std::uint32_t>(SegmentState::kReady), std::memory_order_release);
}

void Segment::mark_closing() {
  // release pairs with the acquire load of `state` in open(), like publish()'s store. open() reads
  // the header fields (describe_header_mismatch) whatever state it finds, and in C++20 a later
  // plain store does not extend publish()'s release sequence: an opener that reads closing must
  // synchronise with this store to see the header the creator wrote before it.
  impl_->header->state.store(static_cast<std::uint32_t>(SegmentState::kClosing), std::memory_order_release);
}

Result<Region> Segment::find(const std::string& region_name, RegionKind kind) const {
  for (const DirectoryEntry& entry : impl_->directory) {  // the private copy: see Impl
    if (region_name.size() >= kRegionNameBytes || strnlen(entry.name, kRegionNameBytes) != region_name.size() ||
        std::memcmp(entry.name, region_name.data(), region_name.size()) != 0) {
      continue;
    }
    if (entry.kind != kind) {
      return Error{"segment '" + impl_->name + "': region '" + region_name + "' is of kind " +
                   std::to_string(static_cast<std::uint32_t>(entry.kind)) + ", expected " +
                   std::to_string(static_cast<std::uint32_t>(kind))};
    }
    if (!impl_->in_arena(entry.offset, entry.bytes)) {
      return Error{"segment '" + impl_->name + "': region '" + region_name + "' lies outside the segment"};
    }
    return Region{static_cast<std::byte*>(base()) + entry.offset, entry.bytes, entry.kind, entry.numa_node};
  }
  return Error{"segment '" + impl_->name + "' has no region '" + region_name + "'"};
}

Result<RingControl*> Segment::find_ring(const std::string& region_name) const {
  auto region = find(region_name, RegionKind::kRing);
  if (!region) return region.error();
  auto ring = attach_ring(region->address, region->bytes);
  if (!ring) return Error{"segment '" + impl_->name + "', region '" + region_name + "': " + ring.error().message};
  return ring;
}

Result<DoorbellLayout*> Segment::find_doorbell(const std::string& region_name) const {
  auto region = find(region_name, RegionKind::kDoorbell);
  if (!region) return region.error();
  if (region->bytes < sizeof(DoorbellLayout)) return Error{"region '" + region_name + "' is too small for a doorbell"};
  return static_cast<DoorbellLayout*>(region->address);
}

std::vector<std::string> Segment::region_names() const {
  std::vector<std::string> names;
  names.reserve(impl_->directory.size());
  for (const DirectoryEntry& entry : impl_->directory) {
    names.emplace_back(entry.name, strnlen(entry.name, kRegionNameBytes));
  }
  return names;
}

const std::string& Segment::name() const { return impl_->name; }
const SegmentHeader& Segment::header() const { return *impl_->header; }
bool Segment::owner() const { return impl_->owner; }
void* Segment::base() const { return impl_->region.get_address(); }
std::uint64_t Segment::size_bytes() const { return impl_->region.get_size(); }

void Segment::unlink() {
  if (!impl_->unlinked) bip::shared_memory_object::remove(impl_->name.c_str());
  impl_->unlinked = true;
}

void Segment::release_ownership() { impl_->owner = false; }

namespace {

bool creator_is_gone(const std::string& file_name, const std::string& prefix) {
  // "<prefix><pid>.<rest>"
  const std::string rest = file_name.substr(prefix.size());
  const auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0) return false;  // not a name we make: leave it alone
  int pid = 0;
  try {
    pid = std::stoi(rest.substr(0, dot));
  } catch (const std::exception&) {
    return false;
  }
  if (pid <= 0) return false;
  if (kill(pid, 0) == -1 && errno == ESRCH) return true;
  // The pid is in use: by the creator, or by a process that reused its number. The header's
  // start time tells them apart, when the creator lived long enough to write it.
  try {
    bip::shared_memory_object object(bip::open_only, file_name.c_str(), bip::read_only);
    bip::offset_t size = 0;
    object.get_size(size);
    if (static_cast<std::uint64_t>(size) < sizeof(SegmentHeader)) return false;
    bip::mapped_region region(object, bip::read_only, 0, sizeof(SegmentHeader));
    const auto* header = static_cast<const SegmentHeader*>(region.get_address());
    if (header->magic != kSegmentMagic || header->creator_pid != pid || header->creator_start_ticks == 0) return false;
    return header->creator_start_ticks != process_start_ticks(pid);
  } catch (const bip::interprocess_exception&) {
    return false;
  }
}

}  // namespace

SweepReport sweep_stale_segments(const std::string& prefix) {
  SweepReport report;
  DIR* directory = opendir("/dev/shm");
  if (directory == nullptr) return report;
  while (const dirent* entry = readdir(directory)) {
    const std::string file_name = entry->d_name;
    if (file_name.rfind(prefix, 0) != 0) continue;
    struct stat info {};
    if (fstatat(dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0 || info.st_uid != geteuid()) continue;
    if (creator_is_gone(file_name, prefix)) {
      bip::shared_memory_object::remove(file_name.c_str());
      report.removed.push_back(file_name);
    } else {
      report.kept.push_back(file_name);
    }
  }
  closedir(directory);
  return report;
}

}  // namespace pipescale::ipc

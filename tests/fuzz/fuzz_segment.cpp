// The segment opener over arbitrary bytes: the input becomes a shared-memory object's contents,
// as a stray write or a foreign process could leave them. open() must refuse what does not
// check out, and every region it then hands out must lie inside the mapping.
#include <unistd.h>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "ipc/segment/segment.hpp"

namespace bip = boost::interprocess;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipescale::ipc;
  if (size == 0 || size > (1u << 20)) return 0;
  const std::string name = "pipescale-fuzz-segment." + std::to_string(getpid());
  {
    bip::shared_memory_object::remove(name.c_str());
    bip::shared_memory_object object(bip::create_only, name.c_str(), bip::read_write);
    object.truncate(static_cast<bip::offset_t>(size));
    bip::mapped_region region(object, bip::read_write);
    std::memcpy(region.get_address(), data, size);
  }
  auto segment = Segment::open(name, 0);
  if (segment) {
    const auto* begin = static_cast<const std::byte*>(segment->base());
    const auto* end = begin + segment->size_bytes();
    for (const std::string& region_name : segment->region_names()) {
      for (const RegionKind kind : {RegionKind::kRing, RegionKind::kDoorbell, RegionKind::kBytes}) {
        auto region = segment->find(region_name, kind);
        if (!region) continue;
        const auto* at = static_cast<const std::byte*>(region->address);
        if (at < begin || region->bytes > static_cast<std::uint64_t>(end - at)) __builtin_trap();
      }
      (void)segment->find_ring(region_name);
      (void)segment->find_doorbell(region_name);
    }
  }
  bip::shared_memory_object::remove(name.c_str());
  return 0;
}

// A ring reader over arbitrary bytes: the input is a whole ring (control block and data area) as
// a hostile or crashed producer could leave it. attach_ring must refuse what does not fit, and
// poll() must terminate and hand over only records inside the data area.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ipc/ring/spsc_ring.hpp"

namespace {

struct alignas(pipescale::ipc::kFalseSharingBytes) Block {
  std::byte bytes[pipescale::ipc::kFalseSharingBytes];
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipescale::ipc;
  std::vector<Block> memory((size + sizeof(Block) - 1) / sizeof(Block) + 1);
  if (size != 0) std::memcpy(memory.data(), data, size);
  auto ring = attach_ring(memory.data(), size);
  if (!ring) return 0;
  RingReader reader(*ring);
  const std::byte* begin = reinterpret_cast<const std::byte*>(memory.data());
  const std::byte* end = begin + size;
  std::size_t total = 0;
  for (int round = 0; round < 4; ++round) {
    total += reader.poll([&](const RecordView& record) {
      if (record.payload.data() < begin || record.payload.data() + record.payload.size() > end) __builtin_trap();
      for (const std::byte byte : record.payload) total += static_cast<std::size_t>(byte);
    });
    (void)reader.has_data();
  }
  RingWriter writer(*ring);
  std::span<std::byte> payload;
  if (writer.try_claim(16, payload) == RingStatus::kOk) {
    if (payload.data() < begin || payload.data() + payload.size() > end) __builtin_trap();
    writer.commit(RecordMeta{});
  }
  return total == SIZE_MAX ? 1 : 0;
}

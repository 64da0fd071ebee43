// The verifier of every message type over arbitrary bytes: the first byte picks the type, the
// rest is the payload, copied to an aligned buffer as the transports hand it over. A payload the
// verifier accepts is then read through its accessors, which must stay inside it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "schemas/control_generated.h"
#include "schemas/request_generated.h"
#include "schemas/verify.hpp"

namespace {

using pipescale::schema::verify_message;

template <class Table>
void check(std::span<const std::byte> payload) {
  if (!verify_message<Table>(payload)) return;
  const Table* root = flatbuffers::GetRoot<Table>(payload.data());
  // Reflection-free deep read: the verifier vouched for every offset.
  flatbuffers::Verifier again(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size(),
                              pipescale::schema::verifier_options());
  if (!root->Verify(again)) __builtin_trap();
}

struct alignas(pipescale::schema::kMessageAlignment) Word {
  std::byte bytes[pipescale::schema::kMessageAlignment];
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipescale::schema;
  if (size == 0) return 0;
  std::vector<Word> buffer((size + sizeof(Word) - 1) / sizeof(Word));
  std::memcpy(buffer.data(), data + 1, size - 1);
  const std::span<const std::byte> payload(reinterpret_cast<const std::byte*>(buffer.data()), size - 1);
  switch (data[0] % 14) {
    case 0: check<Request>(payload); break;
    case 1: check<Response>(payload); break;
    case 2: check<Batch>(payload); break;
    case 3: check<BatchResponse>(payload); break;
    case 4: check<Order>(payload); break;
    case 5: check<OrderResponse>(payload); break;
    case 6: check<Feedback>(payload); break;
    case 7: check<FeedbackResponse>(payload); break;
    case 8: check<QueueInformation>(payload); break;
    case 9: check<QueueInformationResponse>(payload); break;
    case 10: check<BatchSize>(payload); break;
    case 11: check<BatchSizeResponse>(payload); break;
    case 12: check<FrontendInformation>(payload); break;
    default: check<FrontendInformationResponse>(payload); break;
  }
  return 0;
}

#pragma once
// verified_root() for a message received through the generated gRPC code (pipescale::
// schemas_grpc only). gRPC hands a message over in a slice that may start at any address, and
// the build turns off flatbuffers/grpc.h's own verification (schemas/CMakeLists.txt), so every
// gRPC handler and caller reads its message through this.
#include <cstddef>
#include <flatbuffers/grpc.h>
#include <span>

#include "schemas/verify.hpp"

namespace pipescale::schema {

template <class Table>
[[nodiscard]] const Table* verified_root(const flatbuffers::grpc::Message<Table>& message, AlignedScratch& scratch) {
  const std::span<const std::byte> payload(reinterpret_cast<const std::byte*>(message.data()), message.size());
  return verified_root<Table>(realigned(payload, scratch));
}

}  // namespace pipescale::schema

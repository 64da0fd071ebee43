#pragma once
// What the typed layer tells the generic one about each rpc: its stable id, its gRPC path, and
// the verifiers of its request and response payloads. Generated from the schemas' rpc_service
// blocks; the generic layer never parses a payload itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace pipescale::ipc {

using MethodId = std::uint16_t;

// True when `payload` is a well-formed message of the expected type (for FlatBuffers: a
// flatbuffers::Verifier with size and depth limits over the bytes, then VerifyBuffer<T>).
// A plain function pointer: verifiers are stateless, and one is called for every message.
using PayloadVerifier = bool (*)(std::span<const std::byte> payload);

struct MethodSpec {
  MethodId id = 0;
  const char* name = "";                       // gRPC's path, e.g. "/pipescale.Frontend/SendRequest"
  PayloadVerifier request_verifier = nullptr;  // nullptr accepts any bytes
  PayloadVerifier response_verifier = nullptr;
};

// A table keyed by method id, filled at setup and read on every message: a sorted vector
// reserved up front, searched by bisection (rpc services have a handful of methods; ids are
// sparse when derived from a hash of the name).
template <class Entry>
class MethodTable {
 public:
  explicit MethodTable(std::size_t capacity) : capacity_(capacity) { entries_.reserve(capacity); }

  Status add(MethodId id, Entry entry) {
    if (find(id) != nullptr) return Error{"method id " + std::to_string(id) + " is registered twice"};
    if (entries_.size() == capacity_) {
      return Error{"method table is full (" + std::to_string(capacity_) + " methods): raise max_methods"};
    }
    const auto at = std::lower_bound(entries_.begin(), entries_.end(), id,
                                     [](const auto& item, MethodId key) { return item.first < key; });
    entries_.insert(at, {id, std::move(entry)});
    return Ok{};
  }

  [[nodiscard]] Entry* find(MethodId id) {
    const auto at = std::lower_bound(entries_.begin(), entries_.end(), id,
                                     [](const auto& item, MethodId key) { return item.first < key; });
    return at != entries_.end() && at->first == id ? &at->second : nullptr;
  }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::vector<std::pair<MethodId, Entry>> entries_;
};

}  // namespace pipescale::ipc

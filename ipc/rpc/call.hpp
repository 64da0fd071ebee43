#pragma once
// What a caller gets back, and the callable that receives it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ipc/rpc/inplace_function.hpp"
#include "ipc/rpc/method.hpp"
#include "ipc/rpc/status.hpp"

namespace pipescale::ipc {

struct Reply {
  StatusCode status = StatusCode::kOk;
  MethodId method_id = 0;
  std::uint64_t correlation_id = 0;
  // The response message (already verified) when status is kOk, empty otherwise. It points into
  // the response ring: valid only during the callback; copy what must outlive it.
  std::span<const std::byte> payload;
};

// Room for a few pointers: a typed stub captures a pointer to its state and a request index.
inline constexpr std::size_t kCompletionBytes = 48;
using Completion = InplaceFunction<void(const Reply&), kCompletionBytes>;

}  // namespace pipescale::ipc

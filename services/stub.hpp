#pragma once
// A typed client stub for one service, written once against ipc::Channel: the same stub calls
// over the shared-memory rings and over gRPC, and role code cannot tell which is underneath.
//
// A request is given either as a build function, `(flatbuffers::FlatBufferBuilder&) ->
// flatbuffers::Offset<Request>`, which the stub runs on its own reused builder (Clear()ed per
// call: no allocation once it has grown to the largest message), or as finished FlatBuffer bytes.
// The transport copies the bytes before the call returns, so the builder is free again at once.
//
// Outcomes are the Channel's (ipc/rpc/channel.hpp): call_async returning kOk means `done` fires
// exactly once, later, from the transport's poll(), with the status and, on kOk, the verified
// response (valid only during the completion: copy what must outlive it). Any other return value
// is the call's outcome and nothing fires. call() returns the outcome and hands a kOk response to
// on_response first.
//
// Not thread-safe: one stub per thread that calls, like the channel under it.
#include <cstddef>
#include <cstdint>
#include <flatbuffers/flatbuffer_builder.h>
#include <flatbuffers/flatbuffers.h>
#include <span>
#include <type_traits>
#include <utility>

#include "ipc/rpc/channel.hpp"
#include "ipc/rpc/inplace_function.hpp"
#include "services/encode.hpp"
#include "services/method_specs.hpp"

namespace pipescale::services {

// Room for what a completion usually captures: a pointer to the role's state and an id or two.
// Sized so that the typed completion, wrapped, fits the transport's ipc::Completion exactly.
inline constexpr std::size_t kDoneBytes = 32;

// What an asynchronous call's completion receives: the outcome, and the verified response when
// it is kOk (nullptr otherwise).
template <class Method>
using Done = ipc::InplaceFunction<void(ipc::StatusCode, const typename Method::Response*), kDoneBytes>;

template <class Service>
class Stub {
 public:
  // The channel must outlive the stub; it must verify responses (every channel of a Transport
  // does; for a hand-made ipc::RingChannel, call add_all_methods() on its RpcClient).
  explicit Stub(ipc::Channel& channel, flatbuffers::uoffset_t initial_builder_bytes = 1024)
      : channel_(&channel), builder_(initial_builder_bytes) {}

  template <class Method, class Request>
  [[nodiscard]] ipc::StatusCode call_async(Request&& request, std::int64_t deadline_ns, Done<Method>&& done) {
    static_assert(kIsMethodOf<Service, Method>, "this rpc belongs to another service");
    using Response = typename Method::Response;
    static_assert(sizeof(Done<Method>) <= ipc::kCompletionBytes, "a wrapped Done must fit an ipc::Completion");
    const std::span<const std::byte> bytes = detail::encode<typename Method::Request>(builder_, request);
    if (!done) return channel_->call_async(Method::kId, bytes, deadline_ns, {});  // nobody to tell
    return channel_->call_async(
        Method::kId, bytes, deadline_ns, [done = std::move(done)](const ipc::Reply& reply) mutable {
          done(reply.status,
               reply.status == ipc::StatusCode::kOk ? flatbuffers::GetRoot<Response>(reply.payload.data()) : nullptr);
        });
  }

  // Synchronous: waits for the outcome, polling the calling side meanwhile (other calls'
  // completions run) but not the serving side: a process that also serves prefers call_async.
  // Refused from inside a completion (kFailedPrecondition).
  template <class Method, class Request, class OnResponse>
  [[nodiscard]] ipc::StatusCode call(Request&& request, std::int64_t deadline_ns, OnResponse&& on_response) {
    static_assert(kIsMethodOf<Service, Method>, "this rpc belongs to another service");
    using Response = typename Method::Response;
    static_assert(std::is_invocable_v<OnResponse&, const Response&>, "on_response takes const Response&");
    const std::span<const std::byte> bytes = detail::encode<typename Method::Request>(builder_, request);
    return channel_->call(Method::kId, bytes, deadline_ns, [&on_response](const ipc::Reply& reply) {
      on_response(*flatbuffers::GetRoot<Response>(reply.payload.data()));
    });
  }
  template <class Method, class Request>
  [[nodiscard]] ipc::StatusCode call(Request&& request, std::int64_t deadline_ns) {
    return call<Method>(std::forward<Request>(request), deadline_ns, [](const typename Method::Response&) {});
  }

  [[nodiscard]] ipc::Channel& channel() { return *channel_; }

 private:
  ipc::Channel* channel_;
  flatbuffers::FlatBufferBuilder builder_;
};

}  // namespace pipescale::services

#pragma once
// What a server handler sees and how it answers, free of any transport detail: the ring server
// implements ReplySink today, a gRPC server can implement it later, and handlers serve both.
//
// A handler answers exactly once: reply() (or begin_reply()/commit_reply(), to build into the
// response ring directly), fail() with a status, or defer() to keep a ReplyToken and answer
// later through the server, from the server's thread (another thread passes its result back
// through a moodycamel::ConcurrentQueue that the server's agent drains). A handler that returns
// without doing any of these has its caller answered kInternal.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ipc/rpc/inplace_function.hpp"
#include "ipc/rpc/method.hpp"
#include "ipc/rpc/status.hpp"

namespace pipescale::ipc {

struct RequestView {
  // The request message, already verified. It points into the request ring: valid only during
  // the handler call; a deferred handler copies what it needs.
  std::span<const std::byte> payload;
  MethodId method_id = 0;
  std::uint64_t correlation_id = 0;
  std::uint32_t connection = 0;  // the index RpcServer::add_connection returned
  std::int64_t deadline_ns = 0;  // the caller's deadline (CLOCK_MONOTONIC ns), 0 for none
};

// Everything needed to answer a request later. Plain data: store it anywhere.
struct ReplyToken {
  std::uint64_t correlation_id = 0;
  std::uint32_t connection = 0;
  std::uint32_t epoch = 0;
  MethodId method_id = 0;
};

class ReplySink {
 public:
  // kOk: written, or parked in the connection's backlog until the ring has room.
  // kResourceExhausted: too large for the response ring (the caller is answered
  // kResourceExhausted instead), or the backlog overflowed (counted; the caller times out).
  [[nodiscard]] virtual StatusCode reply(const ReplyToken& token, std::span<const std::byte> message) = 0;
  [[nodiscard]] virtual StatusCode reply_status(const ReplyToken& token, StatusCode status) = 0;
  // Zero-copy: room for max_bytes, in the response ring when it has room, otherwise in a scratch
  // buffer that commit_reply() parks in the backlog. One reply under construction at a time.
  [[nodiscard]] virtual StatusCode begin_reply(const ReplyToken& token, std::uint32_t max_bytes,
                                               std::span<std::byte>& buffer) = 0;
  [[nodiscard]] virtual StatusCode commit_reply(std::uint32_t bytes) = 0;
  virtual void abort_reply() = 0;

 protected:
  ReplySink() = default;
  ReplySink(const ReplySink&) = default;
  ReplySink& operator=(const ReplySink&) = default;
  ~ReplySink() = default;
};

class Responder {
 public:
  Responder(ReplySink& sink, const ReplyToken& token) : sink_(&sink), token_(token) {}

  [[nodiscard]] StatusCode reply(std::span<const std::byte> message) {
    if (state_ != State::kOpen) return StatusCode::kFailedPrecondition;
    state_ = State::kAnswered;
    return sink_->reply(token_, message);
  }
  [[nodiscard]] StatusCode fail(StatusCode status) {
    if (state_ == State::kBuilding) sink_->abort_reply();
    if (state_ != State::kOpen && state_ != State::kBuilding) return StatusCode::kFailedPrecondition;
    state_ = State::kAnswered;
    return sink_->reply_status(token_, status);
  }
  [[nodiscard]] StatusCode begin_reply(std::uint32_t max_bytes, std::span<std::byte>& buffer) {
    if (state_ != State::kOpen) return StatusCode::kFailedPrecondition;
    const StatusCode status = sink_->begin_reply(token_, max_bytes, buffer);
    state_ = status == StatusCode::kOk ? State::kBuilding : State::kAnswered;  // refused: answered for us
    return status;
  }
  [[nodiscard]] StatusCode commit_reply(std::uint32_t bytes) {
    if (state_ != State::kBuilding) return StatusCode::kFailedPrecondition;
    state_ = State::kAnswered;
    return sink_->commit_reply(bytes);
  }
  // Keeps the request open past the handler: answer later with the server's reply(token, ...).
  [[nodiscard]] ReplyToken defer() {
    if (state_ == State::kOpen) state_ = State::kDeferred;
    return token_;
  }

  [[nodiscard]] bool settled() const { return state_ == State::kAnswered || state_ == State::kDeferred; }
  [[nodiscard]] bool deferred() const { return state_ == State::kDeferred; }
  [[nodiscard]] bool building() const { return state_ == State::kBuilding; }
  [[nodiscard]] const ReplyToken& token() const { return token_; }

 private:
  enum class State : std::uint8_t { kOpen, kBuilding, kAnswered, kDeferred };
  ReplySink* sink_;
  ReplyToken token_;
  State state_ = State::kOpen;
};

// Room for a pointer to the service object and a little more.
inline constexpr std::size_t kHandlerBytes = 32;
using Handler = InplaceFunction<void(const RequestView&, Responder&), kHandlerBytes>;

}  // namespace pipescale::ipc

#pragma once
// The simulator's transport: every role of a pipeline in one process, their messages carried in
// virtual time. A SimNetwork connects SimTransports by endpoint name; a call made at virtual time
// t is delivered to its server's inbox at t + hop_delay, the reply to its caller's inbox at that
// time + hop_delay, and each is handled from the receiver's poll() once the clock has reached it.
//
// It is a services::Transport like the rings and gRPC, so the roles' code runs on it unchanged:
// the same stubs encode the same FlatBuffers, the same dispatchers run the same handlers on
// verified payloads, completions fire exactly once, from poll(), with the same statuses (a call
// still pending at its deadline completes kDeadlineExceeded; an endpoint nobody listens on is
// kUnavailable). What it leaves out is everything that costs time on a real machine: copies,
// wake-ups, scheduling. hop_delay is the one knob that puts some of it back.
//
// Deterministic: deliveries are ordered by (time, send order), never by anything the host does.
// Synchronous calls (Channel::call) are refused with kFailedPrecondition: a call that waits
// inside one role's step would stop virtual time for every other role; the roles use call_async.
// Single-threaded, like the simulation that drives it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/clock/clock.hpp"
#include "ipc/rpc/channel.hpp"
#include "ipc/rpc/responder.hpp"
#include "services/transport.hpp"

namespace pipescale::engine {

class SimTransport;
class SimChannel;

// Counters of a whole simulated network.
struct SimNetworkCounters {
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t deadline_exceeded = 0;  // calls completed kDeadlineExceeded
  std::uint64_t late_replies = 0;       // replies to calls that had already completed
  std::uint64_t refused = 0;            // payloads that failed a verifier
};

class SimNetwork {
 public:
  // Every message takes hop_delay_ns of virtual time from send to delivery.
  SimNetwork(const Clock& clock, std::int64_t hop_delay_ns);
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;
  ~SimNetwork();

  // One transport per simulated process; the network owns it.
  SimTransport& add_transport(std::string process);

  [[nodiscard]] const Clock& clock() const { return *clock_; }
  [[nodiscard]] std::int64_t hop_delay_ns() const { return hop_delay_ns_; }
  [[nodiscard]] const SimNetworkCounters& counters() const { return counters_; }

 private:
  friend class SimTransport;
  friend class SimChannel;

  // Message buffers are recycled: once every message in flight has had its buffer grown to its
  // size, sending allocates nothing.
  std::vector<std::byte> take_buffer(std::span<const std::byte> bytes);
  void return_buffer(std::vector<std::byte>&& buffer);

  const Clock* clock_;
  std::int64_t hop_delay_ns_;
  std::uint64_t next_sequence_ = 0;
  std::vector<std::unique_ptr<SimTransport>> transports_;
  std::map<std::string, SimTransport*, std::less<>> endpoints_;
  SimNetworkCounters counters_;
  std::vector<std::vector<std::byte>> spare_buffers_;
  bool closing_ = false;  // set by the destructor
};

class SimTransport final : public services::Transport, private ipc::ReplySink {
 public:
  SimTransport(SimNetwork& network, std::uint32_t index, std::string process);
  ~SimTransport() override;

  [[nodiscard]] services::TransportKind kind() const override { return services::TransportKind::kSim; }
  Status serve(services::Dispatcher& service) override;
  // Registers the endpoint name in the network; callers find this transport by it.
  Result<std::string> listen(const std::string& endpoint) override;
  // The endpoint is looked up at each call, so a peer may listen after this connects.
  Result<ipc::Channel*> connect(const std::string& endpoint) override;

  // Handles every message delivered by now_ns (requests through the dispatcher, replies through
  // their completions), then completes the calls whose deadline has passed.
  std::size_t poll(std::int64_t now_ns) override;
  [[nodiscard]] bool has_work() const override;
  // The next delivery or call deadline, 0 for none: the simulation's next event for this process.
  [[nodiscard]] std::int64_t next_timer_ns() const override;
  // Never parked on: virtual time moves only when every process is idle.
  [[nodiscard]] ipc::DoorbellLayout* doorbell() const override { return doorbell_.get(); }

  // Faults (engine/simulate/README.md, "Faults"). The process died: its endpoint answers every
  // request still in its inbox, and refuses every later call, with kUnavailable; replies to its
  // own calls are discarded and its pending calls forgotten (nobody is left to complete them).
  void go_down();
  [[nodiscard]] bool down() const { return down_; }
  // A drop_link fault: while dropped, this process's calls to `endpoint` are refused with
  // kUnavailable. False when it has no channel to `endpoint`.
  bool set_link_dropped(const std::string& endpoint, bool dropped);

  [[nodiscard]] const std::string& process() const { return process_; }
  [[nodiscard]] std::size_t pending_calls() const { return pending_.size(); }

 private:
  friend class SimChannel;

  struct Message {
    std::int64_t deliver_ns = 0;
    std::uint64_t sequence = 0;
    bool reply = false;
    ipc::MethodId method = 0;
    std::uint64_t call_id = 0;
    std::uint32_t peer = 0;  // a request: its caller's transport; a reply: unused
    std::int64_t deadline_ns = 0;
    ipc::StatusCode status = ipc::StatusCode::kOk;
    std::vector<std::byte> payload;
  };
  struct Later {
    bool operator()(const Message& a, const Message& b) const {
      return a.deliver_ns != b.deliver_ns ? a.deliver_ns > b.deliver_ns : a.sequence > b.sequence;
    }
  };
  struct Pending {
    ipc::MethodId method = 0;
    std::int64_t deadline_ns = 0;
    ipc::Completion done;
  };

  ipc::StatusCode send_request(SimTransport& server, ipc::MethodId method, std::span<const std::byte> payload,
                               std::int64_t deadline_ns, ipc::Completion&& done);
  void deliver(Message&& message);
  void handle_request(Message& message);
  void handle_reply(Message& message);
  [[nodiscard]] const ipc::MethodSpec* method_spec(ipc::MethodId method) const;
  void send_reply(const ipc::ReplyToken& token, ipc::StatusCode status, std::span<const std::byte> payload);

  // ipc::ReplySink: how the dispatcher's handlers answer.
  ipc::StatusCode reply(const ipc::ReplyToken& token, std::span<const std::byte> message) override;
  ipc::StatusCode reply_status(const ipc::ReplyToken& token, ipc::StatusCode status) override;
  ipc::StatusCode begin_reply(const ipc::ReplyToken& token, std::uint32_t max_bytes,
                              std::span<std::byte>& buffer) override;
  ipc::StatusCode commit_reply(std::uint32_t bytes) override;
  void abort_reply() override;

  SimNetwork* network_;
  std::uint32_t index_;
  std::string process_;
  std::unique_ptr<ipc::DoorbellLayout> doorbell_;
  services::Dispatcher* service_ = nullptr;
  std::vector<std::unique_ptr<SimChannel>> channels_;

  std::vector<Message> inbox_;  // a min-heap by (deliver_ns, sequence)
  std::uint64_t next_call_id_ = 1;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::set<std::pair<std::int64_t, std::uint64_t>> deadlines_;  // (deadline_ns, call id) of pending calls

  std::vector<std::byte> reply_scratch_;
  ipc::ReplyToken reply_token_{};
  bool building_reply_ = false;
  bool down_ = false;
};

}  // namespace pipescale::engine

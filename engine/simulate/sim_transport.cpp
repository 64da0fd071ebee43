#include "engine/simulate/sim_transport.hpp"

#include <algorithm>
#include <cstring>

#include "services/method_specs.hpp"

namespace pipescale::engine {

// One connection to a named endpoint, seen as an ipc::Channel.
class SimChannel final : public ipc::Channel {
 public:
  SimChannel(SimTransport& owner, std::string endpoint) : owner_(&owner), endpoint_(std::move(endpoint)) {}

  [[nodiscard]] ipc::StatusCode call(ipc::MethodId /*method*/, std::span<const std::byte> /*request*/,
                                     std::int64_t /*deadline_ns*/, ipc::Completion&& /*on_reply*/) override {
    return ipc::StatusCode::kFailedPrecondition;  // see the header: it would stop virtual time
  }
  [[nodiscard]] ipc::StatusCode call_async(ipc::MethodId method, std::span<const std::byte> request,
                                           std::int64_t deadline_ns, ipc::Completion&& done) override {
    if (owner_->network_->closing_ || dropped_) return ipc::StatusCode::kUnavailable;
    SimTransport* server = resolve();
    if (server == nullptr || server->down_) return ipc::StatusCode::kUnavailable;
    return owner_->send_request(*server, method, request, deadline_ns, std::move(done));
  }
  [[nodiscard]] ipc::StatusCode try_begin_request(ipc::MethodId method, std::uint32_t max_bytes,
                                                  std::span<std::byte>& buffer) override {
    SimTransport* server = resolve();
    if (server == nullptr || server->down_ || dropped_) return ipc::StatusCode::kUnavailable;
    building_method_ = method;
    building_.resize(max_bytes);
    buffer = building_;
    return ipc::StatusCode::kOk;
  }
  [[nodiscard]] ipc::StatusCode begin_request(ipc::MethodId method, std::uint32_t max_bytes,
                                              std::int64_t /*deadline_ns*/, std::span<std::byte>& buffer) override {
    return try_begin_request(method, max_bytes, buffer);
  }
  [[nodiscard]] ipc::StatusCode commit_request(std::uint32_t /*bytes*/, std::int64_t /*deadline_ns*/,
                                               ipc::Completion&& /*on_reply*/) override {
    building_.clear();
    return ipc::StatusCode::kFailedPrecondition;
  }
  [[nodiscard]] ipc::StatusCode commit_request_async(std::uint32_t bytes, std::int64_t deadline_ns,
                                                     ipc::Completion&& done) override {
    if (bytes > building_.size()) {
      building_.clear();
      return ipc::StatusCode::kInvalidArgument;
    }
    const ipc::StatusCode status =
        call_async(building_method_, std::span<const std::byte>(building_.data(), bytes), deadline_ns, std::move(done));
    building_.clear();
    return status;
  }
  void abort_request() override { building_.clear(); }

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  void set_dropped(bool dropped) { dropped_ = dropped; }

 private:
  SimTransport* resolve() {
    if (server_ == nullptr) {
      const auto found = owner_->network_->endpoints_.find(endpoint_);
      if (found != owner_->network_->endpoints_.end()) server_ = found->second;
    }
    return server_;
  }

  SimTransport* owner_;
  std::string endpoint_;
  SimTransport* server_ = nullptr;
  ipc::MethodId building_method_ = 0;
  std::vector<std::byte> building_;
  bool dropped_ = false;  // a drop_link fault is in force
};

SimNetwork::SimNetwork(const Clock& clock, std::int64_t hop_delay_ns) : clock_(&clock), hop_delay_ns_(hop_delay_ns) {}

// Each transport completes its pending calls kCancelled as it goes; a completion that calls
// again meets a closing network and gets kUnavailable, never a transport already destroyed.
SimNetwork::~SimNetwork() {
  closing_ = true;
  while (!transports_.empty()) transports_.pop_back();
}

std::vector<std::byte> SimNetwork::take_buffer(std::span<const std::byte> bytes) {
  std::vector<std::byte> buffer;
  if (!spare_buffers_.empty()) {
    buffer = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
  }
  buffer.assign(bytes.begin(), bytes.end());
  return buffer;
}

void SimNetwork::return_buffer(std::vector<std::byte>&& buffer) { spare_buffers_.push_back(std::move(buffer)); }

SimTransport& SimNetwork::add_transport(std::string process) {
  const auto index = static_cast<std::uint32_t>(transports_.size());
  transports_.push_back(std::make_unique<SimTransport>(*this, index, std::move(process)));
  return *transports_.back();
}

SimTransport::SimTransport(SimNetwork& network, std::uint32_t index, std::string process)
    : network_(&network), index_(index), process_(std::move(process)), doorbell_(new ipc::DoorbellLayout()) {}

// Pending calls end as they do on every transport that goes away: kCancelled.
SimTransport::~SimTransport() {
  auto pending = std::move(pending_);
  pending_.clear();
  deadlines_.clear();
  for (auto& [id, call] : pending) {
    if (call.done) call.done(ipc::Reply{ipc::StatusCode::kCancelled, call.method, id, {}});
  }
}

Status SimTransport::serve(services::Dispatcher& service) {
  if (service_ != nullptr) return Error{process_ + ": a simulated process serves one service"};
  service_ = &service;
  return Ok{};
}

Result<std::string> SimTransport::listen(const std::string& endpoint) {
  if (service_ == nullptr) return Error{process_ + ": listen(" + endpoint + ") before serve()"};
  if (!network_->endpoints_.emplace(endpoint, this).second) {
    return Error{process_ + ": endpoint '" + endpoint + "' is already taken"};
  }
  return endpoint;
}

Result<ipc::Channel*> SimTransport::connect(const std::string& endpoint) {
  channels_.push_back(std::make_unique<SimChannel>(*this, endpoint));
  return static_cast<ipc::Channel*>(channels_.back().get());
}

ipc::StatusCode SimTransport::send_request(SimTransport& server, ipc::MethodId method,
                                           std::span<const std::byte> payload, std::int64_t deadline_ns,
                                           ipc::Completion&& done) {
  const std::int64_t now = network_->clock_->now_ns();
  if (deadline_ns != 0 && deadline_ns <= now) return ipc::StatusCode::kDeadlineExceeded;
  const std::uint64_t id = next_call_id_++;
  pending_.emplace(id, Pending{method, deadline_ns, std::move(done)});
  if (deadline_ns != 0) deadlines_.emplace(deadline_ns, id);
  Message message;
  message.deliver_ns = now + network_->hop_delay_ns_;
  message.method = method;
  message.call_id = id;
  message.peer = index_;
  message.deadline_ns = deadline_ns;
  message.payload = network_->take_buffer(payload);
  ++network_->counters_.requests;
  server.deliver(std::move(message));
  return ipc::StatusCode::kOk;
}

void SimTransport::go_down() {
  down_ = true;
  std::erase_if(network_->endpoints_, [this](const auto& entry) { return entry.second == this; });
  pending_.clear();
  deadlines_.clear();
  std::vector<Message> inbox = std::move(inbox_);
  inbox_.clear();
  for (Message& message : inbox) deliver(std::move(message));
}

bool SimTransport::set_link_dropped(const std::string& endpoint, bool dropped) {
  bool found = false;
  for (const auto& channel : channels_) {
    if (channel->endpoint() != endpoint) continue;
    channel->set_dropped(dropped);
    found = true;
  }
  return found;
}

void SimTransport::deliver(Message&& message) {
  if (down_) {  // a dead process: requests are refused, replies are lost with it
    if (!message.reply)
      send_reply({message.call_id, message.peer, 0, message.method}, ipc::StatusCode::kUnavailable, {});
    network_->return_buffer(std::move(message.payload));
    return;
  }
  message.sequence = network_->next_sequence_++;
  inbox_.push_back(std::move(message));
  std::push_heap(inbox_.begin(), inbox_.end(), Later{});
}

std::size_t SimTransport::poll(std::int64_t now_ns) {
  std::size_t work = 0;
  while (!inbox_.empty() && inbox_.front().deliver_ns <= now_ns) {
    std::pop_heap(inbox_.begin(), inbox_.end(), Later{});
    Message message = std::move(inbox_.back());
    inbox_.pop_back();
    if (message.reply) {
      handle_reply(message);
    } else {
      handle_request(message);
    }
    network_->return_buffer(std::move(message.payload));
    ++work;
  }
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ns) {
    const std::uint64_t id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto found = pending_.find(id);
    if (found == pending_.end()) continue;
    Pending call = std::move(found->second);
    pending_.erase(found);
    ++network_->counters_.deadline_exceeded;
    if (call.done) call.done(ipc::Reply{ipc::StatusCode::kDeadlineExceeded, call.method, id, {}});
    ++work;
  }
  return work;
}

bool SimTransport::has_work() const {
  const std::int64_t now = network_->clock_->now_ns();
  return (!inbox_.empty() && inbox_.front().deliver_ns <= now) ||
         (!deadlines_.empty() && deadlines_.begin()->first <= now);
}

std::int64_t SimTransport::next_timer_ns() const {
  std::int64_t next = 0;
  if (!inbox_.empty()) next = inbox_.front().deliver_ns;
  if (!deadlines_.empty() && (next == 0 || deadlines_.begin()->first < next)) next = deadlines_.begin()->first;
  return next;
}

const ipc::MethodSpec* SimTransport::method_spec(ipc::MethodId method) const {
  if (service_ == nullptr) return nullptr;
  for (const ipc::MethodSpec& spec : service_->methods()) {
    if (spec.id == method) return &spec;
  }
  return nullptr;
}

void SimTransport::handle_request(Message& message) {
  const ipc::ReplyToken token{message.call_id, message.peer, 0, message.method};
  const ipc::MethodSpec* spec = method_spec(message.method);
  if (spec == nullptr) {
    send_reply(token, service_ == nullptr ? ipc::StatusCode::kUnavailable : ipc::StatusCode::kUnimplemented, {});
    return;
  }
  if (spec->request_verifier != nullptr && !spec->request_verifier(message.payload)) {
    ++network_->counters_.refused;
    send_reply(token, ipc::StatusCode::kInvalidArgument, {});
    return;
  }
  const ipc::RequestView view{message.payload, message.method, message.call_id, message.peer, message.deadline_ns};
  ipc::Responder responder(*this, token);
  service_->dispatch(view, responder, *this);
  if (!responder.settled()) (void)responder.fail(ipc::StatusCode::kInternal);
}

void SimTransport::handle_reply(Message& message) {
  const auto found = pending_.find(message.call_id);
  if (found == pending_.end()) {
    ++network_->counters_.late_replies;
    return;
  }
  Pending call = std::move(found->second);
  pending_.erase(found);
  if (call.deadline_ns != 0) deadlines_.erase({call.deadline_ns, message.call_id});
  ipc::StatusCode status = message.status;
  if (status == ipc::StatusCode::kOk) {
    // The caller's side verifies what it receives, as the rings and gRPC do.
    for (const ipc::MethodSpec& spec : services::all_method_specs()) {
      if (spec.id != call.method) continue;
      if (spec.response_verifier != nullptr && !spec.response_verifier(message.payload)) {
        ++network_->counters_.refused;
        status = ipc::StatusCode::kInvalidArgument;
      }
      break;
    }
  }
  if (call.done) {
    call.done(ipc::Reply{
        status, call.method, message.call_id,
        status == ipc::StatusCode::kOk ? std::span<const std::byte>(message.payload) : std::span<const std::byte>()});
  }
}

void SimTransport::send_reply(const ipc::ReplyToken& token, ipc::StatusCode status,
                              std::span<const std::byte> payload) {
  if (network_->closing_) return;
  Message message;
  message.deliver_ns = network_->clock_->now_ns() + network_->hop_delay_ns_;
  message.reply = true;
  message.method = token.method_id;
  message.call_id = token.correlation_id;
  message.status = status;
  message.payload = network_->take_buffer(payload);
  ++network_->counters_.replies;
  network_->transports_[token.connection]->deliver(std::move(message));
}

ipc::StatusCode SimTransport::reply(const ipc::ReplyToken& token, std::span<const std::byte> message) {
  send_reply(token, ipc::StatusCode::kOk, message);
  return ipc::StatusCode::kOk;
}

ipc::StatusCode SimTransport::reply_status(const ipc::ReplyToken& token, ipc::StatusCode status) {
  send_reply(token, status, {});
  return ipc::StatusCode::kOk;
}

ipc::StatusCode SimTransport::begin_reply(const ipc::ReplyToken& token, std::uint32_t max_bytes,
                                          std::span<std::byte>& buffer) {
  reply_token_ = token;
  reply_scratch_.resize(max_bytes);
  building_reply_ = true;
  buffer = reply_scratch_;
  return ipc::StatusCode::kOk;
}

ipc::StatusCode SimTransport::commit_reply(std::uint32_t bytes) {
  if (!building_reply_ || bytes > reply_scratch_.size()) return ipc::StatusCode::kFailedPrecondition;
  building_reply_ = false;
  send_reply(reply_token_, ipc::StatusCode::kOk, std::span<const std::byte>(reply_scratch_.data(), bytes));
  return ipc::StatusCode::kOk;
}

void SimTransport::abort_reply() { building_reply_ = false; }

}  // namespace pipescale::engine

#pragma once
// What the agents' unit tests share: one agent on a manual clock over the simulator's in-process
// transport, surrounded by fake peers (one per service) that record what they receive and answer
// it, and the helpers that step the agent and move the clock from event to event. Nothing here
// reads real time: a test says when things happen and checks what happened by then.
//
//   AgentWorld world;                              clock at kStart, kHop per message
//   Served<FakeClient, ClientDispatcher> client(world, "client");
//   SimTransport& own = world.process("worker1");  the agent's transport; connect, then serve it
//   world.run_until(agent, own, t);                every event up to t, the agent stepped at each
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock/clock.hpp"
#include "engine/simulate/sim_transport.hpp"
#include "roles/common/agent_step.hpp"
#include "roles/common/latency_profile.hpp"
#include "roles/common/request_record.hpp"
#include "roles/common/role_stats.hpp"
#include "services/handlers.hpp"
#include "services/stubs.hpp"

namespace pipescale::roles::test {

using engine::SimNetwork;
using engine::SimTransport;
using ipc::StatusCode;

inline constexpr std::int64_t kUs = 1'000;
inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kStart = 1'000'000'000;  // the clock's reading when a test begins
inline constexpr std::int64_t kHop = 10 * kUs;         // every message's time on the simulated wire

inline LatencyProfile profile_of(const std::vector<std::pair<int, double>>& batch_latency_ms) {
  return std::move(LatencyProfile::from_pairs(batch_latency_ms, "test")).value();
}

// L(1) = 10 ms, L(4) = 16 ms, L(16) = 40 ms: L(b) = 10 + 2 (b - 1) ms up to 4, then 2 ms per request.
inline LatencyProfile small_profile() { return profile_of({{1, 10.0}, {4, 16.0}, {16, 40.0}}); }

// A stats block in ordinary memory, with `rows` per-second rows after it when the block has them
// (the layout bytes_for() describes, as the run's board places it in shared memory).
template <class Stats>
class StatsBlock {
 public:
  explicit StatsBlock(std::uint32_t rows = 4) : bytes_(bytes_for(rows)) {
    void* memory = ::operator new (bytes_, std::align_val_t{alignof(Stats)});
    std::memset(memory, 0, bytes_);
    stats_ = new (memory) Stats();
    if constexpr (requires { stats_->rows(rows); }) {
      stats_->row_capacity.set(rows);
      using Row = typename decltype(stats_->rows(rows))::value_type;
      new (stats_->rows(rows).data()) Row[rows]();
    }
  }
  StatsBlock(const StatsBlock&) = delete;
  StatsBlock& operator=(const StatsBlock&) = delete;
  ~StatsBlock() { ::operator delete (stats_, bytes_, std::align_val_t{alignof(Stats)}); }

  Stats& operator*() { return *stats_; }
  Stats* operator->() { return stats_; }

 private:
  static std::size_t bytes_for(std::uint32_t rows) {
    if constexpr (requires { Stats::bytes_for(rows); }) {
      return Stats::bytes_for(rows);
    } else {
      return sizeof(Stats);
    }
  }

  std::size_t bytes_;
  Stats* stats_ = nullptr;
};

// A Request as a peer received it, copied out of the (reused) buffer.
struct ReceivedRequest {
  std::int64_t at_ns = 0;
  std::uint64_t request_id = 0;
  std::int64_t intended_send_ns = 0;
  std::int64_t actual_send_ns = 0;
  std::int64_t deadline_ns = 0;
  std::uint16_t stage = 0;
  schema::Outcome outcome = schema::Outcome::InFlight;
  std::uint16_t outcome_stage = 0;
  schema::DropReason drop_reason = schema::DropReason::None;
  std::uint16_t failure_status = 0;
  std::int64_t ended_ns = 0;
  std::vector<schema::StageVisit> visits;
};

inline ReceivedRequest received(const schema::Request& request, std::int64_t at_ns) {
  ReceivedRequest out;
  out.at_ns = at_ns;
  out.request_id = request.request_id();
  out.intended_send_ns = request.intended_send_ns();
  out.actual_send_ns = request.actual_send_ns();
  out.deadline_ns = request.deadline_ns();
  out.stage = request.stage();
  out.outcome = request.outcome();
  out.outcome_stage = request.outcome_stage();
  out.drop_reason = request.drop_reason();
  out.failure_status = request.failure_status();
  out.ended_ns = request.ended_ns();
  if (request.stages() != nullptr) {
    for (const schema::StageVisit* visit : *request.stages()) out.visits.push_back(*visit);
  }
  return out;
}

// A request entering a stage: what a Client or an earlier Worker sends a Frontend.
inline RequestRecord request_record(std::uint64_t id, std::int64_t intended_ns, std::int64_t deadline_ns,
                                    std::uint16_t stage = 0, std::uint16_t stage_count = 1) {
  RequestRecord record;
  record.request_id = id;
  record.intended_send_ns = intended_ns;
  record.actual_send_ns = intended_ns;
  record.deadline_ns = deadline_ns;
  record.stage = stage;
  record.stage_count = stage_count;
  return record;
}

// A Frontend's side of the Worker, the Client and the Scheduler: it records what it is sent and
// accepts it, or refuses or fails new requests when told to.
class FakeFrontend final : public services::FrontendHandler {
 public:
  struct FeedbackSeen {
    std::int64_t at_ns = 0;
    std::uint64_t worker_id = 0;
    schema::WorkerState state = schema::WorkerState::Unknown;
    schema::WorkerState previous = schema::WorkerState::Unknown;
    std::int64_t changed_ns = 0;
    std::uint64_t order_id = 0;
  };
  struct QueueSeen {
    std::int64_t at_ns = 0;
    std::uint64_t worker_id = 0;
    std::uint32_t queue_length = 0;
    std::uint32_t queued_requests = 0;
    std::int64_t busy_until_ns = 0;
    std::int64_t sampled_ns = 0;
    std::int64_t downstream_backlog_ns = 0;
  };
  struct BatchSizeSeen {
    std::int64_t at_ns = 0;
    std::uint64_t decision_id = 0;
    std::uint16_t stage = 0;
    std::uint32_t batch_size = 0;
    std::uint32_t target_workers = 0;
    double estimated_rate_rps = 0.0;
    std::int64_t stage_budget_ns = 0;
  };

  explicit FakeFrontend(const Clock& clock) : clock_(&clock) {}

  std::vector<ReceivedRequest> requests;
  std::vector<FeedbackSeen> feedback;
  std::vector<QueueSeen> queue_information;
  std::vector<BatchSizeSeen> batch_sizes;
  std::optional<StatusCode> fail_requests_with;  // answer SendRequest with this status
  schema::DropReason refuse_requests_with = schema::DropReason::None;
  std::int64_t backlog_ns = 0;  // the backlog every answer to SendRequest reports

  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::FrontendRpc::SendRequest>& response) override {
    if (fail_requests_with.has_value()) {
      (void)response.fail(*fail_requests_with);
      return;
    }
    requests.push_back(received(request, clock_->now_ns()));
    const std::uint64_t id = request.request_id();
    const schema::DropReason reason = refuse_requests_with;
    const std::int64_t backlog = backlog_ns;
    (void)response.reply([id, reason, backlog](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateResponse(builder, id, reason == schema::DropReason::None, reason, backlog);
    });
  }
  void on_send_feedback(const schema::Feedback& message,
                        services::ResponseWriter<services::FrontendRpc::SendFeedback>& response) override {
    feedback.push_back({clock_->now_ns(), message.worker_id(), message.state(), message.previous_state(),
                        message.changed_ns(), message.order_id()});
    const std::uint64_t id = message.worker_id();
    (void)response.reply(
        [id](flatbuffers::FlatBufferBuilder& builder) { return schema::CreateFeedbackResponse(builder, id); });
  }
  void on_send_queue_information(
      const schema::QueueInformation& message,
      services::ResponseWriter<services::FrontendRpc::SendQueueInformation>& response) override {
    queue_information.push_back({clock_->now_ns(), message.worker_id(), message.queue_length(),
                                 message.queued_requests(), message.busy_until_ns(), message.sampled_ns(),
                                 message.downstream_backlog_ns()});
    const std::uint64_t id = message.worker_id();
    (void)response.reply(
        [id](flatbuffers::FlatBufferBuilder& builder) { return schema::CreateQueueInformationResponse(builder, id); });
  }
  void on_send_batch_size(const schema::BatchSize& message,
                          services::ResponseWriter<services::FrontendRpc::SendBatchSize>& response) override {
    batch_sizes.push_back({clock_->now_ns(), message.decision_id(), message.stage(), message.batch_size(),
                           message.target_workers(), message.estimated_rate_rps(), message.stage_budget_ns()});
    const std::uint64_t id = message.decision_id();
    const std::uint16_t stage = message.stage();
    (void)response.reply([id, stage](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateBatchSizeResponse(builder, id, stage, true);
    });
  }

 private:
  const Clock* clock_;
};

// A Worker that obeys at once: Start makes it active (no warm-up), Stop makes it off, and every
// batch is accepted and reported as one batch held, done `batch_latency_ns` after it arrived.
class FakeWorker final : public services::WorkerHandler {
 public:
  struct BatchSeen {
    std::int64_t at_ns = 0;
    std::uint64_t batch_id = 0;
    schema::BatchTrigger trigger = schema::BatchTrigger::Unknown;
    std::uint32_t target_batch_size = 0;
    std::int64_t cut_ns = 0;
    std::vector<ReceivedRequest> requests;
  };
  struct OrderSeen {
    std::int64_t at_ns = 0;
    std::uint64_t order_id = 0;
    schema::OrderKind kind = schema::OrderKind::Unknown;
  };

  explicit FakeWorker(const Clock& clock) : clock_(&clock) {}

  std::vector<BatchSeen> batches;
  std::vector<OrderSeen> orders;
  std::int64_t batch_latency_ns = 0;
  std::optional<StatusCode> fail_batches_with;  // answer SendBatch with this status (kUnavailable: lost)

  [[nodiscard]] std::vector<schema::OrderKind> order_kinds() const {
    std::vector<schema::OrderKind> kinds;
    for (const OrderSeen& order : orders) kinds.push_back(order.kind);
    return kinds;
  }

  void on_send_batch(const schema::Batch& batch,
                     services::ResponseWriter<services::WorkerRpc::SendBatch>& response) override {
    const std::int64_t now = clock_->now_ns();
    BatchSeen seen{now, batch.batch_id(), batch.trigger(), batch.target_batch_size(), batch.cut_ns(), {}};
    if (batch.requests() != nullptr) {
      for (const schema::Request* request : *batch.requests()) seen.requests.push_back(received(*request, now));
    }
    batches.push_back(std::move(seen));
    if (fail_batches_with.has_value()) {
      (void)response.fail(*fail_batches_with);
      return;
    }
    const std::uint64_t id = batch.batch_id();
    const std::int64_t busy_until = now + batch_latency_ns;
    (void)response.reply([&](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateBatchResponse(builder, id, 0, true, 1, busy_until, now);
    });
  }
  void on_send_order(const schema::Order& order,
                     services::ResponseWriter<services::WorkerRpc::SendOrder>& response) override {
    orders.push_back({clock_->now_ns(), order.order_id(), order.kind()});
    const schema::WorkerState state =
        order.kind() == schema::OrderKind::Start ? schema::WorkerState::Active : schema::WorkerState::Off;
    const std::uint64_t order_id = order.order_id();
    const std::uint64_t worker_id = order.worker_id();
    (void)response.reply([&](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateOrderResponse(builder, order_id, worker_id, true, state);
    });
  }

 private:
  const Clock* clock_;
};

// The Client's receiver: records every request that comes back and accepts it.
class FakeClient final : public services::ClientHandler {
 public:
  explicit FakeClient(const Clock& clock) : clock_(&clock) {}

  std::vector<ReceivedRequest> requests;

  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::ClientRpc::SendRequest>& response) override {
    requests.push_back(received(request, clock_->now_ns()));
    const std::uint64_t id = request.request_id();
    (void)response.reply([id](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateResponse(builder, id, true, schema::DropReason::None);
    });
  }

 private:
  const Clock* clock_;
};

// The Scheduler's receiver: records every FrontendInformation.
class FakeScheduler final : public services::SchedulerHandler {
 public:
  struct InformationSeen {
    std::int64_t at_ns = 0;
    std::uint16_t stage = 0;
    std::int64_t sampled_ns = 0;
    std::int64_t window_ns = 0;
    double input_rate_rps = 0.0;
    std::uint32_t queue_length = 0;
    std::uint32_t active_workers = 0;
    std::uint32_t batch_size = 0;
  };

  explicit FakeScheduler(const Clock& clock) : clock_(&clock) {}

  std::vector<InformationSeen> information;

  void on_send_frontend_information(
      const schema::FrontendInformation& message,
      services::ResponseWriter<services::SchedulerRpc::SendFrontendInformation>& response) override {
    information.push_back({clock_->now_ns(), message.stage(), message.sampled_ns(), message.window_ns(),
                           message.input_rate_rps(), message.queue_length(), message.active_workers(),
                           message.batch_size()});
    const std::uint16_t stage = message.stage();
    (void)response.reply([stage](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateFrontendInformationResponse(builder, stage);
    });
  }

 private:
  const Clock* clock_;
};

// The clock, the network and every process on it; the agent under test is stepped by run_until.
class AgentWorld {
 public:
  explicit AgentWorld(std::int64_t start_ns = kStart, std::int64_t hop_ns = kHop) : clock(start_ns) {
    network_.emplace(clock, hop_ns);
  }

  // Tears the network down, which completes the calls still pending (kCancelled): a test calls it
  // while the agent, whose completions those are, still exists.
  void close() {
    network_.reset();
    transports_.clear();
  }

  // A process that only calls (the test driving the agent, or the agent itself before it serves).
  SimTransport& process(const std::string& name) {
    SimTransport& transport = network_->add_transport(name);
    transports_.push_back(&transport);
    return transport;
  }
  // A process serving `dispatcher` at `endpoint`.
  SimTransport& serve(const std::string& endpoint, services::Dispatcher& dispatcher) {
    SimTransport& transport = process(endpoint);
    listen(transport, endpoint, dispatcher);
    return transport;
  }
  static void listen(SimTransport& transport, const std::string& endpoint, services::Dispatcher& dispatcher) {
    EXPECT_TRUE(transport.serve(dispatcher).ok());
    EXPECT_TRUE(transport.listen(endpoint).ok());
  }
  static ipc::Channel& connect(SimTransport& from, const std::string& endpoint) {
    auto channel = from.connect(endpoint);
    EXPECT_TRUE(channel.ok());
    return **channel;
  }

  // Polls every other process and steps the agent, at the current time, until nothing is left.
  template <class Agent>
  void settle(Agent& agent, SimTransport& own) {
    for (int round = 0; round < 1000; ++round) {
      std::size_t work = 0;
      for (SimTransport* transport : transports_) {
        if (transport != &own) work += transport->poll(clock.now_ns());
      }
      work += agent_step(agent, own, clock);
      if (work == 0) return;
    }
    ADD_FAILURE() << "the agent never settled at " << clock.now_ns();
  }

  // Moves the clock from event to event (deliveries, call deadlines, the agent's timers), settling
  // at each, up to and including until_ns, where the clock is left.
  template <class Agent>
  void run_until(Agent& agent, SimTransport& own, std::int64_t until_ns) {
    for (;;) {
      settle(agent, own);
      std::int64_t next = agent.next_timer_ns() > clock.now_ns() ? agent.next_timer_ns() : 0;
      for (const SimTransport* transport : transports_) {
        const std::int64_t t = transport->next_timer_ns();
        if (t > clock.now_ns()) next = earliest_timer(next, t);
      }
      if (next == 0 || next > until_ns) break;
      clock.set_ns(next);
    }
    if (clock.now_ns() < until_ns) {
      clock.set_ns(until_ns);
      settle(agent, own);
    }
  }

  ManualClock clock;

 private:
  std::optional<SimNetwork> network_;
  std::vector<SimTransport*> transports_;
};

// A fake peer and the dispatcher that serves it, listening at `endpoint`.
template <class Handler, class Dispatcher>
struct Served {
  Served(AgentWorld& world, const std::string& endpoint)
      : handler(world.clock), transport(&world.serve(endpoint, dispatcher)) {}

  Handler handler;
  Dispatcher dispatcher{handler};
  SimTransport* transport;
};

using ServedFrontend = Served<FakeFrontend, services::FrontendDispatcher>;
using ServedWorker = Served<FakeWorker, services::WorkerDispatcher>;
using ServedClient = Served<FakeClient, services::ClientDispatcher>;
using ServedScheduler = Served<FakeScheduler, services::SchedulerDispatcher>;

}  // namespace pipescale::roles::test

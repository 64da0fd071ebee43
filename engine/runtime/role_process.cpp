#include "engine/runtime/role_process.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include "engine/clock/clock.hpp"
#include "engine/config/config_loader.hpp"
#include "engine/placement/affinity.hpp"
#include "engine/placement/memory_binding.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/role_settings.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/topology.hpp"
#include "engine/trace/arrival_process.hpp"
#include "engine/trace/workload_trace.hpp"
#include "ipc/rpc/connection.hpp"
#include "roles/client/client.hpp"
#include "roles/common/agent_runner.hpp"
#include "roles/frontend/frontend.hpp"
#include "roles/scheduler/scheduler.hpp"
#include "roles/worker/worker.hpp"
#include "services/make_transport.hpp"

namespace pipescale::engine {
namespace {

using roles::RolePhase;
using roles::RunPhase;

struct Context {
  const RoleOptions* options = nullptr;
  PipelineConfig config;
  Topology topology;
  const ProcessSpec* me = nullptr;
  std::optional<ipc::Segment> segment;
  Board board;
  roles::RoleHeader* header = nullptr;
  std::unique_ptr<services::Transport> transport;
  std::map<std::string, ipc::Channel*> channels;  // by callee
  MonotonicClock clock;
};

int give_up(Context& context, const std::string& message) {
  std::fprintf(stderr, "pipescale role %s: %s\n", context.options->process.c_str(), message.c_str());
  std::fflush(stderr);
  if (context.header != nullptr) context.header->phase.set(static_cast<std::uint32_t>(RolePhase::kFailed));
  return 1;
}

// Serves `dispatcher` on every link this process is the callee of.
Status serve_and_listen(Context& context, services::Dispatcher& dispatcher) {
  if (auto served = context.transport->serve(dispatcher); !served) return served.error();
  if (context.config.run.transport == Transport::kShm) {
    for (const LinkSpec* link : context.topology.served_by(context.me->name)) {
      if (auto listening = context.transport->listen(link->name); !listening) return listening.error();
    }
  } else {
    auto listening = context.transport->listen(grpc_address(context.options->socket_dir, context.me->name));
    if (!listening) return listening.error();
  }
  context.header->phase.set(static_cast<std::uint32_t>(RolePhase::kListening));
  return Ok{};
}

ipc::Channel& channel_to(Context& context, const std::string& callee) { return *context.channels.at(callee); }

// The loop every role runs after it listens: agent steps until `hooks` says done, with the
// launcher's phase changes handed to hooks.on_phase between runs of steps.
template <class Role, class Hooks>
void follow_phases(Context& context, Role& role, Hooks& hooks) {
  const roles::RunControl& control = *context.board.control;
  std::uint32_t seen_phase = static_cast<std::uint32_t>(RunPhase::kSetup);
  for (;;) {
    const std::uint32_t phase = control.phase.get();
    const std::int64_t now = context.clock.now_ns();
    // Phases only move forward; a role that starts late still takes each step in order.
    while (seen_phase < phase) hooks.on_phase(static_cast<RunPhase>(++seen_phase), now);
    if (hooks.done(now, control.shutdown.get() != 0)) return;
    roles::run_agent(role, *context.transport, context.clock, context.options->wait, [&] {
      const std::int64_t t = context.clock.now_ns();
      context.header->heartbeat_ns.set(t);
      return control.phase.get() != seen_phase || hooks.attention(t) || control.shutdown.get() != 0;
    });
  }
}

void set_phase(Context& context, RolePhase phase) { context.header->phase.set(static_cast<std::uint32_t>(phase)); }

// The transport goes first: destroying it ends pending calls (kCancelled), whose completions
// still reach the role object, which the caller destroys afterwards.
int finish_role(Context& context) {
  context.channels.clear();
  context.transport.reset();
  set_phase(context, RolePhase::kDone);
  return 0;
}

int run_client(Context& context) {
  auto setup = client_setup(context.config);
  if (!setup) return give_up(context, setup.error().message);
  services::FrontendStub first_stage(channel_to(context, frontend_name(0)));
  roles::Client client(context.clock, setup->settings, std::move(setup->arrivals), first_stage, *context.board.client);
  services::ClientDispatcher dispatcher(client);
  if (auto listening = serve_and_listen(context, dispatcher); !listening) {
    return give_up(context, listening.error().message);
  }
  set_phase(context, RolePhase::kReady);

  struct Hooks {
    Context* context;
    roles::Client* client;
    void on_phase(RunPhase phase, std::int64_t now) {
      if (phase == RunPhase::kRun) {
        client->start(context->board.control->start_ns.get(), context->board.control->end_ns.get());
      } else if (phase == RunPhase::kStop) {
        client->stop_sending(now);
      }
    }
    bool attention(std::int64_t now) const { return client->finished(now); }
    bool done(std::int64_t now, bool shutdown) {
      if (client->finished(now) || shutdown) {
        client->finish(now);
        return true;
      }
      return false;
    }
  } hooks{&context, &client};
  follow_phases(context, client, hooks);
  return finish_role(context);
}

int run_frontend(Context& context) {
  const PipelineConfig& config = context.config;
  const auto stage_index = static_cast<std::size_t>(context.me->stage);
  const StageConfig& stage = config.stages[stage_index];
  auto profile = stage_profile(stage);
  if (!profile) return give_up(context, profile.error().message);

  std::vector<std::unique_ptr<services::WorkerStub>> worker_stubs;
  std::vector<services::WorkerStub*> workers;
  std::vector<std::uint64_t> worker_ids;
  for (int i = 0; i < stage.workers_max; ++i) {
    const std::string name = worker_name(context.me->stage, i);
    worker_stubs.push_back(std::make_unique<services::WorkerStub>(channel_to(context, name)));
    workers.push_back(worker_stubs.back().get());
    worker_ids.push_back(context.topology.find(name)->worker_id);
  }
  services::ClientStub client(channel_to(context, client_name()));
  services::SchedulerStub scheduler(channel_to(context, scheduler_name()));

  auto settings = frontend_settings(config, stage_index);
  if (!settings) return give_up(context, settings.error().message);
  roles::Frontend frontend(context.clock, *settings, std::move(*profile), workers, worker_ids, client, scheduler,
                           *context.board.frontends[stage_index]);
  services::FrontendDispatcher dispatcher(frontend);
  if (auto listening = serve_and_listen(context, dispatcher); !listening) {
    return give_up(context, listening.error().message);
  }

  struct Hooks {
    Context* context;
    roles::Frontend* frontend;
    bool reported_ready = false;
    void on_phase(RunPhase phase, std::int64_t now) {
      if (phase == RunPhase::kPrepare) frontend->prepare(now);
      if (phase == RunPhase::kRun) frontend->start(context->board.control->start_ns.get());
    }
    bool attention(std::int64_t /*now*/) const { return !reported_ready && frontend->ready(); }
    bool done(std::int64_t now, bool shutdown) {
      if (!reported_ready && frontend->ready() &&
          context->board.control->phase.get() >= static_cast<std::uint32_t>(RunPhase::kPrepare)) {
        reported_ready = true;
        set_phase(*context, RolePhase::kReady);
      }
      if (shutdown) frontend->shutdown(now);
      return shutdown;
    }
  } hooks{&context, &frontend};
  follow_phases(context, frontend, hooks);
  return finish_role(context);
}

int run_worker(Context& context) {
  const PipelineConfig& config = context.config;
  const auto stage_index = static_cast<std::size_t>(context.me->stage);
  const StageConfig& stage = config.stages[stage_index];
  auto profile = stage_profile(stage);
  if (!profile) return give_up(context, profile.error().message);
  const bool last = stage_index + 1 == config.stages.size();

  services::FrontendStub frontend(channel_to(context, frontend_name(context.me->stage)));
  std::optional<services::FrontendStub> next_stage;
  if (!last) next_stage.emplace(channel_to(context, frontend_name(context.me->stage + 1)));
  services::ClientStub client(channel_to(context, client_name()));

  const roles::WorkerSettings settings = worker_settings(config, *context.me);
  roles::WorkerStats& stats = *context.board.workers[stage_index][static_cast<std::size_t>(context.me->index)];
  roles::Worker worker(context.clock, settings, std::move(*profile), frontend,
                       next_stage.has_value() ? &*next_stage : nullptr, client, stats);
  services::WorkerDispatcher dispatcher(worker);
  if (auto listening = serve_and_listen(context, dispatcher); !listening) {
    return give_up(context, listening.error().message);
  }
  set_phase(context, RolePhase::kReady);

  struct Hooks {
    roles::Worker* worker;
    void on_phase(RunPhase /*phase*/, std::int64_t /*now*/) {}
    bool attention(std::int64_t /*now*/) const { return false; }
    bool done(std::int64_t now, bool shutdown) {
      if (shutdown) worker->publish(now);
      return shutdown;
    }
  } hooks{&worker};
  follow_phases(context, worker, hooks);
  return finish_role(context);
}

int run_scheduler(Context& context) {
  const PipelineConfig& config = context.config;
  std::vector<std::unique_ptr<services::FrontendStub>> stubs;
  std::vector<services::FrontendStub*> frontends;
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    stubs.push_back(std::make_unique<services::FrontendStub>(channel_to(context, frontend_name(static_cast<int>(s)))));
    frontends.push_back(stubs.back().get());
  }
  auto policy = scheduler_policy(config);
  if (!policy) return give_up(context, policy.error().message);
  roles::Scheduler scheduler(context.clock, std::move(*policy), frontends, *context.board.scheduler);
  services::SchedulerDispatcher dispatcher(scheduler);
  if (auto listening = serve_and_listen(context, dispatcher); !listening) {
    return give_up(context, listening.error().message);
  }
  set_phase(context, RolePhase::kReady);

  struct Hooks {
    void on_phase(RunPhase /*phase*/, std::int64_t /*now*/) {}
    bool attention(std::int64_t /*now*/) const { return false; }
    bool done(std::int64_t /*now*/, bool shutdown) { return shutdown; }
  } hooks;
  follow_phases(context, scheduler, hooks);
  return finish_role(context);
}

}  // namespace

std::string grpc_address(const std::filesystem::path& socket_dir, const std::string& process) {
  return "unix:" + (socket_dir / (process + ".sock")).string();
}

int run_role(const RoleOptions& options) {
  Context context;
  context.options = &options;
  if (!options.cpus.empty()) {
    if (auto bound = bind_process_to_pus(options.cpus); !bound) return give_up(context, bound.error().message);
    // Not fatal: where the kernel cannot bind memory (one node, or a container that forbids
    // mbind), first touch on the bound PUs places it near them anyway.
    if (auto memory = bind_process_memory_near_cpus(); !memory) {
      std::fprintf(stderr, "%s: %s\n", options.process.c_str(), memory.error().message.c_str());
    }
  }
  auto config = load_config(options.config);
  if (!config) return give_up(context, config.error().message);
  context.config = std::move(*config);
  context.topology = make_topology(context.config);
  context.me = context.topology.find(options.process);
  if (context.me == nullptr) return give_up(context, "no process named '" + options.process + "' in this pipeline");

  auto segment = ipc::Segment::open(options.segment);
  if (!segment) return give_up(context, segment.error().message);
  context.segment.emplace(std::move(*segment));
  auto board = find_board(*context.segment, context.topology);
  if (!board) return give_up(context, board.error().message);
  context.board = std::move(*board);
  context.header = context.board.header(*context.me);
  context.header->pid.set(static_cast<std::int32_t>(::getpid()));

  auto transport = services::make_transport(transport_config(context.config, *context.segment, options.process));
  if (!transport) return give_up(context, transport.error().message);
  context.transport = std::move(*transport);
  for (const LinkSpec* link : context.topology.calls_of(options.process)) {
    const std::string endpoint =
        context.config.run.transport == Transport::kShm ? link->name : grpc_address(options.socket_dir, link->callee);
    auto channel = context.transport->connect(endpoint);
    if (!channel) return give_up(context, channel.error().message);
    context.channels[link->callee] = *channel;
  }

  int status = 1;
  switch (context.me->role) {
    case RoleKind::kClient: status = run_client(context); break;
    case RoleKind::kFrontend: status = run_frontend(context); break;
    case RoleKind::kWorker: status = run_worker(context); break;
    case RoleKind::kScheduler: status = run_scheduler(context); break;
  }
  context.channels.clear();
  context.transport.reset();
  return status;
}

}  // namespace pipescale::engine

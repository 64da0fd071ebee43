#include "engine/runtime/role_assembly.hpp"

#include <cstddef>
#include <utility>

#include "engine/runtime/role_settings.hpp"

namespace pipescale::engine {
namespace {

// The channel to `callee`, or an error naming both ends.
Result<ipc::Channel*> peer(const PeerChannels& peers, const ProcessSpec& process, const std::string& callee) {
  const auto found = peers.find(callee);
  if (found == peers.end() || found->second == nullptr) {
    return Error{process.name + ": no channel to " + callee + " (the topology links them)"};
  }
  return found->second;
}

template <class Stub>
Result<std::unique_ptr<Stub>> stub_to(const PeerChannels& peers, const ProcessSpec& process,
                                      const std::string& callee) {
  auto channel = peer(peers, process, callee);
  if (!channel) return channel.error();
  return std::make_unique<Stub>(**channel);
}

Result<RoleParts> assemble_client(const PipelineConfig& config, const ProcessSpec& process, const Clock& clock,
                                  const PeerChannels& peers, const Board& board) {
  auto setup = client_setup(config);
  if (!setup) return setup.error();
  ClientParts parts;
  auto first_stage = stub_to<services::FrontendStub>(peers, process, frontend_name(0));
  if (!first_stage) return first_stage.error();
  parts.first_stage = std::move(*first_stage);
  parts.agent = std::make_unique<roles::Client>(clock, setup->settings, std::move(setup->source), *parts.first_stage,
                                                *board.client);
  if (board.request_log != nullptr && board.request_log->capacity.get() != 0) {
    parts.agent->attach_request_log(*board.request_log, config.run.seed, config.run.request_log_sample);
  }
  parts.dispatcher = std::make_unique<services::ClientDispatcher>(*parts.agent);
  return RoleParts(std::move(parts));
}

Result<RoleParts> assemble_frontend(const PipelineConfig& config, const Topology& topology, const ProcessSpec& process,
                                    const Clock& clock, const PeerChannels& peers, const Board& board) {
  const auto s = static_cast<std::size_t>(process.stage);
  auto profile = stage_profile(config.stages[s]);
  if (!profile) return profile.error();
  auto settings = frontend_settings(config, s);
  if (!settings) return settings.error();
  FrontendParts parts;
  std::vector<services::WorkerStub*> workers;
  std::vector<std::uint64_t> worker_ids;
  for (int i = 0; i < config.stages[s].workers_max; ++i) {
    const std::string name = worker_name(process.stage, i);
    auto stub = stub_to<services::WorkerStub>(peers, process, name);
    if (!stub) return stub.error();
    parts.workers.push_back(std::move(*stub));
    workers.push_back(parts.workers.back().get());
    worker_ids.push_back(topology.find(name)->worker_id);
  }
  auto client = stub_to<services::ClientStub>(peers, process, client_name());
  if (!client) return client.error();
  parts.client = std::move(*client);
  auto scheduler = stub_to<services::SchedulerStub>(peers, process, scheduler_name());
  if (!scheduler) return scheduler.error();
  parts.scheduler = std::move(*scheduler);
  parts.agent = std::make_unique<roles::Frontend>(clock, *settings, std::move(*profile), workers, worker_ids,
                                                  *parts.client, *parts.scheduler, *board.frontends[s]);
  if (roles::FrontendTimeline* timeline = board.frontend_timelines[s]) parts.agent->attach_timeline(*timeline);
  parts.dispatcher = std::make_unique<services::FrontendDispatcher>(*parts.agent);
  return RoleParts(std::move(parts));
}

Result<RoleParts> assemble_worker(const PipelineConfig& config, const ProcessSpec& process, const Clock& clock,
                                  const PeerChannels& peers, const Board& board) {
  const auto s = static_cast<std::size_t>(process.stage);
  auto model = stage_latency_model(config.stages[s]);
  if (!model) return model.error();
  WorkerParts parts;
  auto frontend = stub_to<services::FrontendStub>(peers, process, frontend_name(process.stage));
  if (!frontend) return frontend.error();
  parts.frontend = std::move(*frontend);
  if (s + 1 < config.stages.size()) {
    auto next = stub_to<services::FrontendStub>(peers, process, frontend_name(process.stage + 1));
    if (!next) return next.error();
    parts.next_stage = std::move(*next);
  }
  auto client = stub_to<services::ClientStub>(peers, process, client_name());
  if (!client) return client.error();
  parts.client = std::move(*client);
  roles::WorkerStats& stats = *board.workers[s][static_cast<std::size_t>(process.index)];
  parts.agent = std::make_unique<roles::Worker>(clock, worker_settings(config, process), std::move(*model),
                                                *parts.frontend, parts.next_stage.get(), *parts.client, stats);
  if (roles::WorkerTimeline* timeline = board.worker_timelines[s][static_cast<std::size_t>(process.index)]) {
    parts.agent->attach_timeline(*timeline);
  }
  if (RoleHeader* header = board.header(process))
    parts.agent->attach_model_time_factor(header->model_time_factor_milli);
  parts.dispatcher = std::make_unique<services::WorkerDispatcher>(*parts.agent);
  return RoleParts(std::move(parts));
}

Result<RoleParts> assemble_scheduler(const PipelineConfig& config, const ProcessSpec& process, const Clock& clock,
                                     const PeerChannels& peers, const Board& board) {
  auto policy = scheduler_policy(config);
  if (!policy) return policy.error();
  SchedulerParts parts;
  std::vector<services::FrontendStub*> frontends;
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    auto stub = stub_to<services::FrontendStub>(peers, process, frontend_name(static_cast<int>(s)));
    if (!stub) return stub.error();
    parts.frontends.push_back(std::move(*stub));
    frontends.push_back(parts.frontends.back().get());
  }
  parts.agent = std::make_unique<roles::Scheduler>(clock, std::move(*policy), frontends, *board.scheduler);
  if (board.scheduler_timeline != nullptr) parts.agent->attach_timeline(*board.scheduler_timeline);
  parts.dispatcher = std::make_unique<services::SchedulerDispatcher>(*parts.agent);
  return RoleParts(std::move(parts));
}

}  // namespace

Result<RoleParts> assemble_role(const PipelineConfig& config, const Topology& topology, const ProcessSpec& process,
                                const Clock& clock, const PeerChannels& peers, const Board& board) {
  switch (process.role) {
    case RoleKind::kClient: return assemble_client(config, process, clock, peers, board);
    case RoleKind::kFrontend: return assemble_frontend(config, topology, process, clock, peers, board);
    case RoleKind::kWorker: return assemble_worker(config, process, clock, peers, board);
    case RoleKind::kScheduler: return assemble_scheduler(config, process, clock, peers, board);
  }
  return Error{process.name + ": unknown role"};
}

services::Dispatcher& dispatcher_of(RoleParts& parts) {
  return std::visit([](auto& role) -> services::Dispatcher& { return *role.dispatcher; }, parts);
}

}  // namespace pipescale::engine

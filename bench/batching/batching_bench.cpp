// batching_bench: what the batching path costs per request, over the rings and over gRPC in one
// run. The real Frontend and Worker agents (roles/) with a model that takes no time (1 ns per
// batch), a source that keeps the Frontend's queue fed and a sink that takes the results back:
//
//   source --SendRequest--> Frontend: enqueue, cut at the batch size --SendBatch--> Worker:
//   decode, "run", forward each request --SendRequest--> sink
//
// All four sit in one process and one thread that polls them in turn, so the figure is the CPU
// cost of the path (encoding, ring or socket, verification, the agents' bookkeeping), not of
// waking processes up. gRPC's own threads run beside it, as they would in a role process.
// ns_per_request = wall time / requests, the median of the rounds. See bench/README.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock/clock.hpp"
#include "bench/support/run_info.hpp"
#include "engine/placement/affinity.hpp"
#include "engine/runtime/role_process.hpp"
#include "engine/runtime/run_segment.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/topology.hpp"
#include "roles/frontend/frontend.hpp"
#include "roles/worker/worker.hpp"
#include "services/make_transport.hpp"

namespace pipescale::bench {
namespace {

using engine::Transport;

struct Options {
  std::vector<int> batch_sizes{1, 8, 32, 64};
  std::uint64_t requests = 200'000;    // per round over the rings
  std::uint64_t grpc_requests = 5000;  // per round over gRPC (hundreds of times slower per request)
  int rounds = 5;
  std::string json_path;
};

// The sink and the Scheduler's stand-in: counts what comes back, answers reports.
class Sink final : public services::ClientHandler, public services::SchedulerHandler {
 public:
  void on_send_request(const schema::Request& request,
                       services::ResponseWriter<services::ClientRpc::SendRequest>& response) override {
    if (request.outcome() == schema::Outcome::Completed) {
      ++completed;
    } else {
      ++other;
      last_other_outcome = static_cast<int>(request.outcome());
      last_other_status = request.failure_status();
    }
    const std::uint64_t id = request.request_id();
    (void)response.reply([id](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateResponse(builder, id, true, schema::DropReason::None);
    });
  }
  void on_send_frontend_information(
      const schema::FrontendInformation& information,
      services::ResponseWriter<services::SchedulerRpc::SendFrontendInformation>& response) override {
    const std::uint16_t stage = information.stage();
    (void)response.reply([stage](flatbuffers::FlatBufferBuilder& builder) {
      return schema::CreateFrontendInformationResponse(builder, stage);
    });
  }
  std::uint64_t completed = 0;
  std::uint64_t other = 0;
  int last_other_outcome = 0;  // schema::Outcome
  int last_other_status = 0;   // its failure_status
};

engine::PipelineConfig one_stage(Transport transport, int batch) {
  engine::PipelineConfig config;
  config.run.transport = transport;
  engine::StageConfig stage;
  stage.name = "model";
  stage.profile = {{1, 1e-6}, {std::max(2, batch), 1e-6}};
  stage.workers_min = 1;
  stage.workers_max = 1;
  stage.max_batch = std::max(2, batch);
  config.stages.push_back(stage);
  return config;
}

// One Frontend, one Worker, the source and the sink, over one transport, at one batch size.
class World {
 public:
  static Result<std::unique_ptr<World>> create(Transport transport, int batch) {
    std::unique_ptr<World> world(new World());
    if (auto made = world->build(transport, batch); !made) return made.error();
    return world;
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() {
    // Transports first: their pending calls end while the agents still exist.
    for (auto& transport : transports_) transport.reset();
    if (!socket_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(socket_dir_, ignored);
    }
  }

  // As a role's runner does (engine/runtime/agent_runner.hpp): the clock read before the polls and
  // again before the agents' steps.
  std::size_t step() {
    std::size_t work = 0;
    const std::int64_t polled_at = clock_.now_ns();
    for (auto& transport : transports_) work += transport->poll(polled_at);
    const std::int64_t now = clock_.now_ns();
    work += frontend_->do_work(now);
    work += worker_->do_work(now);
    return work;
  }

  // Sends `count` requests, keeping `window` of them in flight; false if they did not all come
  // back completed within the timeout.
  bool pump(std::uint64_t count, std::uint64_t window) {
    const std::uint64_t target = sink_.completed + count;
    std::uint64_t sent = 0;
    const std::int64_t give_up = clock_.now_ns() + 120'000'000'000;
    while (sink_.completed < target) {
      // One clock reading per burst of sends, as the Client's step takes one per step.
      const std::int64_t now = clock_.now_ns();
      while (sent < count && sent - (sink_.completed + count - target) < window) {
        if (!send_one(now)) break;
        ++sent;
      }
      step();
      if (sink_.other != 0 || clock_.now_ns() > give_up) {
        std::fprintf(stderr,
                     "batching_bench: %llu completed, %llu other outcomes (the last: outcome %d, status %d), "
                     "%llu sent of %llu\n",
                     static_cast<unsigned long long>(sink_.completed), static_cast<unsigned long long>(sink_.other),
                     sink_.last_other_outcome, sink_.last_other_status, static_cast<unsigned long long>(sent),
                     static_cast<unsigned long long>(count));
        return false;
      }
    }
    return true;
  }

 private:
  World() = default;

  Status build(Transport transport, int batch) {
    config_ = one_stage(transport, batch);
    topology_ = engine::make_topology(config_);
    auto created = engine::create_run_segment(config_, topology_, engine::BoardSize{.rows = 4});
    if (!created) return created.error();
    run_.emplace(std::move(*created));
    if (transport == Transport::kGrpc) {
      std::string pattern = (std::filesystem::temp_directory_path() / "pipescale-bench-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) return Error{"cannot create a folder for the sockets"};
      socket_dir_ = pattern;
    }
    const std::vector<std::string> names = {engine::client_name(), engine::scheduler_name(), engine::frontend_name(0),
                                            engine::worker_name(0, 0)};
    for (const std::string& name : names) {
      auto made = services::make_transport(engine::transport_config(config_, run_->segment, name));
      if (!made) return made.error();
      transports_.push_back(std::move(*made));
    }
    auto channel = [&](std::size_t from, const std::string& to) -> Result<ipc::Channel*> {
      const std::string endpoint =
          transport == Transport::kShm ? engine::link_name(names[from], to) : engine::grpc_address(socket_dir_, to);
      return transports_[from]->connect(endpoint);
    };
    auto to_frontend = channel(0, names[2]);
    auto frontend_to_worker = channel(2, names[3]);
    auto frontend_to_client = channel(2, names[0]);
    auto frontend_to_scheduler = channel(2, names[1]);
    auto worker_to_frontend = channel(3, names[2]);
    auto worker_to_client = channel(3, names[0]);
    auto scheduler_to_frontend = channel(1, names[2]);
    for (const auto* made : {&to_frontend, &frontend_to_worker, &frontend_to_client, &frontend_to_scheduler,
                             &worker_to_frontend, &worker_to_client, &scheduler_to_frontend}) {
      if (!*made) return made->error();
    }
    source_.emplace(**to_frontend);
    worker_stub_.emplace(**frontend_to_worker);
    client_stub_.emplace(**frontend_to_client);
    scheduler_stub_.emplace(**frontend_to_scheduler);
    worker_frontend_.emplace(**worker_to_frontend);
    worker_client_.emplace(**worker_to_client);

    auto profile = roles::LatencyProfile::from_pairs(config_.stages[0].profile, "bench", config_.stages[0].max_batch);
    if (!profile) return profile.error();
    roles::FrontendSettings settings;
    settings.initial_batch_size = batch;
    settings.initial_workers = 1;
    settings.report_interval_ns = 1'000'000'000;
    frontend_.emplace(clock_, settings, *profile, std::vector<services::WorkerStub*>{&*worker_stub_},
                      std::vector<std::uint64_t>{1}, *client_stub_, *scheduler_stub_, *run_->board.frontends[0]);
    roles::WorkerSettings worker;
    worker_.emplace(clock_, worker, *profile, *worker_frontend_, nullptr, *worker_client_, *run_->board.workers[0][0]);
    frontend_dispatcher_.emplace(*frontend_);
    worker_dispatcher_.emplace(*worker_);
    client_dispatcher_.emplace(sink_);
    scheduler_dispatcher_.emplace(sink_);
    services::Dispatcher* served[] = {&*client_dispatcher_, &*scheduler_dispatcher_, &*frontend_dispatcher_,
                                      &*worker_dispatcher_};
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (auto ok = transports_[i]->serve(*served[i]); !ok) return ok.error();
      if (transport == Transport::kShm) {
        for (const engine::LinkSpec* link : topology_.served_by(names[i])) {
          if (auto listening = transports_[i]->listen(link->name); !listening) return listening.error();
        }
      } else if (auto listening = transports_[i]->listen(engine::grpc_address(socket_dir_, names[i])); !listening) {
        return listening.error();
      }
    }
    frontend_->prepare(clock_.now_ns());
    const std::int64_t give_up = clock_.now_ns() + 10'000'000'000;
    while (!frontend_->ready()) {
      step();
      if (clock_.now_ns() > give_up) return Error{"the Worker never became active"};
    }
    frontend_->start(clock_.now_ns());
    return Ok{};
  }

  bool send_one(std::int64_t now_ns) {
    record_.request_id = next_id_++;
    record_.intended_send_ns = now_ns;
    record_.actual_send_ns = now_ns;
    record_.deadline_ns = now_ns + 60'000'000'000;  // never dropped
    const ipc::StatusCode status = source_->send_request_async(
        [this](flatbuffers::FlatBufferBuilder& builder) { return roles::build_request(builder, record_); },
        now_ns + 10'000'000'000, {});
    return status == ipc::StatusCode::kOk;
  }

  MonotonicClock clock_;
  engine::PipelineConfig config_;
  engine::Topology topology_;
  std::optional<engine::RunSegment> run_;
  std::filesystem::path socket_dir_;
  std::vector<std::unique_ptr<services::Transport>> transports_;
  std::optional<services::FrontendStub> source_;
  std::optional<services::WorkerStub> worker_stub_;
  std::optional<services::ClientStub> client_stub_;
  std::optional<services::SchedulerStub> scheduler_stub_;
  std::optional<services::FrontendStub> worker_frontend_;
  std::optional<services::ClientStub> worker_client_;
  Sink sink_;
  std::optional<roles::Frontend> frontend_;
  std::optional<roles::Worker> worker_;
  std::optional<services::FrontendDispatcher> frontend_dispatcher_;
  std::optional<services::WorkerDispatcher> worker_dispatcher_;
  std::optional<services::ClientDispatcher> client_dispatcher_;
  std::optional<services::SchedulerDispatcher> scheduler_dispatcher_;
  std::uint64_t next_id_ = 0;
  roles::RequestRecord record_{.stage_count = 1};  // reused: only the id and times change
};

struct CaseResult {
  std::vector<double> ns_per_request;  // one per round
  double median = 0.0;
};

Result<CaseResult> measure(Transport transport, int batch, const Options& options) {
  auto world = World::create(transport, batch);
  if (!world) return world.error();
  // Whole batches only: a partial batch would wait for its (far) deadline.
  const auto whole = [batch](std::uint64_t n) {
    const auto b = static_cast<std::uint64_t>(batch);
    return std::max(b, (n + b - 1) / b * b);
  };
  const std::uint64_t requests = whole(transport == Transport::kShm ? options.requests : options.grpc_requests);
  // Enough in flight that the queue always holds a full batch while another is being processed.
  const std::uint64_t window = std::clamp<std::uint64_t>(4 * static_cast<std::uint64_t>(batch), 16, 512);
  if (!(*world)->pump(whole(requests / 4), window)) return Error{"warm-up: not every request came back completed"};
  CaseResult result;
  for (int round = 0; round < options.rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    if (!(*world)->pump(requests, window)) return Error{"not every request came back completed"};
    const auto elapsed = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    result.ns_per_request.push_back(elapsed / static_cast<double>(requests));
  }
  std::vector<double> sorted = result.ns_per_request;
  std::sort(sorted.begin(), sorted.end());
  result.median = sorted[sorted.size() / 2];
  return result;
}

int run(const Options& options) {
  struct Row {
    Transport transport;
    int batch;
    CaseResult result;
  };
  std::vector<Row> rows;
  for (const Transport transport : {Transport::kShm, Transport::kGrpc}) {
    for (const int batch : options.batch_sizes) {
      std::fprintf(stderr, "batching: %s, batch %d ...\n", std::string(engine::transport_name(transport)).c_str(),
                   batch);
      auto result = measure(transport, batch, options);
      if (!result) {
        std::fprintf(stderr, "batching_bench: %s batch %d: %s\n",
                     std::string(engine::transport_name(transport)).c_str(), batch, result.error().message.c_str());
        return 1;
      }
      rows.push_back({transport, batch, std::move(*result)});
    }
  }
  auto find = [&](Transport transport, int batch) -> const CaseResult* {
    for (const Row& row : rows) {
      if (row.transport == transport && row.batch == batch) return &row.result;
    }
    return nullptr;
  };
  std::string table =
      "batching path, ns per request (median of " + std::to_string(options.rounds) +
      " rounds; min-max in brackets)\n  batch        shm                      grpc             grpc/shm\n";
  JsonWriter json;
  json.begin_object();
  json.key("benchmark").value("batching");
  json.key("commit").value(commit_id());
  json.key("cpu").value(engine::cpu_model());
  json.key("rounds").value(options.rounds);
  json.key("requests_per_round").begin_object();
  json.key("shm").value(options.requests).key("grpc").value(options.grpc_requests);
  json.end_object();
  json.key("results").begin_object();
  for (const Transport transport : {Transport::kShm, Transport::kGrpc}) {
    json.key(engine::transport_name(transport)).begin_object();
    for (const int batch : options.batch_sizes) {
      const CaseResult& result = *find(transport, batch);
      json.key("batch_" + std::to_string(batch)).begin_object();
      json.key("ns_per_request").value(result.median);
      json.key("rounds_ns_per_request").begin_array();
      for (const double value : result.ns_per_request) json.value(value);
      json.end_array();
      json.end_object();
    }
    json.end_object();
  }
  json.key("grpc_over_shm").begin_object();
  for (const int batch : options.batch_sizes) {
    const CaseResult& shm = *find(Transport::kShm, batch);
    const CaseResult& grpc = *find(Transport::kGrpc, batch);
    json.key("batch_" + std::to_string(batch)).value(grpc.median / shm.median);
    auto range = [](const CaseResult& r) {
      const auto [low, high] = std::minmax_element(r.ns_per_request.begin(), r.ns_per_request.end());
      char text[64];
      std::snprintf(text, sizeof text, "%8.0f [%.0f-%.0f]", r.median, *low, *high);
      return std::string(text);
    };
    char line[200];
    std::snprintf(line, sizeof line, "  %5d  %-24s %-24s %6.1fx\n", batch, range(shm).c_str(), range(grpc).c_str(),
                  grpc.median / shm.median);
    table += line;
  }
  json.end_object();
  json.end_object();
  json.end_object();
  if (auto emitted = emit_report(table, json.str(), options.json_path); !emitted) {
    std::fprintf(stderr, "batching_bench: %s\n", emitted.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace pipescale::bench

int main(int argc, char** argv) {
  try {
    pipescale::bench::Options options;
    CLI::App app{
        "The batching path's cost per request (Frontend enqueue, batch cut, SendBatch, Worker decode and\n"
        "forward; a model that takes no time), over shared memory and over gRPC in one run."};
    app.add_option("--batch-sizes", options.batch_sizes, "Batch sizes to measure")
        ->check(CLI::Range(1, 1024))
        ->delimiter(',');
    app.add_option("--requests", options.requests, "Requests per round over shared memory")->check(CLI::PositiveNumber);
    app.add_option("--grpc-requests", options.grpc_requests, "Requests per round over gRPC")
        ->check(CLI::PositiveNumber);
    app.add_option("--rounds", options.rounds, "Rounds per case (the median is reported)")->check(CLI::Range(1, 100));
    app.add_option("--json", options.json_path, "Write the JSON result to this file");
    CLI11_PARSE(app, argc, argv);
    return pipescale::bench::run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "batching_bench: %s\n", error.what());
    return 1;
  }
}

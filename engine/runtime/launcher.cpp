#include "engine/runtime/launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "engine/config/config_loader.hpp"
#include "engine/placement/machine.hpp"
#include "engine/runtime/board.hpp"
#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/placement_plan.hpp"
#include "engine/runtime/results.hpp"
#include "engine/runtime/role_settings.hpp"
#include "engine/runtime/run_segment.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/topology.hpp"
#include "ipc/common/clock.hpp"
#include "ipc/rpc/connection.hpp"
#include "ipc/segment/segment.hpp"
#include "ipc/wait/doorbell.hpp"
#include "roles/client/trace/workload_trace.hpp"

namespace pipescale::engine {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

volatile std::sig_atomic_t g_stop_requests = 0;

extern "C" void on_stop_signal(int /*signal*/) { g_stop_requests = g_stop_requests + 1; }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a sleeping supervisor wakes at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct Child {
  const ProcessSpec* process = nullptr;
  pid_t pid = 0;
  bool running = false;
  int wait_status = 0;
};

class Run {
 public:
  Run(const LaunchOptions& options, PipelineConfig config)
      : options_(options), config_(std::move(config)), topology_(make_topology(config_)) {}
  ~Run() { cleanup(); }

  int execute();

 private:
  Status create_out_dir();
  Status create_segment();
  Status spawn_all();
  pid_t spawn(const ProcessPlacement& placement);
  void record_placement();
  void reap();
  void ring_all();
  void set_run_phase(RunPhase phase);
  bool all_reached(RolePhase phase) const;
  // Waits until every role reaches `phase`; false on a failure, a stop request or the timeout.
  bool wait_for(RolePhase phase, std::int64_t timeout_ns, const char* what);
  void supervise_run();
  void shut_down();
  void print_progress(std::int64_t now);
  void note_failure(const Child& child, const std::string& how);
  void cleanup();

  const LaunchOptions& options_;
  PipelineConfig config_;
  Topology topology_;
  PlacementPlan plan_;
  PlacementRecord placement_record_;
  std::filesystem::path dir_;
  std::filesystem::path socket_dir_;
  std::optional<ipc::Segment> segment_;
  Board board_;
  std::vector<Child> children_;
  std::vector<std::string> failures_;
  bool interrupted_ = false;
  bool stopping_ = false;
  std::int64_t start_ns_ = 0;
  std::int64_t end_ns_ = 0;
  std::int64_t next_progress_ns_ = 0;
  bool tty_ = false;
};

Status Run::create_out_dir() {
  auto dir = create_results_dir(options_.out_dir.empty() ? default_results_dir("") : options_.out_dir, config_);
  if (!dir) return dir.error();
  dir_ = std::move(*dir);
  std::error_code error;
  std::filesystem::create_directories(dir_ / "logs", error);
  if (error) return Error{"cannot create " + (dir_ / "logs").string() + ": " + error.message()};
  if (config_.run.transport == Transport::kGrpc) {
    // Unix socket paths are limited to 107 bytes: the sockets live in a short temporary folder.
    std::string pattern = (std::filesystem::temp_directory_path() / "pipescale-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return Error{"cannot create a folder for the gRPC sockets"};
    socket_dir_ = pattern;
  }
  return Ok{};
}

Status Run::create_segment() {
  auto created = create_run_segment(config_, topology_, time_series_rows(config_), &plan_);
  if (!created) return created.error();
  segment_.emplace(std::move(created->segment));
  placement_record_.rings = bind_rings(*segment_, plan_);
  board_ = std::move(created->board);
  return Ok{};
}

pid_t Run::spawn(const ProcessPlacement& placement) {
  const ProcessSpec& process = *placement.process;
  std::string cpus;
  for (const int cpu : placement.cpus) {
    if (!cpus.empty()) cpus += ',';
    cpus += std::to_string(cpu);
  }
  std::vector<std::string> args = {options_.executable.string(),
                                   "role",
                                   "--segment",
                                   segment_->name(),
                                   "--config",
                                   (dir_ / "config.toml").string(),
                                   "--process",
                                   process.name,
                                   "--wait",
                                   std::string(ipc::to_string(placement.wait.kind)),
                                   "--spin-ns",
                                   std::to_string(placement.wait.spin_ns),
                                   "--max-park-ns",
                                   std::to_string(placement.wait.max_park_ns)};
  if (!cpus.empty()) args.insert(args.end(), {"--cpus", cpus});
  if (!socket_dir_.empty()) args.insert(args.end(), {"--socket-dir", socket_dir_.string()});
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string log = (dir_ / "logs" / (process.name + ".log")).string();
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return -1;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The child: dies with the launcher, ignores the terminal's Ctrl-C (the launcher stops it in
    // order), writes its stdout and stderr to its log.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::signal(SIGINT, SIG_IGN);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

// Once every process has bound itself (they do so before they listen): the PUs the kernel lets
// each one run on, as /proc/<pid>/status says.
void Run::record_placement() {
  placement_record_.processes.clear();
  for (const Child& child : children_) {
    BoundProcess bound{child.pid, ""};
    std::ifstream status("/proc/" + std::to_string(child.pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("Cpus_allowed_list:", 0) == 0) {
        const std::size_t start = line.find_first_not_of(" \t", line.find(':') + 1);
        bound.cpus = start == std::string::npos ? "" : line.substr(start);
      }
    }
    placement_record_.processes.push_back(bound);
  }
}

Status Run::spawn_all() {
  for (const ProcessPlacement& placement : plan_.processes) {
    const pid_t pid = spawn(placement);
    if (pid < 0) return Error{"cannot start " + placement.process->name + ": " + std::strerror(errno)};
    children_.push_back({placement.process, pid, true, 0});
  }
  return Ok{};
}

void Run::note_failure(const Child& child, const std::string& how) {
  const std::string line = child.process->name + " (pid " + std::to_string(child.pid) + ") " + how + "; see " +
                           (dir_ / "logs" / (child.process->name + ".log")).string();
  failures_.push_back(line);
  std::fprintf(stderr, "%spipescale run: %s\n", tty_ ? "\n" : "", line.c_str());
}

void Run::reap() {
  for (Child& child : children_) {
    if (!child.running) continue;
    int status = 0;
    const pid_t done = ::waitpid(child.pid, &status, WNOHANG);
    if (done != child.pid) continue;
    child.running = false;
    child.wait_status = status;
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const RoleHeader* header = board_.header(*child.process);
    const bool finished = header->phase.get() == static_cast<std::uint32_t>(RolePhase::kDone);
    if (clean && finished) continue;
    std::string how = WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                                strsignal(WTERMSIG(status)) + ")"
                                          : "exited with status " + std::to_string(WEXITSTATUS(status));
    if (clean) how = "exited before finishing its part";
    note_failure(child, how);
    // The run cannot go on as configured: the Client stops sending and accounts for what it has.
    if (!stopping_) {
      stopping_ = true;
      set_run_phase(RunPhase::kStop);
    }
    if (child.process->role == RoleKind::kClient) board_.control->shutdown.set(1);
  }
}

void Run::ring_all() {
  for (const ProcessSpec& process : topology_.processes) {
    if (auto bell = ipc::find_process_doorbell(*segment_, process.name)) ipc::Doorbell(*bell).notify();
  }
}

void Run::set_run_phase(RunPhase phase) {
  if (board_.control->phase.get() >= static_cast<std::uint32_t>(phase)) return;
  board_.control->phase.set(static_cast<std::uint32_t>(phase));
  ring_all();
}

bool Run::all_reached(RolePhase phase) const {
  for (const Child& child : children_) {
    const auto reached = board_.header(*child.process)->phase.get();
    if (reached == static_cast<std::uint32_t>(RolePhase::kFailed) || reached < static_cast<std::uint32_t>(phase)) {
      return false;
    }
  }
  return true;
}

bool Run::wait_for(RolePhase phase, std::int64_t timeout_ns, const char* what) {
  const std::int64_t give_up = ipc::monotonic_ns() + timeout_ns;
  while (!all_reached(phase)) {
    reap();
    if (!failures_.empty()) return false;
    if (g_stop_requests > 0) {
      interrupted_ = true;
      return false;
    }
    for (const Child& child : children_) {
      if (board_.header(*child.process)->phase.get() == static_cast<std::uint32_t>(RolePhase::kFailed)) {
        note_failure(child, "gave up while the run was being set up");
        return false;
      }
    }
    if (ipc::monotonic_ns() > give_up) {
      std::string late;
      for (const Child& child : children_) {
        if (board_.header(*child.process)->phase.get() < static_cast<std::uint32_t>(phase)) {
          if (!late.empty()) late += ", ";
          late += child.process->name;
        }
      }
      failures_.push_back(std::string("timed out waiting for every role to be ") + what + ": " + late);
      std::fprintf(stderr, "pipescale run: %s\n", failures_.back().c_str());
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void Run::print_progress(std::int64_t now) {
  const roles::ClientStats& client = *board_.client;
  const std::uint32_t published = client.rows_published.get();
  std::uint64_t offered = 0;
  std::uint64_t completed = 0;
  std::int64_t p99 = 0;
  if (published > 0 && published <= client.row_capacity.get()) {
    const roles::ClientRow& row = client.rows()[published - 1];
    offered = row.offered.get();
    completed = row.completed.get();
    p99 = row.p99_ns.get();
  }
  const std::uint64_t within = client.within_slo.get();
  const std::uint64_t returned = client.completed.get() + client.dropped.get() + client.failed.get();
  const double attainment = returned == 0 ? 100.0 : 100.0 * static_cast<double>(within) / static_cast<double>(returned);
  const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now - start_ns_)) / 1e9;
  std::string workers;
  std::string batches;
  for (const roles::FrontendStats* frontend : board_.frontends) {
    if (!workers.empty()) {
      workers += '/';
      batches += '/';
    }
    workers += std::to_string(frontend->active_workers.get());
    batches += std::to_string(frontend->batch_size.get());
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "[%5.0f/%.0f s] offered %6llu/s completed %6llu/s  SLO %6.2f%%  dropped %llu  failed %llu  p99 %7.1f ms"
                "  workers %s  batch %s",
                elapsed, config_.run.duration_s, static_cast<unsigned long long>(offered),
                static_cast<unsigned long long>(completed), attainment,
                static_cast<unsigned long long>(client.dropped.get()),
                static_cast<unsigned long long>(client.failed.get()), static_cast<double>(p99) / 1e6, workers.c_str(),
                batches.c_str());
  if (tty_) {
    std::printf("\r%-150s", line);
  } else {
    std::printf("%s\n", line);
  }
  std::fflush(stdout);
}

void Run::supervise_run() {
  const RoleHeader& client = *board_.header(*children_[0].process);
  int stop_requests_seen = 0;
  while (true) {
    reap();
    const std::int64_t now = ipc::monotonic_ns();
    if (g_stop_requests != stop_requests_seen) {
      stop_requests_seen = g_stop_requests;
      interrupted_ = true;
      if (stop_requests_seen == 1) {
        std::fprintf(stderr, "%spipescale run: stopping (the Client drains what is in flight; Ctrl-C again to kill)\n",
                     tty_ ? "\n" : "");
        stopping_ = true;
        set_run_phase(RunPhase::kStop);
      } else {
        std::fprintf(stderr, "pipescale run: killing every role\n");
        for (const Child& child : children_) {
          if (child.running) ::kill(child.pid, SIGKILL);
        }
        return;
      }
    }
    const bool client_over =
        client.phase.get() >= static_cast<std::uint32_t>(RolePhase::kDone) || !children_[0].running;
    if (client_over) return;
    if (options_.progress && now >= next_progress_ns_ && now >= start_ns_) {
      print_progress(now);
      next_progress_ns_ += kSecond;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Every role but the Client exits when told; a role that does not within the grace is killed.
void Run::shut_down() {
  board_.control->shutdown.set(1);
  ring_all();
  const std::int64_t give_up = ipc::monotonic_ns() + 10 * kSecond;
  for (;;) {
    reap();
    bool any = false;
    for (const Child& child : children_) any = any || child.running;
    if (!any) break;
    if (ipc::monotonic_ns() > give_up || g_stop_requests > 1) {
      for (Child& child : children_) {
        if (!child.running) continue;
        note_failure(child, "did not exit when told to and was killed");
        ::kill(child.pid, SIGKILL);
      }
      for (Child& child : children_) {
        if (child.running && ::waitpid(child.pid, &child.wait_status, 0) == child.pid) child.running = false;
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Run::cleanup() {
  for (Child& child : children_) {
    if (!child.running) continue;
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, &child.wait_status, 0);
    child.running = false;
  }
  segment_.reset();  // the creator's handle removes the segment
  if (!socket_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(socket_dir_, ignored);
    socket_dir_.clear();
  }
}

int Run::execute() {
  tty_ = ::isatty(STDOUT_FILENO) != 0;
  ipc::sweep_stale_segments();
  // Placement is refused before anything is created or started.
  auto machine = load_machine("");
  if (!machine) {
    std::fprintf(stderr, "pipescale run: %s\n", machine.error().message.c_str());
    return kExitSetup;
  }
  auto planned = plan_run(config_, topology_, std::move(*machine));
  if (!planned) {
    std::fprintf(stderr, "pipescale run: placement: %s\n", planned.error().message.c_str());
    return kExitBadInput;
  }
  plan_ = std::move(*planned);
  if (auto made = create_out_dir(); !made) {
    std::fprintf(stderr, "pipescale run: %s\n", made.error().message.c_str());
    return kExitSetup;
  }
  if (!plan_.notice.empty()) std::printf("placement: %s\n", plan_.notice.c_str());
  if (auto created = create_segment(); !created) {
    std::fprintf(stderr, "pipescale run: cannot create the run's shared memory: %s\n", created.error().message.c_str());
    return kExitSetup;
  }
  std::printf("pipescale run: %zu processes, transport %s, results in %s\n", topology_.processes.size(),
              std::string(transport_name(config_.run.transport)).c_str(), dir_.string().c_str());
  std::fflush(stdout);
  install_signal_handlers();
  if (auto spawned = spawn_all(); !spawned) {
    std::fprintf(stderr, "pipescale run: %s\n", spawned.error().message.c_str());
    return kExitSetup;
  }
  RunRecord record;
  record.dir = dir_;
  record.config = &config_;
  record.topology = &topology_;
  record.plan = &plan_;
  record.board = &board_;
  for (const Child& child : children_) record.pids.push_back(child.pid);

  double max_warmup_s = 0.0;
  for (const StageConfig& stage : config_.stages) max_warmup_s = std::max(max_warmup_s, stage.warmup_ms / 1000.0);
  const bool listening = wait_for(RolePhase::kListening, 60 * kSecond, "listening");
  record_placement();
  record.placement = &placement_record_;
  if (auto written = write_placement(record); !written) {
    std::fprintf(stderr, "pipescale run: %s\n", written.error().message.c_str());
  }
  if (listening) set_run_phase(RunPhase::kPrepare);
  const bool ready =
      listening && wait_for(RolePhase::kReady, 60 * kSecond + static_cast<std::int64_t>(max_warmup_s * 1e9), "ready");
  if (ready) {
    start_ns_ = ipc::monotonic_ns() + 50 * kMs;
    end_ns_ = start_ns_ + static_cast<std::int64_t>(config_.run.duration_s * 1e9);
    board_.control->start_ns.set(start_ns_);
    board_.control->end_ns.set(end_ns_);
    next_progress_ns_ = start_ns_ + kSecond;
    set_run_phase(RunPhase::kRun);
    supervise_run();
  } else {
    interrupted_ = interrupted_ || g_stop_requests > 0;
  }
  shut_down();
  if (tty_ && options_.progress) std::printf("\n");

  record.interrupted = interrupted_;
  record.failures = failures_;
  record.elapsed_s = start_ns_ == 0 ? 0.0 : static_cast<double>(ipc::monotonic_ns() - start_ns_) / 1e9;
  auto table = write_results(record);
  if (!table) {
    std::fprintf(stderr, "pipescale run: %s\n", table.error().message.c_str());
    return kExitSetup;
  }
  std::printf("%s", table->c_str());
  std::fflush(stdout);
  if (!failures_.empty()) return kExitFailed;
  return interrupted_ ? kExitInterrupted : kExitOk;
}

}  // namespace

std::optional<PipelineConfig> preflight(const std::filesystem::path& config_path, std::vector<std::string> overrides,
                                        std::optional<double> duration_s, const char* command) {
  if (duration_s.has_value()) {
    char text[64];
    std::snprintf(text, sizeof text, "run.duration_s=%.17g", *duration_s);
    overrides.emplace_back(text);
  }
  ConfigReport report = read_config(config_path, overrides);
  std::vector<std::string> errors = std::move(report.errors);
  if (report.config.has_value()) {
    const PipelineConfig& config = *report.config;
    if (config.stages.size() > static_cast<std::size_t>(roles::kMaxStages)) {
      errors.push_back(config_path.string() + ": stages: " + std::to_string(config.stages.size()) +
                       " stages; a pipeline has at most " + std::to_string(roles::kMaxStages));
    }
    if (auto trace = roles::WorkloadTrace::load(config.client.trace_path.string(), config.run.duration_s); !trace) {
      errors.push_back(trace.error().message);
    }
    bool profiles_ok = true;
    for (const StageConfig& stage : config.stages) {
      if (auto profile = stage_profile(stage); !profile) {
        errors.push_back(profile.error().message);
        profiles_ok = false;
      }
    }
    if (profiles_ok) {
      if (auto policy = scheduler_policy(config); !policy) {
        errors.push_back(config_path.string() + ": " + policy.error().message);
      }
    }
  }
  if (!errors.empty()) {
    for (const std::string& error : errors) std::fprintf(stderr, "error: %s\n", error.c_str());
    std::fprintf(stderr, "pipescale %s: %zu problem%s in the configuration; nothing was started\n", command,
                 errors.size(), errors.size() == 1 ? "" : "s");
    return std::nullopt;
  }
  return std::move(report.config);
}

int launch(const LaunchOptions& options) {
  auto config = preflight(options.config, options.overrides, options.duration_s, "run");
  if (!config) return kExitBadInput;
  Run run(options, std::move(*config));
  return run.execute();
}

}  // namespace pipescale::engine

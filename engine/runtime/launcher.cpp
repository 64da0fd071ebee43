#include "engine/runtime/launcher.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "engine/config/config_loader.hpp"
#include "engine/placement/machine.hpp"
#include "engine/runtime/exit_status.hpp"
#include "engine/runtime/live_run.hpp"
#include "engine/runtime/metrics_exposition.hpp"
#include "engine/runtime/private_dir.hpp"
#include "engine/runtime/role_settings.hpp"
#include "engine/runtime/run_segment.hpp"
#include "engine/runtime/run_settings.hpp"
#include "engine/runtime/trace_tail.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::engine {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

}  // namespace

int LiveRun::execute() {
  tty_ = ::isatty(STDOUT_FILENO) != 0;
  started_at_ = std::chrono::system_clock::now();
  ipc::sweep_stale_segments();
  (void)sweep_stale_private_dirs();
  if (const int status = set_up(); status != kExitOk) return status;
  RunRecord record = make_record();
  walk_through_phases(record);
  if (start_ns_ == 0 && interrupted_ && failures_.empty()) return abandon("while the roles were starting");
  shut_down();
  if (tty_ && options_.progress) std::printf("\n");
  const int status = finish(record);
  linger_metrics();
  return status;
}

int LiveRun::abandon(const char* when) {
  if (segment_) shut_down();
  discard_dir_ = true;
  std::fprintf(stderr,
               "%spipescale run: %s %s: nothing was measured; the results folder, shared memory and "
               "temporary files are removed\n",
               tty_ ? "\n" : "", stop_signal_name(), when);
  return interrupted_exit_status();
}

// Placement is refused before anything is created or started; then the results folder, the run's
// segment and every role process. A stop request on the way abandons the run (abandon()).
int LiveRun::set_up() {
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
  if (stop_requested()) return abandon("during set-up");
  if (const int made = create_out_dir(); made != kExitOk) return made;
  if (!plan_.notice.empty()) std::printf("placement: %s\n", plan_.notice.c_str());
  if (stop_requested()) return abandon("during set-up");
  if (auto created = create_segment(); !created) {
    std::fprintf(stderr, "pipescale run: cannot create the run's shared memory: %s\n", created.error().message.c_str());
    return kExitSetup;
  }
  std::printf("pipescale run: %zu processes, transport %s, results in %s\n", topology_.processes.size(),
              std::string(transport_name(config_.run.transport)).c_str(), dir_.string().c_str());
  if (auto served = serve_metrics(); !served) {
    std::fprintf(stderr, "pipescale run: %s\n", served.error().message.c_str());
    return kExitSetup;
  }
  std::fflush(stdout);
  if (stop_requested()) return abandon("during set-up");
  if (auto spawned = spawn_all(); !spawned) {
    std::fprintf(stderr, "pipescale run: %s\n", spawned.error().message.c_str());
    return kExitSetup;
  }
  return kExitOk;
}

RunRecord LiveRun::make_record() {
  RunRecord record;
  record.dir = dir_;
  record.config = &config_;
  record.topology = &topology_;
  record.plan = &plan_;
  record.board = &board_;
  record.started_at = started_at_;
  for (const Child& child : children_) record.pids.push_back(child.pid);
  return record;
}

// listening (then placement.json) -> prepare -> ready (after the warm-ups) -> run, supervised
// until the Client is done. A failure or a stop request on the way skips the rest.
void LiveRun::walk_through_phases(RunRecord& record) {
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
  if (!ready) {
    interrupted_ = interrupted_ || stop_requested();
    return;
  }
  start_ns_ = ipc::monotonic_ns() + 50 * kMs;
  end_ns_ = start_ns_ + static_cast<std::int64_t>(config_.run.duration_s * 1e9);
  board_.control->start_ns.set(start_ns_);
  board_.control->end_ns.set(end_ns_);
  next_progress_ns_ = start_ns_ + kSecond;
  faults_.emplace(config_, topology_, board_, &*segment_, [this](const std::string& name) -> pid_t {
    for (const Child& child : children_) {
      if (child.running && child.process->name == name) return child.pid;
    }
    return 0;
  });
  set_run_phase(RunPhase::kRun);
  supervise_run();
  faults_->finish(ipc::monotonic_ns(), start_ns_);  // a stopped process is continued, so that it can exit
}

int LiveRun::finish(RunRecord& record) {
  record.interrupted = interrupted_;
  record.failures = failures_;
  record.faults = faults_ ? faults_->records() : fault_records(config_);
  record.replacements = replacements_;
  // A fault's target that was lost and replaced: the first replacement after the fault began.
  for (FaultRecord& fault : record.faults) {
    if (fault.applied_s < 0.0) continue;
    for (const Replacement& replacement : replacements_) {
      if (replacement.process != fault.resolved || replacement.at_s < fault.applied_s) continue;
      fault.replaced_s = replacement.at_s;
      break;
    }
  }
  if (client_lost_) record.invalid_reasons.emplace_back("the Client died");
  // start_ns_ lies 50 ms ahead of the run phase: a stop within them has sent nothing, in no time.
  record.elapsed_s =
      start_ns_ == 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(0, ipc::monotonic_ns() - start_ns_)) / 1e9;
  note_data_losses(record);
  FigureValidity validity;
  auto table = write_results(record, &validity);
  if (!table) {
    std::fprintf(stderr, "pipescale run: %s\n", table.error().message.c_str());
    return kExitSetup;
  }
  std::printf("%s", table->c_str());
  std::fflush(stdout);
  // A role that was replaced does not fail the run: it went on to its end.
  if (failures_.size() > recovered_ || client_lost_) return kExitFailed;
  if (interrupted_) return interrupted_exit_status();
  if (!validity.valid()) {
    std::fprintf(stderr, "pipescale run: %zu figure check%s failed; the summary marks the figures invalid\n",
                 validity.invalid_reasons.size(), validity.invalid_reasons.size() == 1 ? "" : "s");
    return kExitInvalidFigures;
  }
  return kExitOk;
}

// The results folder, claimed so that no other run shares it (results_dir.hpp), with config.toml
// and logs/; and the private folder the roles read their config from (private_dir.hpp).
int LiveRun::create_out_dir() {
  ClaimOutcome claim = claim_results_dir(options_.out_dir, "");
  if (!claim.dir) {
    std::fprintf(stderr, "pipescale run: %s\n", claim.refusal.message.c_str());
    return claim.refusal.bad_input ? kExitBadInput : kExitSetup;
  }
  claimed_dir_ = *claim.dir;
  dir_ = claimed_dir_.path;
  Status made = Ok{};
  if (auto written = create_results_dir(dir_, config_); !written) made = written.error();
  std::error_code error;
  if (made) std::filesystem::create_directories(dir_ / "logs", error);
  if (error) made = Error{"cannot create " + (dir_ / "logs").string() + ": " + error.message()};
  if (made) {
    auto dir = PrivateDir::create();
    if (dir) private_.emplace(std::move(*dir));
    if (!dir) made = dir.error();
  }
  if (made) made = write_private_config();
  if (!made) {
    std::fprintf(stderr, "pipescale run: %s\n", made.error().message.c_str());
    return kExitSetup;
  }
  // Unix socket paths are limited to 107 bytes: the sockets live in the short private folder.
  if (config_.run.transport == Transport::kGrpc) socket_dir_ = private_->path();
  return kExitOk;
}

// The roles' copy of the effective config, in the private folder: what this run was started with,
// whatever later happens to the results folder.
Status LiveRun::write_private_config() {
  std::error_code error;
  std::filesystem::copy_file(dir_ / "config.toml", private_->path() / "config.toml", error);
  if (error) return Error{"cannot copy the config to " + private_->path().string() + ": " + error.message()};
  return Ok{};
}

Status LiveRun::create_segment() {
  auto created = create_run_segment(config_, topology_, board_size(config_), &plan_);
  if (!created) return created.error();
  segment_.emplace(std::move(created->segment));
  placement_record_.rings = bind_rings(*segment_, plan_);
  board_ = std::move(created->board);
  return Ok{};
}

pid_t LiveRun::spawn(const ProcessPlacement& placement, bool replacement) {
  const ProcessSpec& process = *placement.process;
  std::string cpus;
  for (const int cpu : placement.cpus) {
    if (!cpus.empty()) cpus += ',';
    cpus += std::to_string(cpu);
  }
  // A parked process wakes (and stamps its heartbeat) at least four times per liveness timeout.
  const auto max_park_ns = static_cast<std::int64_t>(config_.run.liveness_timeout_ms * 1e6 / 4);
  std::vector<std::string> args = {options_.executable.string(),
                                   "role",
                                   "--segment",
                                   segment_->name(),
                                   "--config",
                                   (private_->path() / "config.toml").string(),
                                   "--process",
                                   process.name,
                                   "--wait",
                                   std::string(ipc::to_string(placement.wait.kind)),
                                   "--spin-ns",
                                   std::to_string(placement.wait.spin_ns),
                                   "--max-park-ns",
                                   std::to_string(std::min(placement.wait.max_park_ns, max_park_ns))};
  if (replacement) args.emplace_back("--replacement");
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
    // The child: dies with the launcher, ignores Ctrl-C and SIGTERM (the terminal's and a service
    // manager's reach the whole group: the launcher stops it in order), writes its stdout and stderr
    // to its log.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
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
void LiveRun::record_placement() {
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

// The Prometheus endpoint (run.metrics_port), read from the board on a thread of its own.
Status LiveRun::serve_metrics() {
  if (config_.run.metrics_port == 0) return Ok{};
  auto server = MetricsServer::start(static_cast<std::uint16_t>(config_.run.metrics_port),
                                     [this] { return prometheus_text(board_, config_); });
  if (!server) return server.error();
  metrics_ = std::move(*server);
  std::printf("metrics: http://127.0.0.1:%u/metrics\n", static_cast<unsigned>(metrics_->port()));
  return Ok{};
}

// The endpoint keeps serving the final figures for run.metrics_linger_s, so that a scraper
// gets them; Ctrl-C ends the wait.
void LiveRun::linger_metrics() {
  if (!metrics_ || config_.run.metrics_linger_s <= 0.0 || stop_requested()) return;
  std::printf("metrics: serving the final figures for %.1f s (Ctrl-C ends it)\n", config_.run.metrics_linger_s);
  std::fflush(stdout);
  const std::int64_t until = ipc::monotonic_ns() + static_cast<std::int64_t>(config_.run.metrics_linger_s * 1e9);
  while (ipc::monotonic_ns() < until && !stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

Status LiveRun::spawn_all() {
  for (const ProcessPlacement& placement : plan_.processes) {
    const pid_t pid = spawn(placement, false);
    if (pid < 0) return Error{"cannot start " + placement.process->name + ": " + std::strerror(errno)};
    children_.push_back({placement.process, pid, true, 0, ipc::monotonic_ns(), 0, 0, 0});
  }
  return Ok{};
}

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
  if (errors.empty()) {
    if (auto idle = idle_tail_warning(*report.config)) std::fprintf(stderr, "warning: %s\n", idle->c_str());
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
  // First of all: a signal from here on is a stop request, never a half-made run left behind.
  install_stop_signal_handlers();
  auto config = preflight(options.config, options.overrides, options.duration_s, "run");
  if (!config) return kExitBadInput;
  if (stop_requested()) {
    std::fprintf(stderr, "pipescale run: %s before the run was set up: nothing was created\n", stop_signal_name());
    return interrupted_exit_status();
  }
  LiveRun run(options, std::move(*config));
  return run.execute();
}

}  // namespace pipescale::engine

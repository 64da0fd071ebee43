#include "bench/support/child_process.hpp"

#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <thread>

#include "engine/placement/affinity.hpp"
#include "ipc/common/clock.hpp"

namespace pipescale::bench {
namespace {

std::atomic<std::uint64_t> g_child_exits{0};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);  // touched from a signal handler

constexpr int kMaxCleanupNames = 4;
constexpr std::size_t kCleanupNameBytes = 256;
char g_cleanup_names[kMaxCleanupNames][kCleanupNameBytes];  // "/<segment name>", as shm_unlink wants

void on_child_exit(int /*signal*/) { g_child_exits.fetch_add(1, std::memory_order_relaxed); }

void on_stop_signal(int signal_number) {
  for (auto& name : g_cleanup_names) {
    if (name[0] != '\0') shm_unlink(name);
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void install_handlers_once() {
  static const bool installed = [] {
    struct sigaction child_action {};
    child_action.sa_handler = on_child_exit;
    child_action.sa_flags = SA_RESTART | SA_NOCLDSTOP;  // blocking socket calls resume by themselves
    sigemptyset(&child_action.sa_mask);
    sigaction(SIGCHLD, &child_action, nullptr);
    struct sigaction stop_action {};
    stop_action.sa_handler = on_stop_signal;
    sigemptyset(&stop_action.sa_mask);
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal_number, &stop_action, nullptr);
    return true;
  }();
  (void)installed;
}

int run_child(pid_t parent, int os_pu, const std::function<int()>& body) {
  // The child must not spin on after its parent is gone, nor unlink the parent's segments.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return 1;
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) std::signal(signal_number, SIG_DFL);
  if (auto bound = engine::bind_process_to_pus({os_pu}); !bound) {
    std::fprintf(stderr, "child: %s\n", bound.error().message.c_str());
    return 1;
  }
  try {
    return body();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "child: %s\n", error.what());
    return 1;
  }
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

}  // namespace

Result<ChildProcess> ChildProcess::spawn(int os_pu, const std::function<int()>& body) {
  install_handlers_once();
  const pid_t parent = getpid();
  const std::uint64_t exits = g_child_exits.load(std::memory_order_relaxed);
  std::fflush(nullptr);  // or buffered output would be printed twice
  const pid_t pid = fork();
  if (pid < 0) return Error{std::string("fork failed: ") + std::strerror(errno)};
  if (pid == 0) {
    const int code = run_child(parent, os_pu, body);
    std::fflush(nullptr);
    _exit(code);
  }
  return ChildProcess(pid, exits);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exits_at_spawn_(other.exits_at_spawn_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill();
    pid_ = std::exchange(other.pid_, -1);
    exits_at_spawn_ = other.exits_at_spawn_;
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill(); }

bool ChildProcess::exit_signalled() const { return g_child_exits.load(std::memory_order_relaxed) != exits_at_spawn_; }

void ChildProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Status ChildProcess::wait(std::int64_t timeout_ns) {
  if (pid_ <= 0) return Error{"no child to wait for"};
  const std::int64_t give_up_ns = ipc::monotonic_ns() + timeout_ns;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) return Error{std::string("waitpid failed: ") + std::strerror(errno)};
    if (ipc::monotonic_ns() > give_up_ns) {
      const pid_t stuck = pid_;
      kill();
      return Error{"child " + std::to_string(stuck) + " did not finish in time and was killed"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const pid_t finished = std::exchange(pid_, -1);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Ok{};
  return Error{"child " + std::to_string(finished) + " " + describe_exit(status)};
}

Status use_realtime_scheduling() {
  sched_param param{};
  param.sched_priority = sched_get_priority_min(SCHED_FIFO);
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
    return Error{std::string("cannot switch to SCHED_FIFO (needs root or CAP_SYS_NICE): ") + std::strerror(errno)};
  }
  return Ok{};
}

void remove_segment_on_signal(const char* name) {
  install_handlers_once();
  for (auto& slot : g_cleanup_names) {
    if (slot[0] == '\0') {
      std::snprintf(slot, kCleanupNameBytes, "/%s", name);
      return;
    }
  }
}

void forget_segment_on_signal(const char* name) {
  for (auto& slot : g_cleanup_names) {
    if (slot[0] == '/' && std::strncmp(slot + 1, name, kCleanupNameBytes - 1) == 0) slot[0] = '\0';
  }
}

}  // namespace pipescale::bench

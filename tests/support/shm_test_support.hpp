#pragma once
// Helpers for tests of shared-memory code: segment names that cannot collide under `ctest -j`, a
// scan of /dev/shm for leftovers, forked children that never outlive the test, and a watchdog that
// prints positions and counters before it aborts a stalled test.
#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <gtest/gtest.h>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ipc/common/clock.hpp"
#include "ipc/ring/ring_layout.hpp"
#include "ipc/segment/segment.hpp"

namespace pipescale::test {

// "<test pid>-<Suite>-<Test>": names everything one test creates, whichever process creates it.
inline std::string current_test_tag() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string tag = std::to_string(getpid()) + "-";
  tag += info != nullptr ? std::string(info->test_suite_name()) + "-" + info->name() : "outside-a-test";
  for (char& c : tag) {
    if (c == '/' || c == '.') c = '_';
  }
  return tag;
}

// Names "pipescale.<creator pid>.<tag>-<n>": the creator's pid comes first because that is where
// sweep_stale_segments() looks for it; the tag and counter keep concurrent tests apart.
class ShmNames {
 public:
  ShmNames() : tag_(current_test_tag()) {}

  std::string next() { return for_creator(getpid()); }
  std::string for_creator(pid_t creator) { return named(creator, std::to_string(counter_++)); }
  // A name that a parent and its forked child can both compute, the child creating the segment.
  [[nodiscard]] std::string named(pid_t creator, const std::string& suffix) const {
    return std::string(ipc::kSegmentPrefix) + std::to_string(creator) + "." + tag_ + "-" + suffix;
  }

  // Entries of /dev/shm made under this tag, by this process or by its children.
  [[nodiscard]] std::vector<std::string> leftovers() const {
    std::vector<std::string> found;
    DIR* directory = opendir("/dev/shm");
    if (directory == nullptr) return found;
    const std::string marker = "." + tag_ + "-";
    while (const dirent* entry = readdir(directory)) {
      const std::string file_name = entry->d_name;
      if (file_name.rfind(ipc::kSegmentPrefix, 0) == 0 && file_name.find(marker) != std::string::npos) {
        found.push_back(file_name);
      }
    }
    closedir(directory);
    return found;
  }

 private:
  std::string tag_;
  unsigned counter_ = 0;
};

inline bool shm_exists(const std::string& name) { return access(("/dev/shm/" + name).c_str(), F_OK) == 0; }

// A fixture for tests that create segments: each test must leave nothing behind in /dev/shm.
class ShmTest : public ::testing::Test {
 protected:
  void TearDown() override {
    const auto left = names_.leftovers();
    EXPECT_TRUE(left.empty()) << "left in /dev/shm: " << ::testing::PrintToString(left);
    for (const auto& name : left) shm_unlink(("/" + name).c_str());  // do not pollute the next run
  }
  ShmNames names_;
};

inline std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

// A forked child running `body` (which returns the exit code). The child dies with the test
// process; a child still running when its handle goes away is killed and reaped. The body must
// not use GoogleTest assertions: it reports through its exit code.
class ChildProcess {
 public:
  template <class Body>
  static ChildProcess fork(Body&& body) {
    const pid_t parent = getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(126);  // the parent died before prctl
      int code = 125;
      try {
        code = body();
      } catch (...) {
      }
      _exit(code);  // no atexit handlers, no destructors of the parent's objects
    }
    return ChildProcess(pid);
  }

  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { kill_and_reap(); }

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool started() const { return pid_ > 0; }

  // The raw wait status, or nothing if the child was still running after `timeout` (it is then
  // killed and reaped).
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const std::int64_t give_up_ns = ipc::monotonic_ns() + std::chrono::nanoseconds(timeout).count();
    while (pid_ > 0) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_ || done == -1) {
        pid_ = -1;
        return done == -1 ? std::nullopt : std::optional<int>(status);
      }
      if (ipc::monotonic_ns() > give_up_ns) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    kill_and_reap();
    return std::nullopt;
  }

  // True once the child has ended, without reaping it.
  [[nodiscard]] bool has_ended() const {
    siginfo_t info{};
    return pid_ > 0 && waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  }

  void kill_and_reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// One line of a ring's shared positions and counters, for failure messages.
inline std::string describe_ring(const ipc::RingControl& ring) {
  const auto load = [](const std::atomic<std::uint64_t>& value) {
    return std::to_string(value.load(std::memory_order_relaxed));
  };
  return "producer tail " + load(ring.producer.tail) + ", committed " + load(ring.producer.records_committed) +
         ", full events " + load(ring.producer.full_events) + ", too large " + load(ring.producer.too_large) +
         "; consumer head " + load(ring.head.position) + ", consumed " + load(ring.consumer.records_consumed) +
         ", corrupt " + load(ring.consumer.corrupt_records) + ", broken " +
         std::to_string(ring.consumer.broken.load(std::memory_order_relaxed));
}

// Aborts the test process when progress() has not changed for `stall_limit`, after printing
// report() and running before_abort() (kill children, unlink segments). A hang becomes a failure
// with the evidence on stderr instead of a ctest timeout with none.
class Watchdog {
 public:
  Watchdog(std::chrono::milliseconds stall_limit, std::function<std::uint64_t()> progress,
           std::function<std::string()> report, std::function<void()> before_abort = {})
      : stall_limit_(stall_limit),
        progress_(std::move(progress)),
        report_(std::move(report)),
        before_abort_(std::move(before_abort)),
        thread_([this] { run(); }) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wakeup_.notify_one();
    thread_.join();
  }

 private:
  void run() {
    std::uint64_t last = progress_();
    auto last_change = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!wakeup_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; })) {
      const std::uint64_t now_value = progress_();
      const auto now = std::chrono::steady_clock::now();
      if (now_value != last) {
        last = now_value;
        last_change = now;
      } else if (now - last_change > stall_limit_) {
        std::fprintf(stderr, "watchdog: no progress for %lld ms: %s\n", static_cast<long long>(stall_limit_.count()),
                     report_().c_str());
        std::fflush(stderr);
        if (before_abort_) before_abort_();
        std::abort();
      }
    }
  }

  std::chrono::milliseconds stall_limit_;
  std::function<std::uint64_t()> progress_;
  std::function<std::string()> report_;
  std::function<void()> before_abort_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything it reads is constructed
};

// An unsigned setting from the environment, or `fallback` when unset or unparsable.
inline std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  return end != nullptr && *end == '\0' ? value : fallback;
}

}  // namespace pipescale::test

#pragma once
// What the tests of the pipescale binary share: the binary run as a child process with its
// output in files, and small readers of the files it writes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/scratch_dir.hpp"

#ifndef PIPESCALE_BINARY
#error "PIPESCALE_BINARY must name the pipescale executable"
#endif

namespace pipescale::test {

namespace fs = std::filesystem;

// A number at "key": in a JSON text; the first occurrence (the summary's top-level keys come first).
inline std::optional<double> json_number(const std::string& json, const std::string& key) {
  const std::string marker = "\"" + key + "\": ";
  const std::size_t at = json.find(marker);
  if (at == std::string::npos) return std::nullopt;
  const char* start = json.c_str() + at + marker.size();
  char* end = nullptr;
  const double value = std::strtod(start, &end);
  if (end == start) return std::nullopt;
  return value;
}

// The text between `open` and `close` after position `from`; empty if absent.
inline std::string between(const std::string& text, const std::string& open, char close, std::size_t from = 0) {
  const std::size_t start = text.find(open, from);
  if (start == std::string::npos) return {};
  const std::size_t end = text.find(close, start + open.size());
  if (end == std::string::npos) return {};
  return text.substr(start + open.size(), end - start - open.size());
}

inline std::uint64_t count(const std::string& json, const std::string& key) {
  const auto value = json_number(json, key);
  EXPECT_TRUE(value.has_value()) << "no \"" << key << "\" in " << json;
  return value.has_value() ? static_cast<std::uint64_t>(*value) : 0;
}

inline std::set<std::string> segments_in_dev_shm() {
  std::set<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/dev/shm", error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("pipescale.", 0) == 0) names.insert(name);
  }
  return names;
}

// The pipescale binary as a child process; its stdout and stderr go to files in the test folder.
class Pipescale {
 public:
  Pipescale(const fs::path& dir, std::vector<std::string> args)
      : stdout_(dir / "stdout.txt"), stderr_(dir / "stderr.txt") {
    args.insert(args.begin(), PIPESCALE_BINARY);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* out = std::freopen(stdout_.c_str(), "w", stdout);
      std::FILE* err = std::freopen(stderr_.c_str(), "w", stderr);
      if (out == nullptr || err == nullptr) ::_exit(126);
      std::vector<char*> argv;
      argv.reserve(args.size() + 1);
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  Pipescale(const Pipescale&) = delete;
  Pipescale& operator=(const Pipescale&) = delete;
  ~Pipescale() {
    if (pid_ > 0 && !exit_status_.has_value()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }

  // The exit status, or -1 if it did not exit within the timeout (then it is killed).
  int wait(std::chrono::seconds timeout) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < give_up) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        signaled_ = WIFSIGNALED(status);
        return *exit_status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    exit_status_ = -1;
    return -1;
  }

  // It was ended by a signal's default action (a shell shows 128 + the signal), not by exit().
  [[nodiscard]] bool signaled() const { return signaled_; }
  [[nodiscard]] std::string out() const { return read_text(stdout_); }
  [[nodiscard]] std::string err() const { return read_text(stderr_); }

 private:
  fs::path stdout_;
  fs::path stderr_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  bool signaled_ = false;
};

// Waits (at most 30 s) for a live run's first progress line: every role is up and the Client is
// sending.
inline bool wait_for_progress(const Pipescale& pipescale) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (pipescale.out().find("offered") == std::string::npos) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace pipescale::test

#include "bench/rpc/socket_dir.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace pipescale::bench {
namespace {

constexpr std::size_t kPathBytes = 256;
// Read by the signal handler: fixed buffers, written before the handler is installed.
char g_socket_path[kPathBytes];
char g_directory[kPathBytes];
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[3];

void on_stop_signal(int signal_number) {
  if (g_socket_path[0] != '\0') unlink(g_socket_path);
  if (g_directory[0] != '\0') rmdir(g_directory);
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
    if (kStopSignals[i] != signal_number) continue;
    const auto previous = g_previous[i].sa_handler;
    if (previous != SIG_DFL && previous != SIG_IGN && previous != nullptr) {
      previous(signal_number);  // the segments' cleanup, which re-raises with the default action
      return;
    }
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void install_once() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &action, &g_previous[i]);
    return true;
  }();
  (void)installed;
}

constexpr const char* kPrefix = "pipescale-rpc-";
constexpr const char* kSocketName = "grpc.sock";

// Directories of earlier runs that were killed outright (SIGKILL runs no handler): their name
// carries the creator's pid, and a creator that no longer exists will not remove them.
void sweep_stale(const std::string& parent) {
  DIR* directory = opendir(parent.c_str());
  if (directory == nullptr) return;
  const std::size_t prefix_bytes = std::strlen(kPrefix);
  while (const dirent* entry = readdir(directory)) {
    const std::string name = entry->d_name;
    if (name.rfind(kPrefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix_bytes, nullptr, 10);
    if (pid <= 0 || kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::string path = parent;
    path += '/';
    path += name;
    unlink((path + "/" + kSocketName).c_str());
    rmdir(path.c_str());
  }
  closedir(directory);
}

}  // namespace

Result<SocketDir> SocketDir::create() {
  const char* tmp = std::getenv("TMPDIR");
  const std::string parent = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
  sweep_stale(parent);
  std::string pattern = parent + "/" + kPrefix + std::to_string(getpid()) + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    return Error{"cannot create a directory from " + pattern + ": " + std::strerror(errno)};
  }
  std::string directory(buffer.data());
  std::string socket_path = directory + "/" + kSocketName;
  if (socket_path.size() >= kPathBytes || socket_path.size() >= 108) {  // 108: sockaddr_un's sun_path
    rmdir(directory.c_str());
    return Error{"socket path " + socket_path + " is too long for a Unix socket; set TMPDIR to a shorter path"};
  }
  std::snprintf(g_directory, kPathBytes, "%s", directory.c_str());
  std::snprintf(g_socket_path, kPathBytes, "%s", socket_path.c_str());
  install_once();
  return SocketDir(std::move(directory), std::move(socket_path));
}

SocketDir::SocketDir(SocketDir&& other) noexcept
    : directory_(std::exchange(other.directory_, std::string())),
      socket_path_(std::exchange(other.socket_path_, std::string())) {}

SocketDir::~SocketDir() {
  if (directory_.empty()) return;
  unlink(socket_path_.c_str());
  rmdir(directory_.c_str());
  g_socket_path[0] = '\0';
  g_directory[0] = '\0';
}

}  // namespace pipescale::bench

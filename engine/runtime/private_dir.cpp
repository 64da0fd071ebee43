#include "engine/runtime/private_dir.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <utility>

#include "ipc/segment/segment.hpp"

namespace pipescale::engine {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLauncherFile = "launcher";  // "<pid> <start ticks>\n"

fs::path parent_or_tmp(const fs::path& parent) {
  if (!parent.empty()) return parent;
  std::error_code error;
  fs::path tmp = fs::temp_directory_path(error);
  return error ? fs::path("/tmp") : tmp;
}

// The pid in "pipescale-<pid>-XXXXXX", or 0 when the name is not one this file makes.
pid_t creator_pid(const std::string& name) {
  const std::size_t prefix = std::strlen(kPrivateDirPrefix);
  if (name.rfind(kPrivateDirPrefix, 0) != 0 || name.size() <= prefix) return 0;
  std::size_t end = prefix;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  if (end == prefix || end - prefix > 9 || end >= name.size() || name[end] != '-') return 0;
  if (name.size() - end - 1 != 6) return 0;  // mkdtemp's six characters
  return static_cast<pid_t>(std::strtol(name.c_str() + prefix, nullptr, 10));
}

bool creator_is_gone(const fs::path& dir, pid_t pid) {
  if (::kill(pid, 0) == -1 && errno == ESRCH) return true;
  // The pid is in use: by the creator, or by a process that reused its number.
  std::ifstream file(dir / kLauncherFile);
  long long recorded_pid = 0;
  unsigned long long ticks = 0;
  if (!(file >> recorded_pid >> ticks) || recorded_pid != pid || ticks == 0) return false;
  return ticks != ipc::process_start_ticks(pid);
}

}  // namespace

Result<PrivateDir> PrivateDir::create(const fs::path& parent) {
  std::string pattern =
      (parent_or_tmp(parent) / (std::string(kPrivateDirPrefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Error{"cannot create a private folder " + pattern + ": " + std::strerror(errno)};
  }
  PrivateDir dir{fs::path(pattern)};
  std::ofstream file(dir.path_ / kLauncherFile);
  file << ::getpid() << ' ' << ipc::process_start_ticks(::getpid()) << '\n';
  file.close();
  if (!file) return Error{"cannot write " + (dir.path_ / kLauncherFile).string()};
  return dir;
}

PrivateDir::PrivateDir(PrivateDir&& other) noexcept : path_(std::exchange(other.path_, fs::path())) {}

PrivateDir& PrivateDir::operator=(PrivateDir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, fs::path());
  }
  return *this;
}

PrivateDir::~PrivateDir() { remove(); }

void PrivateDir::remove() {
  if (path_.empty()) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
  path_.clear();
}

PrivateDirSweep sweep_stale_private_dirs(const fs::path& parent) {
  PrivateDirSweep report;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent_or_tmp(parent), error)) {
    const std::string name = entry.path().filename().string();
    const pid_t pid = creator_pid(name);
    if (pid <= 0) continue;
    struct stat info {};
    if (::lstat(entry.path().c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) continue;
    if (creator_is_gone(entry.path(), pid)) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
      report.removed.push_back(entry.path());
    } else {
      report.kept.push_back(entry.path());
    }
  }
  return report;
}

}  // namespace pipescale::engine

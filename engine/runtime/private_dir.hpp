#pragma once
// A run's private temporary folder, `<tmp>/pipescale-<launcher pid>-XXXXXX` (mode 0700, made by
// mkdtemp): the copy of the effective config that the role processes read, and the gRPC
// transport's Unix sockets. Nothing in it is shared with another run, and the results folder is
// never read by the roles. The launcher removes it at the end (also after Ctrl-C or SIGTERM); a
// launcher killed outright leaves it behind, and the next run sweeps it away as it sweeps stale
// segments: the folder's name carries the creator's pid, and its `launcher` file that process's
// start time, so a live run's folder is never taken for a dead one's, even when a pid is reused.
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace pipescale::engine {

inline constexpr const char* kPrivateDirPrefix = "pipescale-";

class PrivateDir {
 public:
  // Under `parent` (empty: the system's temporary folder, $TMPDIR or /tmp).
  static Result<PrivateDir> create(const std::filesystem::path& parent = {});

  PrivateDir(PrivateDir&& other) noexcept;
  PrivateDir& operator=(PrivateDir&& other) noexcept;
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  ~PrivateDir();

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Removes the folder and everything in it now.
  void remove();

 private:
  explicit PrivateDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

struct PrivateDirSweep {
  std::vector<std::filesystem::path> removed;  // their creator is gone
  std::vector<std::filesystem::path> kept;     // their creator lives, or cannot be told
};

// Removes this user's private run folders under `parent` whose creating launcher is gone (or
// whose pid another process now has). Folders of live launchers, and names it did not make, stay.
PrivateDirSweep sweep_stale_private_dirs(const std::filesystem::path& parent = {});

}  // namespace pipescale::engine

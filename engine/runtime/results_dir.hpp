#pragma once
// Claiming a results folder so that no two runs ever share one. A default name
// (`runs/<prefix><timestamp>`) that exists gets a suffix (`-2`, `-3`, ...); the folder is made
// with mkdir(2), which fails when the name exists, so two runs started in the same second each
// get their own. An explicit folder (`--out`) is made when missing, taken when it exists and is
// empty, and refused (exit status 2) when it holds anything: a run never writes over another's.
#include <filesystem>
#include <optional>
#include <string>

namespace pipescale::engine {

struct ClaimedDir {
  std::filesystem::path path;  // absolute
  bool created = false;        // this run made the folder (an empty one given by --out was not)
};

struct DirRefusal {
  std::string message;
  bool bad_input = false;  // the folder given is in use (exit 2), rather than a system error (exit 3)
};

struct ClaimOutcome {
  std::optional<ClaimedDir> dir;
  DirRefusal refusal;
};

// `out` empty: runs/<prefix><local time as YYYYmmdd-HHMMSS>[-N] under the working directory.
ClaimOutcome claim_results_dir(const std::filesystem::path& out, const std::string& prefix);

// The folder as it was before this run claimed it: removed when the run made it, emptied when it
// was given empty. For a run stopped before it measured anything.
void release_results_dir(const ClaimedDir& dir);

}  // namespace pipescale::engine

#pragma once
// manifest.json: where a results folder comes from. The build (version, git commit and whether
// the tree had changes, compiler, build type), the invocation (command line, the SHA-256 of the
// effective config.toml), the machine (host_facts.hpp, its topology as a SHA-256 digest), and the
// run's start and end times. `pipescale compare` reads two of them back and warns when the runs
// come from different machines or builds. engine/runtime/README.md lists every key.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "engine/runtime/results.hpp"

namespace pipescale::engine {

// Lower-case hex SHA-256 of `data` (what `sha256sum` prints).
std::string sha256_hex(std::string_view data);
// This process's command line, as /proc/self/cmdline holds it.
std::vector<std::string> own_command_line();
// "2026-12-03T14:05:09.123Z"
std::string utc_timestamp(std::chrono::system_clock::time_point time);

// Writes `record.dir`/manifest.json; the run ends now.
Status write_manifest(const RunRecord& record);

// The facts compare looks at, read back from a folder's manifest.json.
struct ManifestFacts {
  std::string host_name;
  std::string cpu_model;
  std::string topology_sha256;
  std::string version;
  std::string commit;  // empty: not built from a checkout
  bool dirty = false;
  std::string compiler;
  std::string build_type;
};

// nullopt when the folder has no manifest.json (one written before it existed); an Error when it
// is there but not readable as one.
Result<std::optional<ManifestFacts>> read_manifest(const std::filesystem::path& dir);
// One line per difference of machine or build between A and B; empty when they match or when
// either has no manifest.
std::vector<std::string> manifest_warnings(const std::optional<ManifestFacts>& a,
                                           const std::optional<ManifestFacts>& b);

}  // namespace pipescale::engine

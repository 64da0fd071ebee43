#pragma once
// What this binary was built from: recorded at build time by cmake/BuildInfo.cmake (the git
// commit is read at every build, so it is right after a commit without a reconfigure).
#include <string_view>

namespace pipescale::engine {

struct BuildInfo {
  std::string_view version;     // the project's version (CMakeLists.txt)
  std::string_view commit;      // the checkout's HEAD; empty when not built from a git checkout
  bool dirty;                   // tracked files differed from that commit
  std::string_view compiler;    // "GNU 12.2.0"
  std::string_view build_type;  // "Release", "Debug", ...
};

const BuildInfo& build_info();

}  // namespace pipescale::engine

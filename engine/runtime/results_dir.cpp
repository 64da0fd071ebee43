#include "engine/runtime/results_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace pipescale::engine {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxSuffix = 1000;

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local);
  return text;
}

ClaimOutcome refused(std::string message, bool bad_input) { return {std::nullopt, {std::move(message), bad_input}}; }

ClaimOutcome claimed(const fs::path& dir, bool created) {
  std::error_code error;
  fs::path absolute = fs::absolute(dir, error);
  if (error) return refused("cannot resolve results folder " + dir.string() + ": " + error.message(), false);
  return {ClaimedDir{absolute.lexically_normal(), created}, {}};
}

// Makes the parents, then the folder itself with mkdir(2): EEXIST means another run has it.
int make_dir(const fs::path& dir, std::error_code& error) {
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), error);
  if (error) return -1;
  if (::mkdir(dir.c_str(), 0755) == 0) return 0;
  return errno;
}

ClaimOutcome claim_default(const std::string& prefix) {
  const fs::path base = fs::path("runs") / (prefix + timestamp());
  for (int n = 1; n <= kMaxSuffix; ++n) {
    const fs::path dir = n == 1 ? base : fs::path(base.string() + "-" + std::to_string(n));
    std::error_code error;
    const int made = make_dir(dir, error);
    if (error) return refused("cannot create results folder " + dir.string() + ": " + error.message(), false);
    if (made == 0) return claimed(dir, true);
    if (made != EEXIST)
      return refused("cannot create results folder " + dir.string() + ": " + std::strerror(made), false);
  }
  return refused("cannot create results folder " + base.string() + ": " + std::to_string(kMaxSuffix) +
                     " folders of that name exist already",
                 false);
}

ClaimOutcome claim_given(const fs::path& dir) {
  std::error_code error;
  const int made = make_dir(dir, error);
  if (error) return refused("cannot create results folder " + dir.string() + ": " + error.message(), false);
  if (made == 0) return claimed(dir, true);
  if (made != EEXIST)
    return refused("cannot create results folder " + dir.string() + ": " + std::strerror(made), false);
  if (!fs::is_directory(dir, error)) {
    return refused("--out " + dir.string() + ": exists and is not a folder; give a new or empty folder", true);
  }
  if (!fs::is_empty(dir, error) || error) {
    return refused("--out " + dir.string() +
                       ": the folder exists and is not empty (results of another run?); give a new or empty folder",
                   true);
  }
  return claimed(dir, false);
}

}  // namespace

ClaimOutcome claim_results_dir(const fs::path& out, const std::string& prefix) {
  return out.empty() ? claim_default(prefix) : claim_given(out);
}

void release_results_dir(const ClaimedDir& dir) {
  std::error_code ignored;
  if (dir.created) {
    fs::remove_all(dir.path, ignored);
    return;
  }
  for (const auto& entry : fs::directory_iterator(dir.path, ignored)) fs::remove_all(entry.path(), ignored);
}

}  // namespace pipescale::engine

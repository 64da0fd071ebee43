#include "engine/runtime/private_dir.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <gtest/gtest.h>

#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

namespace fs = std::filesystem;

bool contains(const std::vector<fs::path>& paths, const fs::path& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

// A pid that no process has any more: a child's, once reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(PrivateDirTest, IsA0700FolderNamedForItsCreatorAndGoesWithItsHandle) {
  test::ScratchDir parent("pipescale-private-test");
  fs::path path;
  {
    auto dir = PrivateDir::create(parent.path());
    ASSERT_TRUE(dir.ok()) << dir.error().message;
    path = dir->path();
    EXPECT_EQ(path.filename().string().rfind("pipescale-" + std::to_string(::getpid()) + "-", 0), 0u) << path;
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    test::write_text(path / "config.toml", "x");
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(PrivateDirTest, SweepRemovesTheFolderOfADeadLauncherAndKeepsALiveOnes) {
  test::ScratchDir parent("pipescale-private-test");
  const fs::path stale = parent.path() / ("pipescale-" + std::to_string(dead_pid()) + "-AbC123");
  test::write_text(stale / "worker0.0.sock", "");
  auto live = PrivateDir::create(parent.path());
  ASSERT_TRUE(live.ok());

  const PrivateDirSweep sweep = sweep_stale_private_dirs(parent.path());
  EXPECT_TRUE(contains(sweep.removed, stale));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(contains(sweep.kept, live->path()));
  EXPECT_TRUE(fs::exists(live->path()));
}

TEST(PrivateDirTest, SweepRemovesAFolderWhosePidAnotherProcessNowHas) {
  test::ScratchDir parent("pipescale-private-test");
  // Named for this (live) process, but recorded with another start time: the pid was reused.
  const fs::path reused = parent.path() / ("pipescale-" + std::to_string(::getpid()) + "-XyZ789");
  test::write_text(reused / "launcher", std::to_string(::getpid()) + " 1\n");
  const PrivateDirSweep sweep = sweep_stale_private_dirs(parent.path());
  EXPECT_TRUE(contains(sweep.removed, reused));
  EXPECT_FALSE(fs::exists(reused));
}

TEST(PrivateDirTest, SweepLeavesNamesItDoesNotMake) {
  test::ScratchDir parent("pipescale-private-test");
  const std::string dead = std::to_string(dead_pid());
  for (const std::string& name :
       std::vector<std::string>{"pipescale-it-AbC123", "pipescale-" + dead, "pipescale-" + dead + "-toolong1",
                                "pipescale-x" + dead + "-AbC123"}) {
    fs::create_directory(parent.path() / name);
  }
  const PrivateDirSweep sweep = sweep_stale_private_dirs(parent.path());
  EXPECT_TRUE(sweep.removed.empty());
  EXPECT_EQ(std::distance(fs::directory_iterator(parent.path()), fs::directory_iterator()), 4);
}

}  // namespace
}  // namespace pipescale::engine

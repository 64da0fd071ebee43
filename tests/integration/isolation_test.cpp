// Faults a run must survive, through the pipescale binary (label `faults`, engine/runtime/README.md
// "What survives what"): two runs started in one folder in the same second, SIGTERM and SIGINT in
// the first milliseconds, a second Ctrl-C, a launcher killed outright. Each run is a second or two.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/binary_support.hpp"

namespace {

using pipescale::test::between;
using pipescale::test::count;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::wait_for_progress;
using pipescale::test::write_text;
namespace fs = std::filesystem;

// What a run of launcher `pid` may leave: its segments and its private temporary folders.
std::vector<std::string> leftovers_of(pid_t pid) {
  std::vector<std::string> found;
  std::error_code error;
  const std::string segment = "pipescale." + std::to_string(pid) + ".";
  for (const auto& entry : fs::directory_iterator("/dev/shm", error)) {
    if (entry.path().filename().string().rfind(segment, 0) == 0) found.push_back(entry.path().string());
  }
  const std::string folder = "pipescale-" + std::to_string(pid) + "-";
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), error)) {
    if (entry.path().filename().string().rfind(folder, 0) == 0) found.push_back(entry.path().string());
  }
  return found;
}

bool gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

class IsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    dir_ = scratch_.path();
    write_text(dir_ / "fast.csv", "batch_size,latency_ms\n1,2\n8,4\n16,6\n");
    write_text(dir_ / "slow.csv", "batch_size,latency_ms\n1,20\n4,30\n8,40\n");
  }

  // A two-stage pipeline at a steady `rate` requests/s for `duration_s`.
  fs::path config(const std::string& name, int rate, int duration_s, const std::string& transport = "shm") const {
    write_text(dir_ / (name + ".csv"), "time_s,rate_rps\n0," + std::to_string(rate) + "\n");
    write_text(dir_ / (name + ".toml"),
               "[run]\nduration_s = " + std::to_string(duration_s) + "\nseed = 5\nslo_ms = 200\ntransport = \"" +
                   transport + "\"\n[client]\ntrace_path = \"" + name +
                   ".csv\"\n[scheduler]\ninterval_ms = 200\n"
                   "[[stages]]\nname = \"first\"\nprofile_path = \"fast.csv\"\nworkers_min = 1\nworkers_max = 2\n"
                   "[[stages]]\nname = \"second\"\nprofile_path = \"slow.csv\"\nworkers_min = 1\nworkers_max = 2\n");
    return dir_ / (name + ".toml");
  }

  std::unique_ptr<Pipescale> start(const std::vector<std::string>& args) {
    return std::make_unique<Pipescale>(dir_, args);
  }

  pipescale::test::ScratchDir scratch_{"pipescale-faults"};  // removed unless the test failed
  fs::path dir_;
};

// The default folder's name for a time, as the launcher makes it.
std::string default_name(std::time_t at) {
  std::tm local{};
  localtime_r(&at, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local);
  return text;
}

TEST_F(IsolationTest, TwoRunsStartedInOneFolderInTheSameSecondGetTwoFoldersEachWithItsOwnConfig) {
  // Every second's plain name is taken already, as by an earlier run: both runs must take a
  // suffixed name, at the same time, and never write into another's folder.
  const std::time_t now = std::time(nullptr);
  for (std::time_t t = now; t < now + 30; ++t) fs::create_directories(dir_ / "runs" / default_name(t));
  const fs::path slow = config("slow_load", 100, 2);
  const fs::path busy = config("busy_load", 400, 2);
  const fs::path previous = fs::current_path();
  fs::current_path(dir_);  // the children start in it: runs/ is theirs
  auto a = start({"run", slow.string(), "--quiet"});
  auto b = start({"run", busy.string(), "--quiet"});
  fs::current_path(previous);
  ASSERT_EQ(a->wait(std::chrono::seconds(60)), 0) << a->err();
  ASSERT_EQ(b->wait(std::chrono::seconds(60)), 0) << b->err();

  std::vector<fs::path> made;
  for (const auto& entry : fs::directory_iterator(dir_ / "runs")) {
    if (fs::is_empty(entry.path())) continue;  // the names taken before
    made.push_back(entry.path());
    EXPECT_NE(entry.path().filename().string().find('-', 9), std::string::npos) << entry.path();  // suffixed
  }
  ASSERT_EQ(made.size(), 2U);
  for (const fs::path& run : made) {
    const std::string config_text = read_text(run / "config.toml");
    const std::string summary = read_text(run / "summary.json");
    const bool is_slow = config_text.find("slow_load.csv") != std::string::npos;
    EXPECT_NE(is_slow, config_text.find("busy_load.csv") != std::string::npos) << config_text;
    // Its roles ran its own config: about 200 requests in 2 s at 100/s, about 800 at 400/s.
    const std::uint64_t sent = count(summary, "sent");
    if (is_slow) {
      EXPECT_LT(sent, 400U) << run;
    } else {
      EXPECT_GT(sent, 500U) << run;
    }
  }
  EXPECT_NE(read_text(made[0] / "config.toml"), read_text(made[1] / "config.toml"));
}

TEST_F(IsolationTest, AnOutFolderThatIsNotEmptyIsRefusedWithNothingStarted) {
  write_text(dir_ / "used" / "summary.json", "{\"sent\": 1}");
  Pipescale run(dir_, {"run", config("load", 100, 2).string(), "--out", (dir_ / "used").string(), "--quiet"});
  EXPECT_EQ(run.wait(std::chrono::seconds(30)), 2);
  EXPECT_NE(run.err().find("is not empty"), std::string::npos) << run.err();
  EXPECT_EQ(read_text(dir_ / "used" / "summary.json"), "{\"sent\": 1}");
  EXPECT_TRUE(leftovers_of(run.pid()).empty());
}

// SIGTERM (or SIGINT) so many milliseconds after the launcher starts: status 143 (130), a message,
// and nothing left: no segment, no temporary folder, no results folder.
void expect_clean_stop(Pipescale& run, const fs::path& out, int sig, int after_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
  run.signal(sig);
  const int expected = 128 + sig;
  EXPECT_EQ(run.wait(std::chrono::seconds(60)), expected) << after_ms << " ms: " << run.err();
  if (run.signaled()) {
    // The signal came while the dynamic loader was still mapping libraries, before pipescale's
    // first instruction: nothing can have been made then.
    ::testing::Test::RecordProperty("before_first_instruction_ms_" + std::to_string(after_ms), 1);
  } else {
    EXPECT_NE(run.err().find(sig == SIGTERM ? "SIGTERM" : "SIGINT"), std::string::npos) << after_ms << " ms";
  }
  EXPECT_TRUE(leftovers_of(run.pid()).empty()) << after_ms << " ms";
  // The folder is gone, or, stopped once the run was under way, written and marked interrupted.
  if (fs::exists(out)) {
    EXPECT_NE(read_text(out / "summary.json").find("\"interrupted\": true"), std::string::npos) << after_ms << " ms";
  }
}

TEST_F(IsolationTest, SigtermInTheFirstMillisecondsLeavesNothingBehind) {
  const fs::path file = config("load", 100, 30);
  for (const int after_ms : {5, 20, 50, 100}) {
    const fs::path out = dir_ / ("term-" + std::to_string(after_ms));
    Pipescale run(dir_, {"run", file.string(), "--out", out.string(), "--quiet"});
    expect_clean_stop(run, out, SIGTERM, after_ms);
  }
}

TEST_F(IsolationTest, SigintInTheFirstMillisecondsLeavesNothingBehind) {
  const fs::path out = dir_ / "int";
  Pipescale run(dir_, {"run", config("load", 100, 30).string(), "--out", out.string(), "--quiet"});
  expect_clean_stop(run, out, SIGINT, 50);
}

TEST_F(IsolationTest, ASecondSigintStopsAtOnceAndStillWritesWhatIsKnown) {
  const fs::path out = dir_ / "run";
  Pipescale run(dir_, {"run", config("load", 150, 60).string(), "--out", out.string()});
  ASSERT_TRUE(wait_for_progress(run)) << run.err();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  run.signal(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  run.signal(SIGINT);
  const auto stopped = std::chrono::steady_clock::now();
  EXPECT_EQ(run.wait(std::chrono::seconds(30)), 130) << run.err();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::seconds(5));
  EXPECT_NE(run.err().find("stopping at once"), std::string::npos) << run.err();
  const std::string summary = read_text(out / "summary.json");
  EXPECT_NE(summary.find("\"interrupted\": true"), std::string::npos) << summary;
  const std::uint64_t sent = count(summary, "sent");
  EXPECT_GT(sent, 0U);
  EXPECT_EQ(sent, count(summary, "completed") + count(summary, "dropped") + count(summary, "failed")) << summary;
  EXPECT_TRUE(leftovers_of(run.pid()).empty());
}

TEST_F(IsolationTest, AKilledLauncherTakesItsRolesAlongAndTheNextRunSweepsWhatItLeft) {
  const fs::path out = dir_ / "killed";
  Pipescale killed(dir_, {"run", config("load", 100, 60, "grpc").string(), "--out", out.string()});
  ASSERT_TRUE(wait_for_progress(killed)) << killed.err();
  const std::string placement = read_text(out / "placement.json");
  std::vector<pid_t> roles;
  for (std::size_t at = placement.find("\"pid\": "); at != std::string::npos;
       at = placement.find("\"pid\": ", at + 1)) {
    roles.push_back(std::stoi(between(placement, "\"pid\": ", ',', at)));
  }
  ASSERT_EQ(roles.size(), 8U) << placement;  // client, scheduler, 2 Frontends, 4 Workers
  killed.signal(SIGKILL);
  EXPECT_EQ(killed.wait(std::chrono::seconds(10)), 128 + SIGKILL);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (const pid_t role : roles) {
    while (!gone(role) && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(gone(role)) << "role pid " << role << " outlived its launcher";
  }
  const std::vector<std::string> left = leftovers_of(killed.pid());
  EXPECT_EQ(left.size(), 2U);  // its segment and its private folder (config, gRPC sockets)

  Pipescale next(dir_, {"run", config("next", 100, 1).string(), "--out", (dir_ / "next").string(), "--quiet"});
  EXPECT_EQ(next.wait(std::chrono::seconds(60)), 0) << next.err();
  EXPECT_TRUE(leftovers_of(killed.pid()).empty());
  EXPECT_TRUE(leftovers_of(next.pid()).empty());
}

}  // namespace

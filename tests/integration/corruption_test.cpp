// Corruption of a live run's shared memory, as a stray write would leave it: 4 KiB of random bytes
// written over a region of the segment while the run goes on (what `dd if=/dev/urandom
// of=/dev/shm/<segment> bs=4096 count=1 seek=K conv=notrunc` does), at seeded offsets in each
// kind of region: a ring's control block and data, the Client's statistics block, the segment's
// header and directory. Whatever is hit, the launcher never crashes, never writes an impossible
// summary unmarked, cleans up, and exits non-zero with a message when data was lost.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ipc/segment/segment_layout.hpp"
#include "tests/integration/binary_support.hpp"

namespace {

using pipescale::test::count;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::segments_in_dev_shm;
using pipescale::test::write_text;
namespace fs = std::filesystem;
namespace ipc = pipescale::ipc;

constexpr std::uint64_t kPage = 4096;

// The segment a launcher created: "pipescale.<pid>.<run id>" in /dev/shm.
std::optional<std::string> segment_of(pid_t launcher) {
  const std::string prefix = "pipescale." + std::to_string(launcher) + ".";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < give_up) {
    for (const std::string& name : segments_in_dev_shm()) {
      if (name.rfind(prefix, 0) == 0) return name;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

struct Span {
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
};

// Where a region lies, from the segment's own directory, read before anything is overwritten.
std::optional<Span> find_region(const std::string& segment, const std::string& region) {
  const int fd = ::open(("/dev/shm/" + segment).c_str(), O_RDONLY);
  if (fd < 0) return std::nullopt;
  ipc::SegmentHeader header;
  std::optional<Span> found;
  if (::pread(fd, &header, sizeof header, 0) == static_cast<ssize_t>(sizeof header)) {
    for (std::uint32_t i = 0; i < header.directory_count && i < header.directory_capacity; ++i) {
      ipc::DirectoryEntry entry{};
      const auto at = static_cast<off_t>(sizeof header + i * sizeof entry);
      if (::pread(fd, &entry, sizeof entry, at) != static_cast<ssize_t>(sizeof entry)) break;
      if (std::strncmp(entry.name, region.c_str(), ipc::kRegionNameBytes) == 0) found = Span{entry.offset, entry.bytes};
    }
  }
  ::close(fd);
  return found;
}

// 4 KiB of seeded random bytes at `offset`, as dd with conv=notrunc writes them.
bool scribble(const std::string& segment, std::uint64_t offset, std::mt19937_64& rng) {
  std::vector<std::uint64_t> bytes(kPage / sizeof(std::uint64_t));
  for (std::uint64_t& word : bytes) word = rng();
  const int fd = ::open(("/dev/shm/" + segment).c_str(), O_WRONLY);
  if (fd < 0) return false;
  const bool written = ::pwrite(fd, bytes.data(), kPage, static_cast<off_t>(offset)) == static_cast<ssize_t>(kPage);
  ::close(fd);
  return written;
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    dir_ = scratch_.path();
    write_text(dir_ / "fast.csv", "batch_size,latency_ms\n1,2\n8,4\n16,6\n");
    write_text(dir_ / "steady.csv", "time_s,rate_rps\n0,150\n");
    write_text(dir_ / "small.toml",
               "[run]\nduration_s = 3\nseed = 5\nslo_ms = 200\n[client]\ntrace_path = \"steady.csv\"\n"
               "[scheduler]\ninterval_ms = 200\n[[stages]]\nname = \"only\"\nprofile_path = \"fast.csv\"\n"
               "workers_min = 1\nworkers_max = 2\n");
  }

  // Runs the small pipeline, and once it sends, overwrites 4 KiB at each of `pages` (page numbers
  // within `region`, or within the segment when `region` is empty), 300 ms apart. Then checks
  // what every corrupted run must show.
  void corrupt_and_check(const std::string& region, const std::vector<std::uint64_t>& pages, std::uint64_t seed) {
    const fs::path out = dir_ / ("run-" + (region.empty() ? std::string("header") : region));
    Pipescale run(dir_, {"run", (dir_ / "small.toml").string(), "--out", out.string()});
    const auto segment = segment_of(run.pid());
    ASSERT_TRUE(segment.has_value()) << run.err();
    ASSERT_TRUE(pipescale::test::wait_for_progress(run)) << run.err();
    Span span{0, kPage * 2};
    if (!region.empty()) {
      const auto found = find_region(*segment, region);
      ASSERT_TRUE(found.has_value()) << "no region " << region;
      span = *found;
    }
    std::mt19937_64 rng(seed);
    for (const std::uint64_t page : pages) {
      const std::uint64_t offset = span.offset + std::min(page * kPage, (span.bytes - 1) / kPage * kPage);
      ASSERT_TRUE(scribble(*segment, offset, rng));
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    const int status = run.wait(std::chrono::seconds(40));
    const std::string err = run.err();
    // Never a crash (a signal gives 128 + its number) nor a hang (-1).
    EXPECT_TRUE(status == 0 || status == 1 || status == 4) << "exit " << status << "\n" << err;
    const std::string summary = read_text(out / "summary.json");
    ASSERT_FALSE(summary.empty()) << err;
    const bool valid = summary.find("\"valid\": true") != std::string::npos;
    const std::uint64_t sent = count(summary, "sent");
    const std::uint64_t accounted = count(summary, "completed") + count(summary, "dropped") + count(summary, "failed");
    if (valid) {
      EXPECT_LE(accounted, sent) << summary;  // a summary that says valid holds possible figures
      EXPECT_LE(count(summary, "completed_within_slo"), count(summary, "completed")) << summary;
    } else {
      EXPECT_NE(status, 0) << "an invalid summary must fail the run\n" << summary;
      EXPECT_NE(err.find("figure check"), std::string::npos) << err;
    }
    if (err.find("data loss") != std::string::npos) {
      EXPECT_NE(status, 0) << err;
    }
    EXPECT_EQ(segments_in_dev_shm().count(*segment), 0U) << "left " << *segment;
  }

  pipescale::test::ScratchDir scratch_{"pipescale-corrupt"};  // removed unless the test failed
  fs::path dir_;
};

// The request ring from the Client to the Frontend: its control block (page 0: head, tail,
// counters), then records in its data area.
TEST_F(CorruptionTest, ARingsControlBlockAndRecords) { corrupt_and_check("client-frontend0.req", {0, 1, 3}, 11); }

// The Frontend's answers to the Client: the response ring.
TEST_F(CorruptionTest, AResponseRing) { corrupt_and_check("client-frontend0.rsp", {0, 2}, 12); }

// The Client's statistics block: its totals (sent, completed, ...), histograms and rows.
TEST_F(CorruptionTest, TheClientsStatisticsBlock) { corrupt_and_check("stats.client", {0, 1, 2}, 13); }

// The segment's header and directory (page 0 and 1): a launcher that believed them would follow
// random offsets at shutdown.
TEST_F(CorruptionTest, TheSegmentHeaderAndDirectory) { corrupt_and_check("", {0, 1}, 14); }

}  // namespace

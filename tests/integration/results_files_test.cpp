// What every results folder carries besides the figures, through the binary on the simulator twin
// (a few tenths of a second): manifest.json naming the commit the binary was built from, and the
// TensorBoard event file holding timeseries.csv's values.
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/runtime/tensorboard_events.hpp"
#include "tensorboard_event.pb.h"
#include "tests/integration/binary_support.hpp"
#include "tests/support/scratch_dir.hpp"

#ifndef PIPESCALE_SOURCE_DIR
#error "PIPESCALE_SOURCE_DIR must name the source tree"
#endif

namespace {

namespace fs = std::filesystem;
using pipescale::engine::masked_crc32c;
using pipescale::test::Pipescale;
using pipescale::test::read_text;

// The output of a shell command, its last line break removed; empty when it fails.
std::string command_output(const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (::pclose(pipe) != 0) return "";
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::uint64_t little_endian(const std::string& bytes, std::size_t at, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}

class ResultsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(scratch_.ok());
    const fs::path config = fs::path(PIPESCALE_SOURCE_DIR) / "configs" / "default.toml";
    Pipescale pipescale(scratch_.path(),
                        {"simulate", config.string(), "--quiet", "--duration-s", "20", "--out", run_dir_.string()});
    ASSERT_EQ(pipescale.wait(std::chrono::seconds(60)), 0) << pipescale.err();
  }

  pipescale::test::ScratchDir scratch_{"pipescale-files"};
  fs::path run_dir_ = scratch_.path() / "run";
};

TEST_F(ResultsFilesTest, TheManifestNamesTheCommitOfTheCheckoutTheBinaryWasBuiltFrom) {
  const auto manifest = nlohmann::json::parse(read_text(run_dir_ / "manifest.json"));
  const std::string head =
      command_output("git -C '" + std::string(PIPESCALE_SOURCE_DIR) + "' rev-parse HEAD 2>/dev/null");

  if (head.empty()) {
    EXPECT_TRUE(manifest["pipescale"]["commit"].is_null()) << "not a checkout, yet a commit is named";
  } else {
    EXPECT_EQ(manifest["pipescale"]["commit"], head)
        << "rebuild after a commit: the binary names the commit it was built from";
  }
  EXPECT_EQ(manifest["mode"], "simulate");
  EXPECT_EQ(manifest["command_line"][1], "simulate");
  EXPECT_EQ(manifest["config_sha256"].get<std::string>().size(), 64u);
  EXPECT_FALSE(manifest["host"]["name"].get<std::string>().empty());
  EXPECT_GE(manifest["host"]["cores"].get<int>(), 1);
}

TEST_F(ResultsFilesTest, TheTensorboardRecordsCarryTimeseriesValuesWithValidChecksums) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(run_dir_ / "tensorboard")) files.push_back(entry.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename().string().rfind("events.out.tfevents.", 0), 0u);
  const std::string bytes = read_text(files[0]);
  std::vector<pipescale::tensorboard::Event> events;
  for (std::size_t at = 0; at < bytes.size();) {
    ASSERT_LE(at + 12, bytes.size());
    const std::uint64_t length = little_endian(bytes, at, 8);
    ASSERT_EQ(little_endian(bytes, at + 8, 4), masked_crc32c(bytes.substr(at, 8))) << "length CRC at " << at;
    ASSERT_LE(at + 16 + length, bytes.size());
    const std::string data = bytes.substr(at + 12, length);
    ASSERT_EQ(little_endian(bytes, at + 12 + length, 4), masked_crc32c(data)) << "data CRC at " << at;
    events.emplace_back();
    ASSERT_TRUE(events.back().ParseFromString(data));
    at += 16 + length;
  }
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");

  std::istringstream csv(read_text(run_dir_ / "timeseries.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<std::string> header;
  for (std::istringstream cells(line); std::getline(cells, line, ',');) header.push_back(line);
  std::size_t row = 0;
  std::size_t compared = 0;
  while (std::getline(csv, line)) {
    ++row;
    ASSERT_LT(row, events.size()) << "fewer events than rows";
    std::map<std::string, float> values;
    for (const auto& value : events[row].summary().value()) values[value.tag()] = value.simple_value();
    std::vector<std::string> cells;
    for (std::istringstream parts(line + ","); std::getline(parts, line, ',');) cells.push_back(line);
    ASSERT_EQ(events[row].step(), std::stoll(cells[0]));
    for (std::size_t c = 1; c < header.size(); ++c) {
      if (cells[c].empty()) continue;
      std::string tag = "pipeline/" + header[c];
      for (const std::string stage : {"preprocess", "detect", "classify"}) {  // configs/default.toml's
        if (header[c].rfind(stage + "_", 0) == 0) tag = stage + "/" + header[c].substr(stage.size() + 1);
      }
      ASSERT_TRUE(values.contains(tag)) << tag << " in second " << cells[0];
      EXPECT_EQ(values[tag], std::stof(cells[c])) << tag << " in second " << cells[0];
      ++compared;
    }
  }
  EXPECT_EQ(events.size(), row + 1);
  EXPECT_GT(compared, 200u);
}

}  // namespace

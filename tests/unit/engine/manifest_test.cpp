#include "engine/runtime/manifest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/runtime/build_info.hpp"
#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ManifestFacts facts() {
  ManifestFacts f;
  f.host_name = "box";
  f.cpu_model = "Some CPU";
  f.topology_sha256 = "abc";
  f.version = "0.1.0";
  f.commit = "1111";
  f.compiler = "GNU 12.2.0";
  f.build_type = "Release";
  return f;
}

TEST(ManifestTest, Sha256IsTheStandardDigestInLowerCaseHex) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ManifestTest, WritesUtcTimesWithMilliseconds) {
  const auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(86'400'000 + 1'234));
  EXPECT_EQ(utc_timestamp(time), "1970-01-02T00:00:01.234Z");
}

TEST(ManifestTest, ReadsThisProcesssCommandLine) {
  const std::vector<std::string> args = own_command_line();
  ASSERT_FALSE(args.empty());
  EXPECT_THAT(args[0], HasSubstr("engine_manifest_test"));
}

TEST(ManifestTest, WarnsOnceForTheMachineAndOnceForTheBuild) {
  ManifestFacts b = facts();
  b.host_name = "other";
  b.topology_sha256 = "def";
  b.commit = "2222";
  b.dirty = true;

  const std::vector<std::string> warnings = manifest_warnings(facts(), b);

  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "the runs come from different machines: host (A box, B other); topology digests differ");
  EXPECT_EQ(warnings[1], "the runs come from different builds: commit (A 1111, B 2222 with changes)");
}

TEST(ManifestTest, SaysNothingForTheSameMachineAndBuildOrAFolderWithoutAManifest) {
  EXPECT_THAT(manifest_warnings(facts(), facts()), IsEmpty());
  EXPECT_THAT(manifest_warnings(facts(), std::nullopt), IsEmpty());
}

TEST(ManifestTest, WritesAManifestThatReadsBackWithThisBuildAndTheConfigsDigest) {
  test::ScratchDir dir("pipescale-manifest");
  ASSERT_TRUE(dir.ok());
  test::write_text(dir.path() / "config.toml", "abc");
  RunRecord record;
  record.dir = dir.path();
  record.mode = "simulate";
  record.started_at = std::chrono::system_clock::now() - std::chrono::seconds(3);

  ASSERT_TRUE(write_manifest(record).ok());

  const auto json = nlohmann::json::parse(test::read_text(dir.path() / "manifest.json"));
  EXPECT_EQ(json["config_sha256"], sha256_hex("abc"));
  EXPECT_EQ(json["mode"], "simulate");
  EXPECT_EQ(json["pipescale"]["version"], std::string(build_info().version));
  EXPECT_LT(json["started"].get<std::string>(), json["ended"].get<std::string>());
  EXPECT_GE(json["host"]["pus"].get<int>(), 1);
  EXPECT_EQ(json["host"]["topology_sha256"].get<std::string>().size(), 64u);
  auto read = read_manifest(dir.path());
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->commit, std::string(build_info().commit));
  EXPECT_EQ((*read)->build_type, std::string(build_info().build_type));
}

TEST(ManifestTest, ReadsNoManifestAsNoneAndABrokenOneAsAnErrorNamingIt) {
  test::ScratchDir dir("pipescale-manifest");
  ASSERT_TRUE(dir.ok());
  auto none = read_manifest(dir.path());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  test::write_text(dir.path() / "manifest.json", "{not json");
  auto broken = read_manifest(dir.path());
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("manifest.json"));
}

}  // namespace
}  // namespace pipescale::engine

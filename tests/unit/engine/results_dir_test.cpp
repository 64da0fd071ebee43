#include "engine/runtime/results_dir.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/scratch_dir.hpp"

namespace pipescale::engine {
namespace {

namespace fs = std::filesystem;

// Runs a test inside a scratch folder, since a default name is made under the working directory.
class ResultsDirTest : public ::testing::Test {
 protected:
  ResultsDirTest() : previous_(fs::current_path()) { fs::current_path(scratch_.path()); }
  ~ResultsDirTest() override { fs::current_path(previous_); }
  test::ScratchDir scratch_{"pipescale-results-dir"};
  fs::path previous_;
};

TEST_F(ResultsDirTest, GivesTwoRunsInTheSameSecondTwoFolders) {
  const ClaimOutcome a = claim_results_dir({}, "x-");
  const ClaimOutcome b = claim_results_dir({}, "x-");
  ASSERT_TRUE(a.dir && b.dir);
  EXPECT_NE(a.dir->path, b.dir->path);
  EXPECT_TRUE(fs::is_directory(a.dir->path) && fs::is_directory(b.dir->path));
  EXPECT_TRUE(a.dir->created && b.dir->created);
  // Within one second the second name is the first's with a suffix.
  if (b.dir->path.string().rfind(a.dir->path.string(), 0) == 0) {
    EXPECT_EQ(b.dir->path.string(), a.dir->path.string() + "-2");
  }
}

TEST_F(ResultsDirTest, SuffixesADefaultNameThatExists) {
  const ClaimOutcome first = claim_results_dir({}, "y-");
  ASSERT_TRUE(first.dir);
  fs::create_directory(first.dir->path.string() + "-2");  // taken by someone else too
  const ClaimOutcome next = claim_results_dir({}, "y-");
  ASSERT_TRUE(next.dir);
  if (next.dir->path.string().rfind(first.dir->path.string(), 0) == 0) {
    EXPECT_EQ(next.dir->path.string(), first.dir->path.string() + "-3");
  }
}

TEST_F(ResultsDirTest, RefusesAGivenFolderThatIsNotEmptyAsBadInput) {
  test::write_text(scratch_.path() / "used" / "summary.json", "{}");
  const ClaimOutcome claim = claim_results_dir(scratch_.path() / "used", "");
  ASSERT_FALSE(claim.dir);
  EXPECT_TRUE(claim.refusal.bad_input);
  EXPECT_NE(claim.refusal.message.find("is not empty"), std::string::npos) << claim.refusal.message;
  EXPECT_NE(claim.refusal.message.find("used"), std::string::npos) << claim.refusal.message;
  EXPECT_TRUE(fs::exists(scratch_.path() / "used" / "summary.json"));
}

TEST_F(ResultsDirTest, RefusesAGivenPathThatIsAFile) {
  test::write_text(scratch_.path() / "file", "x");
  const ClaimOutcome claim = claim_results_dir(scratch_.path() / "file", "");
  ASSERT_FALSE(claim.dir);
  EXPECT_TRUE(claim.refusal.bad_input);
}

TEST_F(ResultsDirTest, TakesAnEmptyGivenFolderAndReleasesItEmpty) {
  fs::create_directory(scratch_.path() / "empty");
  const ClaimOutcome claim = claim_results_dir(scratch_.path() / "empty", "");
  ASSERT_TRUE(claim.dir);
  EXPECT_FALSE(claim.dir->created);
  test::write_text(claim.dir->path / "config.toml", "x");
  release_results_dir(*claim.dir);
  EXPECT_TRUE(fs::is_directory(scratch_.path() / "empty"));
  EXPECT_TRUE(fs::is_empty(scratch_.path() / "empty"));
}

TEST_F(ResultsDirTest, MakesAMissingGivenFolderAndReleasesItWhole) {
  const ClaimOutcome claim = claim_results_dir(scratch_.path() / "a" / "b", "");
  ASSERT_TRUE(claim.dir);
  EXPECT_TRUE(claim.dir->created);
  EXPECT_TRUE(claim.dir->path.is_absolute());
  test::write_text(claim.dir->path / "logs" / "client.log", "x");
  release_results_dir(*claim.dir);
  EXPECT_FALSE(fs::exists(scratch_.path() / "a" / "b"));
  EXPECT_TRUE(fs::is_directory(scratch_.path() / "a"));  // parents stay
}

}  // namespace
}  // namespace pipescale::engine

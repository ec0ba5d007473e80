// AtomicOutput: the temporary lives beside the target, commit renames, anything else removes it.
#include <fstream>

#include "test_files.hpp"
#include "tweed/core/atomic_output.hpp"

namespace tweed {
namespace {

using test::TempDir;

TEST(AtomicOutput, CommitRenamesTemporaryOntoTarget) {
  TempDir dir;
  const std::string target = dir.file("out.bin");
  std::string temp;
  {
    AtomicOutput out(target, ".nii.gz");
    temp = out.temp_path();
    EXPECT_EQ(std::filesystem::path(temp).parent_path(), dir.path());
    EXPECT_TRUE(temp.ends_with(".nii.gz"));
    EXPECT_TRUE(is_atomic_temporary(std::filesystem::path(temp).filename().string()));
    EXPECT_TRUE(std::filesystem::exists(temp));
    EXPECT_FALSE(std::filesystem::exists(target));
    std::ofstream(temp) << "payload";
    out.commit();
    EXPECT_TRUE(out.committed());
  }
  EXPECT_EQ(test::read_bytes(target), "payload");
  EXPECT_FALSE(std::filesystem::exists(temp));
}

TEST(AtomicOutput, NoCommitRemovesTemporaryAndKeepsOldTarget) {
  TempDir dir;
  const std::string target = dir.file("out.bin");
  test::write_bytes(target, "old");
  try {
    AtomicOutput out(target);
    std::ofstream(out.temp_path()) << "half";
    throw std::runtime_error("writer failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(test::read_bytes(target), "old");
  EXPECT_TRUE(dir.temporaries().empty());
}

TEST(AtomicOutput, TemporariesAreUnique) {
  TempDir dir;
  AtomicOutput a(dir.file("x")), b(dir.file("x"));
  EXPECT_NE(a.temp_path(), b.temp_path());
}

TEST(AtomicOutput, BadTargets) {
  TempDir dir;
  const std::string nofolder = dir.file("missing/x.h5");
  EXPECT_IO_ERROR(AtomicOutput{nofolder}, nofolder, "does not exist");
  EXPECT_IO_ERROR(AtomicOutput{dir.path().string()}, dir.path().string(), "folder");
  // A folder appears at the target while writing: the rename fails at commit, and the temporary
  // must still go away.
  const std::string target = dir.file("y");
  {
    AtomicOutput out(target);
    std::filesystem::create_directories(target + "/inside");
    EXPECT_IO_ERROR(out.commit(), target, "cannot move the finished file into place");
  }
  EXPECT_TRUE(dir.temporaries().empty());
}

}  // namespace
}  // namespace tweed

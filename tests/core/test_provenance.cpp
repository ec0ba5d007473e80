#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tweed/core/error.hpp"
#include "tweed/core/provenance.hpp"
#include "tweed/core/sha256.hpp"
#include "tweed/core/version.hpp"

namespace tweed {
namespace {

namespace fs = std::filesystem;

TEST(Provenance, RecordsEverythingArchitectureAsksFor) {
  const fs::path dir = fs::temp_directory_path() / "tweed_prov_test";
  fs::create_directories(dir);
  const fs::path input = dir / "in.txt";
  std::ofstream(input) << "abc";

  const char* argv[] = {"tweed", "demo", "--seed", "5"};
  Provenance p(4, argv);
  p.set_option("lambda", 0.5);
  p.set_seed("noise", 5);
  p.add_input(input.string());
  p.add_stage("solve", 1.5);
  p.add_stage("solve", 0.5);
  p.add_solver_report("cg", {{"iterations", 3}});
  p.set_metric("psnr", 30.0);
  const nlohmann::json j = p.to_json();
  EXPECT_EQ(j["tweed_version"], version());
  EXPECT_EQ(j["git_commit"], git_commit());
  EXPECT_EQ(j["command_line"].size(), 4u);
  EXPECT_EQ(j["command_line"][2], "--seed");
  EXPECT_EQ(j["options"]["lambda"], 0.5);
  EXPECT_EQ(j["seeds"]["noise"], 5);
  EXPECT_EQ(j["inputs"][0]["sha256"], sha256_file(input.string()));
  EXPECT_DOUBLE_EQ(j["stages"]["solve"].get<double>(), 2.0);
  EXPECT_EQ(j["solver_reports"]["cg"]["iterations"], 3);
  EXPECT_EQ(j["metrics"]["psnr"], 30.0);
  for (const char* key : {"host", "start_time", "end_time", "threads", "mpi_ranks", "seconds"})
    EXPECT_TRUE(j.contains(key)) << key;

  const std::string sidecar = p.write_sidecar((dir / "out.h5").string());
  EXPECT_EQ(sidecar, (dir / "out.h5.provenance.json").string());
  std::ifstream in(sidecar);
  const nlohmann::json back = nlohmann::json::parse(in);
  EXPECT_EQ(back["options"]["lambda"], 0.5);
  // Nothing but the two files: the temporary of the atomic write is gone.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 2);
  fs::remove_all(dir);
}

TEST(Provenance, AtomicWriteIntoMissingFolderFailsCleanly) {
  EXPECT_THROW(write_text_atomically("/nonexistent-folder-xyz/out.json", "{}"), IoError);
}

}  // namespace
}  // namespace tweed

// The gather of `tweed batch` (gather.hpp) on small HDF5 files written here: the stacked volume
// with its attributes and provenance, the skip of an up-to-date volume, and a failed gather
// (a failed job, a shape mismatch) that writes nothing. No process is started.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "batch_test_support.hpp"
#include "tweed/core/sha256.hpp"
#include "tweed/dist/gather.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::dist {
namespace {

using testing::Scratch;
namespace fs = std::filesystem;

/// A manifest of jobs a, b, c writing out/<id>.h5, gathering `dataset` of all of them.
Manifest three_jobs(const Scratch& dir, const std::string& dataset) {
  return parse_manifest(
      "jobs:\n"
      "  - {id: '{n}', grid: {n: [a, b, c]}, run: [x, -o, 'out/{id}.h5']}\n"
      "gather:\n  - {output: vol/v.h5, dataset: " +
          dataset + ", jobs: '*'}\n",
      dir.path("m.yaml"));
}

/// Results of the manifest's jobs, all with `status`.
std::vector<JobResult> results(const Manifest& m, JobStatus status) {
  std::vector<JobResult> out;
  for (const Job& j : m.jobs) {
    JobResult r;
    r.id = j.id;
    r.position = j.position;
    r.status = status;
    out.push_back(r);
  }
  return out;
}

/// Slice k of the test data: a 2x3 float array whose values encode k and the element index.
Array<float> slice(int k, index_t rows = 2) {
  Array<float> a(Shape{rows, 3});
  for (index_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(10 * k + i);
  return a;
}

TEST(Gather, StacksSlicesInManifestOrderWithAttributesAndProvenance) {
  Scratch dir;
  fs::create_directories(dir.path("out"));
  const char* ids[] = {"a", "b", "c"};
  for (int k = 0; k < 3; ++k)
    io::write_hdf5(dir.path(std::string("out/") + ids[k] + ".h5"), "img", slice(k), {},
                   {{"layout", std::string("y, x")}, {"spacing", 0.5 + k}});
  const Manifest m = three_jobs(dir, "img");
  std::vector<JobResult> r = results(m, JobStatus::done);
  r[1].status = JobStatus::skipped;  // skipped jobs count as finished
  std::swap(r[0], r[2]);             // any order of results

  const GatherResult g = run_gather(m, m.gathers[0], r);
  EXPECT_EQ(g.status, JobStatus::done) << g.message;
  EXPECT_EQ(g.slices, 3u);
  const io::H5Reader vol(dir.path("vol/v.h5"));
  const Array<float> v = vol.read<float>("img");
  ASSERT_EQ(v.shape(), Shape({3, 2, 3}));
  for (int k = 0; k < 3; ++k)
    for (index_t i = 0; i < 6; ++i) EXPECT_EQ(v.data()[k * 6 + i], slice(k).data()[i]);
  const io::Attributes attrs = vol.attributes("img");
  EXPECT_EQ(std::get<std::string>(attrs.at("layout")), "jobs, y, x");
  EXPECT_EQ(std::get<double>(attrs.at("spacing")), 0.5);  // the first slice's
  const auto prov = nlohmann::json::parse(vol.provenance().value());
  ASSERT_EQ(prov["slices"].size(), 3u);
  EXPECT_EQ(prov["slices"][1]["job"], "b");
  EXPECT_EQ(prov["slices"][1]["file"], "out/b.h5");
  EXPECT_EQ(prov["slices"][1]["sha256"], sha256_file(dir.path("out/b.h5")));

  // Unchanged sources: skipped, the volume untouched. A changed source: rebuilt.
  const auto written = fs::last_write_time(dir.path("vol/v.h5"));
  EXPECT_EQ(run_gather(m, m.gathers[0], r).status, JobStatus::skipped);
  EXPECT_EQ(fs::last_write_time(dir.path("vol/v.h5")), written);
  io::write_hdf5(dir.path("out/b.h5"), "img", slice(7));
  EXPECT_EQ(run_gather(m, m.gathers[0], r).status, JobStatus::done);
  EXPECT_EQ(io::read_hdf5<float>(dir.path("vol/v.h5"), "img").data()[6], 70.0f);
}

TEST(Gather, AFailedJobOrAMismatchWritesNothing) {
  Scratch dir;
  fs::create_directories(dir.path("out"));
  io::write_hdf5(dir.path("out/a.h5"), "img", slice(0));
  io::write_hdf5(dir.path("out/b.h5"), "img", slice(1, 4));  // 4x3, not 2x3
  io::write_hdf5(dir.path("out/c.h5"), "img", convert<cfloat>(slice(2)));
  const Manifest m = three_jobs(dir, "img");

  std::vector<JobResult> r = results(m, JobStatus::done);
  r[2].status = JobStatus::failed;
  GatherResult g = run_gather(m, m.gathers[0], r);
  EXPECT_EQ(g.status, JobStatus::failed);
  EXPECT_NE(g.message.find("job c failed"), std::string::npos) << g.message;
  g = run_gather(m, m.gathers[0], {r[0], r[1]});  // no result at all for c
  EXPECT_NE(g.message.find("job c failed"), std::string::npos) << g.message;

  g = run_gather(m, m.gathers[0], results(m, JobStatus::done));
  EXPECT_EQ(g.status, JobStatus::failed);
  EXPECT_NE(g.message.find("out/b.h5: dataset 'img' is [4, 3] float32 but out/a.h5 has [2, 3]"),
            std::string::npos)
      << g.message;
  io::write_hdf5(dir.path("out/b.h5"), "img", slice(1));
  g = run_gather(m, m.gathers[0], results(m, JobStatus::done));
  EXPECT_NE(g.message.find("out/c.h5: dataset 'img' is [2, 3] complex64"), std::string::npos)
      << g.message;
  io::write_hdf5(dir.path("out/c.h5"), "other", slice(2));
  g = run_gather(m, m.gathers[0], results(m, JobStatus::done));
  EXPECT_EQ(g.status, JobStatus::failed);
  EXPECT_NE(g.message.find("out/c.h5"), std::string::npos) << g.message;
  EXPECT_NE(g.message.find("img"), std::string::npos) << g.message;
  EXPECT_FALSE(fs::exists(dir.path("vol/v.h5")));
}

}  // namespace
}  // namespace tweed::dist

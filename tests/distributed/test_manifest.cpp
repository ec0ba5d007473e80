// Manifest parsing and expansion of `tweed batch`: forms of jobs and steps, templates over
// inputs and grids, ids, outputs, costs and order, and one clear error per mistake.
#include <gtest/gtest.h>

#include "batch_test_support.hpp"
#include "tweed/core/error.hpp"
#include "tweed/dist/manifest.hpp"

namespace tweed::dist {
namespace {

using testing::Scratch;

/// The error message of parsing `text` as manifest `path` (fails the test if it parses).
std::string parse_error(const std::string& text, const std::string& path = "/data/m.yaml") {
  try {
    parse_manifest(text, path);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  ADD_FAILURE() << "manifest parsed but should not:\n" << text;
  return "";
}

TEST(Manifest, ListsStringsStepsAndDefaultIds) {
  const Manifest m = parse_manifest(R"(
jobs:
  - [mri, simulate, --matrix, 64, -o, out/s1.h5]
  - mri simulate --matrix 32 --output out/s2.h5
  - id: two-steps
    steps:
      - [mri, simulate, -o, out/s3.h5]
      - [mri, recon, out/s3.h5, --output=out/r3.h5]
    outputs: [out/extra.png, out/s3.h5]
    cost: 12.5
)",
                                    "/data/m.yaml");
  EXPECT_EQ(m.folder, "/data");
  ASSERT_EQ(m.jobs.size(), 3u);
  EXPECT_EQ(m.jobs[0].id, "job-001");
  EXPECT_EQ(m.jobs[1].id, "job-002");
  EXPECT_EQ(m.jobs[2].id, "two-steps");
  EXPECT_EQ(m.jobs[0].steps,
            std::vector<Argv>({{"mri", "simulate", "--matrix", "64", "-o", "out/s1.h5"}}));
  EXPECT_EQ(m.jobs[1].steps,
            std::vector<Argv>({{"mri", "simulate", "--matrix", "32", "--output", "out/s2.h5"}}));
  EXPECT_EQ(m.jobs[1].outputs, std::vector<std::string>({"out/s2.h5"}));
  ASSERT_EQ(m.jobs[2].steps.size(), 2u);
  EXPECT_EQ(m.jobs[2].outputs,
            std::vector<std::string>({"out/s3.h5", "out/r3.h5", "out/extra.png"}));
  EXPECT_FALSE(m.jobs[0].cost.has_value());
  EXPECT_DOUBLE_EQ(m.jobs[2].cost.value(), 12.5);
  for (std::size_t i = 0; i < m.jobs.size(); ++i) EXPECT_EQ(m.jobs[i].position, i);
  EXPECT_EQ(m.sha256.size(), 64u);
}

TEST(Manifest, JsonAndTopLevelListMeanTheSame) {
  const Manifest y = parse_manifest("- [ct, simulate, --size, 64, -o, a.h5]\n", "/d/m.yml");
  const Manifest j =
      parse_manifest(R"({"jobs": [["ct", "simulate", "--size", 64, "-o", "a.h5"]]})", "/d/m.json");
  ASSERT_EQ(y.jobs.size(), 1u);
  ASSERT_EQ(j.jobs.size(), 1u);
  EXPECT_EQ(y.jobs[0].steps, j.jobs[0].steps);
  EXPECT_EQ(y.jobs[0].id, j.jobs[0].id);
}

TEST(Manifest, GridIsACartesianProductWithTheLastKeyFastest) {
  const Manifest m = parse_manifest(R"(
jobs:
  - id: "sim-c{coils}-r{acc}"
    grid: {coils: [4, 8], acc: [2, 3, 4]}
    run: [mri, simulate, --coils, "{coils}", --acceleration, "{acc}", -o, "out/{id}.h5"]
    cost: "{coils}"
)",
                                    "/d/m.yaml");
  ASSERT_EQ(m.jobs.size(), 6u);
  const std::vector<std::string> ids = {"sim-c4-r2", "sim-c4-r3", "sim-c4-r4",
                                        "sim-c8-r2", "sim-c8-r3", "sim-c8-r4"};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(m.jobs[i].id, ids[i]);
    EXPECT_EQ(m.jobs[i].outputs, std::vector<std::string>({"out/" + ids[i] + ".h5"}));
  }
  EXPECT_EQ(m.jobs[4].steps[0][3], "8");
  EXPECT_EQ(m.jobs[4].steps[0][5], "3");
  EXPECT_DOUBLE_EQ(m.jobs[5].cost.value(), 8.0);
}

TEST(Manifest, InputsExpandGlobsSortedRelativeToTheManifest) {
  Scratch s;
  s.write("data/b.h5", "bb");
  s.write("data/a.h5", "a");
  s.write("data/c.txt", "c");
  const std::string path = s.write("m.yaml", R"(
jobs:
  - id: "rec-{stem}"
    inputs: ["data/*.h5", extra/listed.nii.gz]
    run: [mri, recon, "{input}", -o, "out/{stem}_r.h5", --tag, "{name}/{index}", "{{literal}}"]
)");
  const Manifest m = read_manifest(path);
  ASSERT_EQ(m.jobs.size(), 3u);
  EXPECT_EQ(m.jobs[0].id, "rec-a");
  EXPECT_EQ(m.jobs[1].id, "rec-b");
  EXPECT_EQ(m.jobs[2].id, "rec-listed.nii");
  EXPECT_EQ(m.jobs[0].steps[0], Argv({"mri", "recon", "data/a.h5", "-o", "out/a_r.h5", "--tag",
                                      "a.h5/0", "{literal}"}));
  EXPECT_EQ(m.jobs[2].steps[0][2], "extra/listed.nii.gz");
  EXPECT_EQ(m.jobs[2].steps[0][6], "listed.nii.gz/2");
}

TEST(Manifest, MistakesNameTheFileTheJobAndTheKey) {
  std::string e = parse_error("jobs:\n  - id: a\n    run: [mri]\n    cots: 3\n");
  EXPECT_NE(e.find("/data/m.yaml"), std::string::npos) << e;
  EXPECT_NE(e.find("jobs[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'cots'"), std::string::npos) << e;

  e = parse_error("jobs: [[mri]]\nthreads: 3\n");
  EXPECT_NE(e.find("unknown key 'threads'"), std::string::npos) << e;
  e = parse_error("jobs: []\n");
  EXPECT_NE(e.find("no jobs"), std::string::npos) << e;
  e = parse_error("jobs:\n  - id: a\n    run: [mri, simulate, -o, \"{stem}.h5\"]\n");
  EXPECT_NE(e.find("unknown placeholder '{stem}'"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {id: a, run: [x]}\n  - {id: a, run: [y]}\n");
  EXPECT_NE(e.find("used twice"), std::string::npos) << e;
  e = parse_error(
      "jobs:\n  - {id: a, run: [x, -o, out/r.h5]}\n  - {id: b, run: [y, -o, out/../out/r.h5]}\n");
  EXPECT_NE(e.find("output 'out/../out/r.h5' is also written by job 'a'"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {id: a/b, run: [x]}\n");
  EXPECT_NE(e.find("may only hold"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {id: a, run: [x], steps: [[y]]}\n");
  EXPECT_NE(e.find("exactly one of 'run'"), std::string::npos) << e;
  e = parse_error("jobs:\n  - [--threads, 2, batch, other.yaml]\n");
  EXPECT_NE(e.find("cannot run 'tweed batch'"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {run: [x], cost: -1}\n");
  EXPECT_NE(e.find("non-negative"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {run: [x], inputs: []}\n");
  EXPECT_NE(e.find("empty list of inputs"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {run: [x], inputs: [\"nothing/*.h5\"]}\n");
  EXPECT_NE(e.find("matches no file"), std::string::npos) << e;
  e = parse_error("jobs:\n  - {run: [x, \"{a\"]}\n");
  EXPECT_NE(e.find("unbalanced"), std::string::npos) << e;
  e = parse_error("jobs: [[mri, [nested]]]\n");
  EXPECT_NE(e.find("expected a scalar"), std::string::npos) << e;
  e = parse_error("jobs: [\n", "/data/m.yaml");
  EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
  e = parse_error("{\"jobs\": [", "/data/m.json");
  EXPECT_NE(e.find("malformed JSON"), std::string::npos) << e;
  e = parse_error("jobs: [[x]]\n", "/data/m.txt");
  EXPECT_NE(e.find(".yaml, .yml or .json"), std::string::npos) << e;
}

TEST(Manifest, MissingFileIsAnIoError) {
  EXPECT_THROW(read_manifest("/nonexistent/m.yaml"), IoError);
}

TEST(Manifest, OutputOptionsAndInputFiles) {
  EXPECT_EQ(output_options({"a", "-o", "x.h5", "--output", "y.h5", "--output=z.h5", "-o"}),
            std::vector<std::string>({"x.h5", "y.h5", "z.h5"}));
  Scratch s;
  s.write("in.h5", "1234");
  s.write("mask.h5", "12");
  s.write("out/s.h5", "from an earlier run");
  Job job;
  job.steps = {{"mri", "simulate", "-o", "out/s.h5"},
               {"mri", "recon", "out/s.h5", "in.h5", "--mask=mask.h5", "in.h5", "-o", "out/r.h5"}};
  job.outputs = {"out/s.h5", "out/r.h5"};
  // out/s.h5 exists but is an output: the job makes it, so it is not an input.
  EXPECT_EQ(input_files(job, s.path()), std::vector<std::string>({"in.h5", "mask.h5"}));

  // A DICOM-like folder and a BART base name are inputs; the folder holding the outputs, the
  // manifest's folder and a BART output are not.
  s.write("series/1.dcm", "slice");
  s.write("kspace.cfl", "data");
  s.write("kspace.hdr", "# Dimensions");
  Job more;
  more.steps = {{"ct", "simulate", "--image", "series", "-o", "out/s.h5", "--tag", "out"},
                {"mri", "recon", "kspace", "--dir=.", s.path(), "-o", "maps"}};
  more.outputs = {"out/s.h5", "maps"};
  EXPECT_EQ(input_files(more, s.path()),
            std::vector<std::string>({"series", "kspace.cfl", "kspace.hdr"}));
}

TEST(Manifest, LargestFirstByCostOrInputSizeTiesInManifestOrder) {
  Scratch s;
  s.write("small.h5", std::string(10, 'x'));
  s.write("big.h5", std::string(1000, 'x'));
  std::vector<Job> jobs(5);
  jobs[0].steps = {{"recon", "small.h5"}};
  jobs[1].steps = {{"recon", "big.h5"}};
  jobs[2].steps = {{"simulate"}};  // no input: cost 0
  jobs[3].steps = {{"simulate"}};
  jobs[4].steps = {{"recon", "small.h5"}};
  jobs[4].cost = 500;
  EXPECT_EQ(largest_first(jobs, s.path()), std::vector<std::size_t>({1, 4, 0, 2, 3}));
  s.write("series/a.dcm", std::string(400, 'x'));
  s.write("series/b.dcm", std::string(400, 'x'));
  jobs[3].steps = {{"ct", "simulate", "--image", "series"}};  // a folder weighs its files
  EXPECT_EQ(largest_first(jobs, s.path()), std::vector<std::size_t>({1, 3, 4, 0, 2}));
}

TEST(Manifest, JobJsonRoundTrip) {
  Job job;
  job.id = "x";
  job.steps = {{"a", "b"}, {"c"}};
  job.outputs = {"o.h5"};
  job.cost = 3;
  job.position = 7;
  const Job back = job_from_json(job_to_json(job));
  EXPECT_EQ(back.id, job.id);
  EXPECT_EQ(back.steps, job.steps);
  EXPECT_EQ(back.outputs, job.outputs);
  EXPECT_EQ(back.cost, job.cost);
  EXPECT_EQ(back.position, job.position);
}

// The `gather` list: globs or lists of ids in manifest order, the default source (the first
// output of the last step) or a `file` template, and one error per mistake.
constexpr const char* kGatherJobs = R"(
jobs:
  - id: "recon-{n}"
    grid: {n: [1, 2, 3]}
    steps:
      - [mri, simulate, -o, "out/{id}-k.h5"]
      - [mri, recon, "out/{id}-k.h5", -o, "out/{id}.h5", -o, "out/{id}.png"]
  - id: other
    run: [ct, simulate, -o, out/s.h5]
)";

TEST(Manifest, GatherMatchesJobsByGlobOrIdsInManifestOrder) {
  const Manifest m = parse_manifest(std::string(kGatherJobs) + R"(
gather:
  - {output: vol/image.h5, dataset: image, jobs: "recon-*"}
  - output: vol/mixed.h5
    dataset: magnitude
    jobs: [other, recon-2]
  - {output: vol/k.hdf5, dataset: kspace, jobs: "recon-[13]", file: "out/{id}-k.h5"}
)",
                                    "/data/m.yaml");
  ASSERT_EQ(m.gathers.size(), 3u);
  EXPECT_EQ(m.gathers[0].output, "vol/image.h5");
  EXPECT_EQ(m.gathers[0].dataset, "image");
  EXPECT_EQ(m.gathers[0].jobs, std::vector<std::size_t>({0, 1, 2}));
  EXPECT_EQ(m.gathers[0].sources,
            std::vector<std::string>({"out/recon-1.h5", "out/recon-2.h5", "out/recon-3.h5"}));
  EXPECT_EQ(m.gathers[1].jobs, std::vector<std::size_t>({1, 3}));  // manifest order, not listed
  EXPECT_EQ(m.gathers[1].sources, std::vector<std::string>({"out/recon-2.h5", "out/s.h5"}));
  EXPECT_EQ(m.gathers[2].jobs, std::vector<std::size_t>({0, 2}));
  EXPECT_EQ(m.gathers[2].sources,
            std::vector<std::string>({"out/recon-1-k.h5", "out/recon-3-k.h5"}));
  // A bare list of jobs has no gather.
  EXPECT_TRUE(parse_manifest("- [ct, simulate, -o, a.h5]\n", "/d/m.yaml").gathers.empty());
  EXPECT_TRUE(parse_manifest(kGatherJobs, "/d/m.yaml").gathers.empty());
}

TEST(Manifest, GatherMistakesNameTheManifestAndTheEntry) {
  auto error_of = [](const std::string& gather) {
    const std::string e = parse_error(std::string(kGatherJobs) + "gather:\n" + gather);
    EXPECT_NE(e.find("/data/m.yaml"), std::string::npos) << e;
    return e;
  };
  std::string e = error_of("  - {output: v.h5, dataset: image, jobs: 'recon-*', axis: 1}\n");
  EXPECT_NE(e.find("gather[0] (output 'v.h5')"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'axis'"), std::string::npos) << e;
  e = error_of(
      "  - {output: v.h5, dataset: image, jobs: 'recon-*'}\n"
      "  - {output: w.h5, dataset: image, jobs: 'mri-*'}\n");
  EXPECT_NE(e.find("gather[1] (output 'w.h5')"), std::string::npos) << e;
  EXPECT_NE(e.find("'mri-*' matches no job"), std::string::npos) << e;
  e = error_of("  - {output: v.h5, dataset: image, jobs: [recon-1, recon-9]}\n");
  EXPECT_NE(e.find("'recon-9' matches no job"), std::string::npos) << e;
  e = error_of("  - {output: out/./recon-2.h5, dataset: image, jobs: 'recon-*'}\n");
  EXPECT_NE(e.find("output of job 'recon-2'"), std::string::npos) << e;
  e = error_of(
      "  - {output: v.h5, dataset: a, jobs: other}\n  - {output: v.h5, dataset: b, "
      "jobs: other}\n");
  EXPECT_NE(e.find("also written by another gather"), std::string::npos) << e;
  e = error_of("  - {output: v.h5, jobs: other}\n");
  EXPECT_NE(e.find("no 'dataset'"), std::string::npos) << e;
  e = error_of("  - {output: v.png, dataset: a, jobs: other}\n");
  EXPECT_NE(e.find(".h5 or .hdf5"), std::string::npos) << e;
  e = error_of("  - {output: v.h5, dataset: a, jobs: 'recon-*', file: 'out/x{id}.h5'}\n");
  EXPECT_NE(e.find("'out/xrecon-1.h5' is not an output of job 'recon-1'"), std::string::npos) << e;
  e = error_of("  - {output: v.h5, dataset: a, jobs: 'recon-1', file: 'out/recon-1.png'}\n");
  EXPECT_NE(e.find("not an HDF5 file"), std::string::npos) << e;
  e = error_of("  {output: v.h5}\n");
  EXPECT_NE(e.find("'gather' must be a list"), std::string::npos) << e;
}

}  // namespace
}  // namespace tweed::dist

// Resume of `tweed batch`: what changes a job's fingerprint, and when a rerun may skip a job.
#include <gtest/gtest.h>

#include "batch_test_support.hpp"
#include "tweed/core/error.hpp"
#include "tweed/dist/job_state.hpp"

namespace tweed::dist {
namespace {

using testing::Scratch;

Job recon_job() {
  Job job;
  job.id = "rec";
  job.steps = {{"mri", "recon", "in.h5", "-o", "out/r.h5"}};
  job.outputs = {"out/r.h5"};
  return job;
}

TEST(Fingerprint, DependsOnArgumentsAndInputContentNotOnOutputs) {
  Scratch s;
  s.write("in.h5", "first");
  const Job job = recon_job();
  const std::string f = job_fingerprint(job, s.path());
  EXPECT_EQ(f.size(), 64u);
  EXPECT_EQ(job_fingerprint(job, s.path()), f) << "deterministic";

  s.write("out/r.h5", "an output appearing does not change it");
  EXPECT_EQ(job_fingerprint(job, s.path()), f);

  Job other = job;
  other.steps[0].push_back("--iters");
  other.steps[0].push_back("5");
  EXPECT_NE(job_fingerprint(other, s.path()), f);

  s.write("in.h5", "second");
  EXPECT_NE(job_fingerprint(job, s.path()), f);

  // Splitting arguments differently is a different job, even with the same characters.
  Job a = job, b = job;
  a.steps = {{"ab", "c"}};
  b.steps = {{"a", "bc"}};
  EXPECT_NE(job_fingerprint(a, s.path()), job_fingerprint(b, s.path()));
  b.steps = {{"ab"}, {"c"}};
  EXPECT_NE(job_fingerprint(a, s.path()), job_fingerprint(b, s.path()));
}

TEST(Resume, SkipsOnlyAFinishedJobWithMatchingFingerprintAndOutputs) {
  Scratch s;
  const std::string state = s.path("state");
  s.write("in.h5", "input");
  const Job job = recon_job();
  const std::string f = job_fingerprint(job, s.path());

  ResumeCheck c = check_resume(job, s.path(), state, f);
  EXPECT_FALSE(c.skip);
  EXPECT_NE(c.reason.find("no record"), std::string::npos);

  s.write("out/r.h5", "result");
  nlohmann::ordered_json metrics;
  metrics["PSNR"] = 31.5;
  write_record(state, make_record(job, s.path(), f, 1, 2.5, metrics));
  c = check_resume(job, s.path(), state, f);
  EXPECT_TRUE(c.skip) << c.reason;
  EXPECT_DOUBLE_EQ(c.metrics["PSNR"].get<double>(), 31.5);
  const std::optional<JobRecord> r = read_record(state, "rec");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rank, 1);
  EXPECT_EQ(r->outputs.size(), 1u);

  c = check_resume(job, s.path(), state, std::string(64, '0'));
  EXPECT_FALSE(c.skip);
  EXPECT_NE(c.reason.find("changed"), std::string::npos);

  s.write("out/r.h5", "resulT");  // same size, other content
  c = check_resume(job, s.path(), state, f);
  EXPECT_FALSE(c.skip);
  EXPECT_NE(c.reason.find("out/r.h5 changed"), std::string::npos) << c.reason;

  std::filesystem::remove(s.path("out/r.h5"));
  c = check_resume(job, s.path(), state, f);
  EXPECT_FALSE(c.skip);
  EXPECT_NE(c.reason.find("missing"), std::string::npos) << c.reason;

  s.write("out/r.h5", "result");
  EXPECT_TRUE(check_resume(job, s.path(), state, f).skip);
  Job more = job;
  more.outputs.push_back("out/extra.png");
  s.write("out/extra.png", "png");
  c = check_resume(more, s.path(), state, f);
  EXPECT_FALSE(c.skip) << "an output not in the record";

  s.write("state/jobs/rec.json", "{ truncated");
  EXPECT_FALSE(read_record(state, "rec").has_value());
  EXPECT_FALSE(check_resume(job, s.path(), state, f).skip);
}

TEST(Resume, MakeRecordRefusesAMissingOutput) {
  Scratch s;
  EXPECT_THROW(make_record(recon_job(), s.path(), std::string(64, 'a'), 0, 0, {}), IoError);
}

TEST(Resume, BartBaseNamesStandForTheirTwoFiles) {
  Scratch s;
  EXPECT_TRUE(output_files("out/maps", s.path()).empty());
  s.write("out/maps.cfl", "data");
  EXPECT_TRUE(output_files("out/maps", s.path()).empty()) << "the header is missing";
  s.write("out/maps.hdr", "# Dimensions");
  EXPECT_EQ(output_files("out/maps", s.path()),
            std::vector<std::string>({"out/maps.cfl", "out/maps.hdr"}));
  s.write("out/r.h5", "x");
  EXPECT_EQ(output_files("out/r.h5", s.path()), std::vector<std::string>({"out/r.h5"}));
}

TEST(Resume, AnOutputFolderStandsForTheFilesInIt) {
  Scratch s;
  s.write("study/table.csv", "a,b");
  s.write("study/plots/p1.png", "png");
  s.write("study/.p2.png.tweedtmp-9-0", "half");
  EXPECT_EQ(output_files("study", s.path()),
            std::vector<std::string>({"study/plots/p1.png", "study/table.csv"}));
  Job job;
  job.id = "study";
  job.steps = {{"gw", "study", "-o", "study"}};
  job.outputs = {"study"};
  const std::string state = s.path("state");
  const std::string f = job_fingerprint(job, s.path());
  write_record(state, make_record(job, s.path(), f, 0, 1, {}));
  EXPECT_TRUE(check_resume(job, s.path(), state, f).skip);
  s.write("study/table.csv", "a,c");
  EXPECT_FALSE(check_resume(job, s.path(), state, f).skip);
  EXPECT_EQ(remove_stale_temporaries(job, s.path()), 1);
}

TEST(Resume, RemovesOnlyStaleTemporariesOfTheJobsOutputs) {
  Scratch s;
  s.write("out/.r.h5.tweedtmp-123-0", "half");
  s.write("out/.r.h5.provenance.json.tweedtmp-123-1", "half");
  s.write("out/.other.h5.tweedtmp-123-2", "someone else's");
  s.write("out/.r.h5x.tweedtmp-123-3", "of out/r.h5x, another output");
  s.write("out/r.h5", "old complete output");
  EXPECT_EQ(remove_stale_temporaries(recon_job(), s.path()), 2);
  EXPECT_FALSE(std::filesystem::exists(s.path("out/.r.h5.tweedtmp-123-0")));
  EXPECT_TRUE(std::filesystem::exists(s.path("out/.other.h5.tweedtmp-123-2")));
  EXPECT_TRUE(std::filesystem::exists(s.path("out/.r.h5x.tweedtmp-123-3")));
  EXPECT_TRUE(std::filesystem::exists(s.path("out/r.h5")));
}

}  // namespace
}  // namespace tweed::dist

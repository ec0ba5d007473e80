// `tweed batch` on one process, with a shell script standing in for the tweed program: jobs as
// child processes (environment, threads, logs, failures, crashes), resume, the summary, and
// that a single-process batch never loads MPI. Its own executable: the last check needs a
// process in which nothing has loaded the MPI plugin.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "batch_test_support.hpp"
#include "process_maps.hpp"
#include "tweed/core/error.hpp"
#include "tweed/dist/batch.hpp"
#include "tweed/dist/child_process.hpp"
#include "tweed/dist/job_execution.hpp"

namespace tweed::dist {
namespace {

using testing::Scratch;

using test::mapped;

RunSettings settings_in(const Scratch& s) {
  RunSettings r;
  r.folder = s.path();
  r.state = s.path("state");
  r.executable = testing::write_fake_tweed(s);
  r.threads = 3;
  r.rank = 0;
  return r;
}

Job make_job(const std::string& id, std::vector<Argv> steps, std::vector<std::string> outputs) {
  Job j;
  j.id = id;
  j.steps = std::move(steps);
  j.outputs = std::move(outputs);
  return j;
}

TEST(ChildEnvironment, DropsLauncherVariablesAndSetsThreads) {
  setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  setenv("PMIX_RANK", "1", 1);
  setenv("PMI_SIZE", "2", 1);
  setenv("OMP_NUM_THREADS", "16", 1);
  setenv("TWEED_TEST_KEEP", "yes", 1);
  const std::vector<std::string> env = child_environment(3);
  unsetenv("OMPI_COMM_WORLD_SIZE");
  unsetenv("PMIX_RANK");
  unsetenv("PMI_SIZE");
  unsetenv("OMP_NUM_THREADS");
  auto has = [&env](const std::string& e) {
    return std::find(env.begin(), env.end(), e) != env.end();
  };
  EXPECT_TRUE(has("OMP_NUM_THREADS=3"));
  EXPECT_FALSE(has("OMP_NUM_THREADS=16"));
  EXPECT_TRUE(has("TWEED_TEST_KEEP=yes"));
  for (const std::string& e : env)
    EXPECT_FALSE(is_launcher_variable(e.substr(0, e.find('=')))) << e;
  EXPECT_TRUE(is_launcher_variable("OMPI_MCA_btl"));
  EXPECT_TRUE(is_launcher_variable("PMI_RANK"));
  EXPECT_FALSE(is_launcher_variable("PATH"));
}

TEST(JobExecution, RunsStepsInOrderInTheManifestFolderAndRecordsTheJob) {
  Scratch s;
  const RunSettings r = settings_in(s);
  setenv("OMPI_COMM_WORLD_RANK", "1", 1);  // as under mpiexec: the job must not see it
  JobExecution job(make_job("two",
                            {{"write", "-o", "out/a.txt", "hello"},
                             {"copy", "out/a.txt", "-o", "out/b.txt"},
                             {"env", "-o", "out/env.txt"}},
                            {"out/a.txt", "out/b.txt", "out/env.txt"}),
                   r);
  unsetenv("OMPI_COMM_WORLD_RANK");
  const JobResult& res = job.wait();
  EXPECT_EQ(res.status, JobStatus::done) << res.message;
  EXPECT_EQ(s.read("out/b.txt"), "hello");
  const std::string env = s.read("out/env.txt");
  EXPECT_NE(env.find("OMP_NUM_THREADS=3"), std::string::npos);
  EXPECT_NE(env.find("THREADS_OPTION=3"), std::string::npos);
  EXPECT_EQ(env.find("OMPI_COMM_WORLD_RANK"), std::string::npos);
  EXPECT_NE(env.find("CWD=" + std::filesystem::canonical(s.path()).string() + "\n"),
            std::string::npos)
      << "runs in the manifest folder";
  EXPECT_DOUBLE_EQ(res.metrics.at("PSNR").get<double>(), 30.5);
  EXPECT_NE(s.read("state/logs/two.out").find("PSNR: 30.5"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(s.path("state/jobs/two.json")));
}

TEST(JobExecution, AFailingStepEndsTheJobWithItsErrorLine) {
  Scratch s;
  const RunSettings r = settings_in(s);
  JobExecution job(
      make_job("bad", {{"fail", "in.h5"}, {"write", "-o", "never.txt", "x"}}, {"never.txt"}), r);
  const JobResult& res = job.wait();
  EXPECT_EQ(res.status, JobStatus::failed);
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_EQ(res.message, "step 1 of 2: tweed: error: in.h5: broken");
  EXPECT_FALSE(std::filesystem::exists(s.path("never.txt")));
  EXPECT_FALSE(std::filesystem::exists(s.path("state/jobs/bad.json")));
}

TEST(JobExecution, ACrashIsAFailedJobNamingTheSignal) {
  Scratch s;
  JobExecution job(make_job("crash", {{"crash"}}, {}), settings_in(s));
  while (!job.poll()) {
  }
  const JobResult& res = job.result();
  EXPECT_EQ(res.status, JobStatus::failed);
  EXPECT_EQ(res.exit_code, 128 + 11);
  EXPECT_NE(res.message.find("SIGSEGV"), std::string::npos) << res.message;
}

TEST(JobExecution, AJobThatDoesNotWriteItsOutputFails) {
  Scratch s;
  JobExecution job(make_job("lazy", {{"write", "-o", "a.txt", "x"}}, {"a.txt", "b.txt"}),
                   settings_in(s));
  const JobResult& res = job.wait();
  EXPECT_EQ(res.status, JobStatus::failed);
  EXPECT_NE(res.message.find("b.txt"), std::string::npos) << res.message;
}

TEST(Batch, AloneRunsAllJobsResumesAndNeverLoadsMpi) {
  Scratch s;
  s.write("in.txt", "input");
  const std::string manifest = s.write("m.yaml", R"(
jobs:
  - id: "w{i}"
    grid: {i: [1, 2, 3]}
    run: [write, -o, "out/w{i}.txt", "text {i}"]
  - id: broken
    run: [fail, in.txt]
  - id: copy
    run: [copy, in.txt, -o, out/copy.txt]
)");
  BatchOptions o;
  o.manifest = manifest;
  o.executable = testing::write_fake_tweed(s);
  o.threads_per_rank = 1;
  o.summary = s.path("summary-copy.json");
  EXPECT_EQ(run_batch(o), kBatchPartlyFailed);
  EXPECT_EQ(s.read("out/w2.txt"), "text 2");
  EXPECT_EQ(s.read("out/copy.txt"), "input");

  nlohmann::json summary = nlohmann::json::parse(s.read("m.batch/summary.json"));
  EXPECT_EQ(summary, nlohmann::json::parse(s.read("summary-copy.json")));
  EXPECT_EQ(summary["ranks"], 1);
  EXPECT_EQ(summary["threads_per_rank"], 1);
  EXPECT_EQ(summary["exit_code"], kBatchPartlyFailed);
  EXPECT_EQ(summary["manifest_sha256"].get<std::string>().size(), 64u);
  ASSERT_EQ(summary["jobs"].size(), 5u);
  EXPECT_EQ(summary["jobs"][0]["id"], "w1") << "manifest order";
  EXPECT_EQ(summary["jobs"][3]["id"], "broken");
  EXPECT_EQ(summary["jobs"][3]["status"], "failed");
  EXPECT_EQ(summary["jobs"][3]["message"], "tweed: error: in.txt: broken");
  EXPECT_EQ(summary["jobs"][0]["status"], "done");
  EXPECT_EQ(summary["counts"]["done"], 4);

  // Rerun: finished jobs are skipped, the failed one runs again, an edited output reruns its job.
  s.write("out/w3.txt", "edited by hand");
  s.write("out/.w1.txt.tweedtmp-999-0", "left by a killed run");
  EXPECT_EQ(run_batch(o), kBatchPartlyFailed);
  summary = nlohmann::json::parse(s.read("m.batch/summary.json"));
  EXPECT_EQ(summary["jobs"][0]["status"], "skipped");
  EXPECT_EQ(summary["jobs"][1]["status"], "skipped");
  EXPECT_EQ(summary["jobs"][2]["status"], "done");
  EXPECT_EQ(summary["jobs"][3]["status"], "failed");
  EXPECT_EQ(summary["jobs"][4]["status"], "skipped");
  EXPECT_EQ(s.read("out/w3.txt"), "text 3");
  EXPECT_TRUE(std::filesystem::exists(s.path("out/.w1.txt.tweedtmp-999-0")))
      << "a skipped job's folder is left alone";

  // Fixing the input of the failed job: it runs, everything else is skipped, exit code 0.
  s.write("m.yaml", s.read("m.yaml").replace(s.read("m.yaml").find("run: [fail, in.txt]"), 19,
                                             "run: [write, -o, out/fixed.txt, ok]"));
  EXPECT_EQ(run_batch(o), 0);
  summary = nlohmann::json::parse(s.read("m.batch/summary.json"));
  EXPECT_EQ(summary["counts"]["skipped"], 4);
  EXPECT_EQ(summary["counts"]["done"], 1);

  EXPECT_FALSE(mapped("libmpi")) << "a single-process batch must not load MPI";
  EXPECT_FALSE(mapped("libtweed_dist_mpi"));
}

TEST(Batch, DryRunSaysWhatWouldRunAndTouchesNothing) {
  Scratch s;
  BatchOptions o;
  o.manifest = s.write("m.yaml", R"(
jobs:
  - {id: small, run: [write, -o, out/a.txt, x]}
  - {id: big, run: [copy, big.txt, -o, out/b.txt]}
)");
  s.write("big.txt", std::string(100, 'x'));
  o.executable = testing::write_fake_tweed(s);
  o.dry_run = true;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_batch(o), 0);
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("big    run    no record"), std::string::npos) << out;
  EXPECT_LT(out.find("big "), out.find("small ")) << "largest first";
  EXPECT_NE(out.find("2 jobs: 2 would run, 0 would be skipped"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(s.path("m.batch"))) << "a dry run writes nothing";
  EXPECT_FALSE(std::filesystem::exists(s.path("out")));

  o.dry_run = false;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_batch(o), 0);
  ::testing::internal::GetCapturedStdout();
  s.write("big.txt", std::string(100, 'y'));
  o.dry_run = true;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_batch(o), 0);
  out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("small  skip"), std::string::npos) << out;
  EXPECT_NE(out.find("big    run    its options or inputs changed"), std::string::npos) << out;
}

TEST(Batch, ABadManifestIsAnErrorBeforeAnyJobRuns) {
  Scratch s;
  BatchOptions o;
  o.manifest = s.write("m.yaml", "jobs:\n  - {run: [write, -o, a.txt, x], colour: red}\n");
  o.executable = testing::write_fake_tweed(s);
  EXPECT_THROW(run_batch(o), InvalidInput);
  EXPECT_FALSE(std::filesystem::exists(s.path("a.txt")));
}

TEST(Batch, StateFolderDefaultsBesideTheManifest) {
  BatchOptions o;
  o.manifest = "/data/run/slices.yaml";
  EXPECT_EQ(state_folder(o), "/data/run/slices.batch");
  o.state = "/scratch/st/";
  EXPECT_EQ(state_folder(o), "/scratch/st/");
}

}  // namespace
}  // namespace tweed::dist

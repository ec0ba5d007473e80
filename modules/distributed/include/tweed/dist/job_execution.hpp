// One batch job on one rank: the resume check, then its steps as child processes in order, then
// its record. Non-blocking (poll) so that rank 0 can run a job while it serves the other ranks.
//
// Files: "<state>/logs/<id>.out" and ".err" receive the steps' standard output and error
// (truncated when the job starts); "<state>/jobs/<id>.json" is the record of a finished job
// (job_state.hpp). Before running, the job's old record and stale temporaries of its outputs are
// removed and its output folders are created.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tweed/dist/child_process.hpp"
#include "tweed/dist/job_result.hpp"
#include "tweed/dist/manifest.hpp"

namespace tweed::dist {

struct RunSettings {
  std::string folder;      ///< absolute manifest folder: steps run there
  std::string state;       ///< absolute state folder
  std::string executable;  ///< the tweed program the steps run
  int threads = 1;         ///< per job: --threads and OMP_NUM_THREADS of each step
  int rank = 0;
};

class JobExecution {
 public:
  /// Decides whether the job can be skipped and, if not, starts its first step. Problems that
  /// stop the job from starting (an unreadable input, a log that cannot be opened) make it a
  /// failed job, never an exception.
  JobExecution(Job job, RunSettings settings);
  ~JobExecution();
  JobExecution(const JobExecution&) = delete;
  JobExecution& operator=(const JobExecution&) = delete;

  /// Advances without blocking; true once the job has ended (then result() is final).
  bool poll();
  /// Blocks until the job has ended.
  const JobResult& wait();
  bool finished() const { return finished_; }
  const JobResult& result() const { return result_; }

 private:
  void start_step();
  void step_ended(const ChildExit& exit);
  void finish(JobStatus status, int code, std::string message);

  Job job_;
  RunSettings settings_;
  JobResult result_;
  std::string fingerprint_, out_log_, err_log_;
  std::size_t step_ = 0;
  std::unique_ptr<ChildProcess> child_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
};

/// The argv of one step as started: executable, "--threads N" (unless the step sets --threads),
/// then the step's arguments.
std::vector<std::string> step_command(const Argv& step, const std::string& executable, int threads);

}  // namespace tweed::dist

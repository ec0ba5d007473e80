// `tweed batch MANIFEST`: runs the manifest's jobs (manifest.hpp), alone or as one rank of an
// MPI launch, with resume (job_state.hpp) and a summary. docs/hpc.md is the user's guide.
//
// Alone (no MPI launcher, or `mpiexec -n 1`): the jobs run one after another, largest first, and
// MPI is never loaded. Under `mpiexec -n N` (N > 1): rank 0 hands the jobs out largest first,
// one at a time to whichever rank asks (a dynamic queue, so uneven jobs balance), and runs jobs
// itself too: its single thread polls its own job's process and the other ranks' messages in one
// loop (a 2 ms sleep when idle), so N ranks make N workers. A worker asks for a job, runs it,
// sends the result with its next request, and stops when rank 0 answers that none is left; rank
// 0 holds that answer until the last job anywhere has ended, so no rank spins in MPI_Finalize
// beside a running job. Every job runs as child processes (child_process.hpp) with
// `threads_per_rank` threads.
//
// Each rank gets the parent-death signal SIGKILL: when the launcher dies (a killed allocation,
// SIGKILL to mpiexec) the ranks and their jobs end at once, instead of finishing jobs behind the
// back of a resumed batch. Rank 0 holds an flock on "<state>/lock" for the same reason: a second
// batch on the same state folder waits up to 5 s for it, then stops with an error.
//
// At the end rank 0 builds the manifest's `gather` volumes (gather.hpp; before it releases the
// workers, so that every rank ends with the same exit code), writes "<state>/summary.json" (and
// `summary` when given; both atomically) and prints a table. A failing job is a result, not an
// error: the batch goes on.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace tweed::dist {

/// Exit code of a batch in which some jobs or gathers failed (0: every job done or skipped; 1 and 2
/// are the batch's own errors, as for every tweed command: 2 a bad manifest or option, 1 anything
/// else).
constexpr int kBatchPartlyFailed = 3;

struct BatchOptions {
  std::string manifest;
  std::string state;         ///< "" = "<manifest folder>/<manifest stem>.batch"
  std::string summary;       ///< also write the summary here ("" = only in the state folder)
  int threads_per_rank = 0;  ///< 0 = node.hpp default_threads_per_rank()
  std::string executable;    ///< the tweed program jobs run ("" = this process's executable)
  bool dry_run = false;      ///< only print which jobs would run or be skipped, and why
  /// The provenance record of the `tweed batch` command for the summary, asked for at the end
  /// (so that it holds the end time) with the ranks and threads per rank the batch used.
  std::function<nlohmann::json(int ranks, int threads_per_rank)> provenance;
};

/// The state folder the options select (absolute).
std::string state_folder(const BatchOptions& options);

/// Runs the batch on this rank; returns the exit code (0 or kBatchPartlyFailed, the same on every
/// rank). With `dry_run`, rank 0 prints the plan (job, run or skip, why) and returns 0. Throws
/// tweed::Error for a batch-level problem (bad manifest, state folder in use).
int run_batch(const BatchOptions& options);

}  // namespace tweed::dist

#include "tweed/dist/batch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/core/progress.hpp"
#include "tweed/core/provenance.hpp"
#include "tweed/dist/comm.hpp"
#include "tweed/dist/gather.hpp"
#include "tweed/dist/job_execution.hpp"
#include "tweed/dist/job_state.hpp"
#include "tweed/dist/launch.hpp"
#include "tweed/dist/manifest.hpp"
#include "tweed/dist/node.hpp"

namespace tweed::dist {
namespace {

namespace fs = std::filesystem;

// Message tags. A request carries the asking rank's last result (empty the first time); a job
// carries job_to_json; a stop carries the batch's exit code.
constexpr int kTagRequest = 1;
constexpr int kTagJob = 2;
constexpr int kTagStop = 3;

std::string manifest_folder(const std::string& manifest) {
  return fs::absolute(fs::path(manifest)).parent_path().lexically_normal().string();
}

std::string this_executable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("/proc/self/exe", "cannot find the tweed program to run jobs with");
  return exe.string();
}

/// flock on "<state>/lock", held for the life of the object.
class StateLock {
 public:
  explicit StateLock(const std::string& state) {
    const std::string path = (fs::path(state) / "lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) throw IoError(path, "cannot create the batch's lock file");
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::close(fd_);
    throw Error(state,
                "another tweed batch is using this state folder (give --state to run a "
                "second batch beside it)");
  }
  ~StateLock() { ::close(fd_); }
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

/// Rank 0's bookkeeping: results in manifest order, progress, warnings for failed jobs.
class Results {
 public:
  explicit Results(std::size_t n) : results_(n), progress_("batch", static_cast<index_t>(n)) {}
  void add(const JobResult& r) {
    if (r.status == JobStatus::failed) log::warn("batch: job {} failed: {}", r.id, r.message);
    results_.at(r.position) = r;
    progress_.advance();
  }
  std::vector<JobResult> finish() {
    progress_.finish();
    std::vector<JobResult> out;
    for (auto& r : results_)
      if (r) out.push_back(*r);
    return out;
  }

 private:
  std::vector<std::optional<JobResult>> results_;
  Progress progress_;
};

int worker(Comm& comm, const RunSettings& settings) {
  comm.send(0, kTagRequest, "");
  for (;;) {
    int source = 0, tag = 0;
    const std::string message = comm.recv_any(source, tag);
    if (tag == kTagStop) {
      comm.finalize();
      return message.empty() ? 0 : std::atoi(message.c_str());
    }
    JobExecution job(job_from_json(nlohmann::json::parse(message)), settings);
    comm.send(0, kTagRequest, result_to_json(job.wait()).dump());
  }
}

/// Rank 0 after a batch-level error: answers each worker's first request with a stop, so that
/// every rank ends cleanly and the error is reported once.
void stop_workers(Comm& comm, int code) {
  for (int stopped = 0; stopped < comm.size() - 1;) {
    int source = 0, tag = 0;
    comm.recv_any(source, tag);
    if (tag != kTagRequest) continue;
    comm.send(source, kTagStop, std::to_string(code));
    ++stopped;
  }
  comm.finalize();
}

void run_alone(const Manifest& m, const std::vector<std::size_t>& order,
               const RunSettings& settings, Results& results) {
  for (std::size_t i : order) {
    JobExecution job(m.jobs[i], settings);
    results.add(job.wait());
  }
}

/// Rank 0 under MPI: one single-threaded loop serving the other ranks and running its own jobs.
void run_rank0(Comm& comm, const Manifest& m, const std::vector<std::size_t>& order,
               const RunSettings& settings, Results& results) {
  std::size_t next = 0;
  std::vector<int> idle;  // workers told nothing yet because jobs are still running
  std::unique_ptr<JobExecution> own;
  for (;;) {
    bool active = false;
    while (const std::optional<Comm::Probe> p = comm.iprobe()) {
      active = true;
      const std::string message = comm.recv(*p);
      if (p->tag != kTagRequest) continue;
      if (!message.empty()) results.add(result_from_json(nlohmann::ordered_json::parse(message)));
      if (next < order.size())
        comm.send(p->source, kTagJob, job_to_json(m.jobs[order[next++]]).dump());
      else
        idle.push_back(p->source);
    }
    if (own && own->poll()) {
      results.add(own->result());
      own.reset();
      active = true;
    }
    if (!own && next < order.size()) {
      own = std::make_unique<JobExecution>(m.jobs[order[next++]], settings);
      active = true;
      continue;  // a job that was skipped has already ended: poll it at once
    }
    if (!own && next == order.size() && static_cast<int>(idle.size()) == comm.size() - 1) break;
    if (!active) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

/// --dry-run: what a run would do, job by job in the order it would hand them out. Reads the
/// manifest, inputs, outputs and records; writes nothing and never loads MPI.
int dry_run(const BatchOptions& options, const RunSettings& settings) {
  const Manifest m = read_manifest(options.manifest);
  std::size_t width = 3;
  for (const Job& job : m.jobs) width = std::max(width, job.id.size());
  int run = 0;
  for (std::size_t i : largest_first(m.jobs, m.folder)) {
    const Job& job = m.jobs[i];
    ResumeCheck check;
    try {
      check = check_resume(job, m.folder, settings.state, job_fingerprint(job, m.folder));
    } catch (const std::exception& e) {
      check = {false, e.what(), {}};
    }
    run += !check.skip;
    std::printf("%-*s  %-5s  %s\n", static_cast<int>(width), job.id.c_str(),
                check.skip ? "skip" : "run", check.reason.c_str());
  }
  for (const GatherSpec& g : m.gathers)
    std::printf("gather %s  %zu slices of '%s' after the jobs\n", g.output.c_str(), g.jobs.size(),
                g.dataset.c_str());
  std::printf("%zu jobs: %d would run, %zu would be skipped (state in %s)\n", m.jobs.size(), run,
              m.jobs.size() - static_cast<std::size_t>(run), settings.state.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace

std::string state_folder(const BatchOptions& o) {
  if (!o.state.empty()) return fs::absolute(fs::path(o.state)).lexically_normal().string();
  return (fs::path(manifest_folder(o.manifest)) / (fs::path(o.manifest).stem().string() + ".batch"))
      .string();
}

int run_batch(const BatchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string started = utc_now();
  const int world = launcher_world_size();
  if (world > 0) {
    // A rank whose launcher dies ends at once (see batch.hpp).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  }
  RunSettings settings;
  settings.folder = manifest_folder(options.manifest);
  settings.state = state_folder(options);
  settings.executable = options.executable.empty() ? this_executable() : options.executable;
  settings.threads =
      options.threads_per_rank > 0 ? options.threads_per_rank : default_threads_per_rank();

  if (options.dry_run) return launcher_rank() == 0 ? dry_run(options, settings) : 0;
  if (const int cores = usable_cores(); cores < settings.threads && launcher_rank() == 0) {
    // Jobs inherit the rank's binding: more threads than bound cores only take turns. (Said by
    // rank 0 only: launchers bind every rank alike.)
    log::warn(
        "batch: rank {} may run on {} core(s) but its jobs use {} threads each; the launcher "
        "binds ranks to cores (mpiexec --bind-to none or --map-by slot:PE={}, srun "
        "--cpus-per-task={})",
        launcher_rank(), cores, settings.threads, settings.threads, settings.threads);
  }

  Comm* comm = nullptr;
  if (world > 1) {
    comm = &Comm::world();
    settings.rank = comm->rank();
    if (comm->rank() != 0) return worker(*comm, settings);
  }
  const int ranks = comm ? comm->size() : 1;

  std::optional<Manifest> m;
  std::unique_ptr<StateLock> lock;
  try {
    m = read_manifest(options.manifest);
    fs::create_directories(fs::path(settings.state) / "jobs");
    fs::create_directories(fs::path(settings.state) / "logs");
    lock = std::make_unique<StateLock>(settings.state);
  } catch (const InvalidInput&) {
    if (comm) stop_workers(*comm, 2);  // every rank ends with the code tweed gives this error
    throw;
  } catch (...) {
    if (comm) stop_workers(*comm, 1);
    throw;
  }
  const std::vector<std::size_t> order = largest_first(m->jobs, m->folder);
  log::info("batch: {} jobs from {} on {} rank(s), {} thread(s) per job; state in {}",
            m->jobs.size(), options.manifest, ranks, settings.threads, settings.state);

  Results results(m->jobs.size());
  if (comm) {
    run_rank0(*comm, *m, order, settings, results);
  } else {
    run_alone(*m, order, settings, results);
  }
  const std::vector<JobResult> all = results.finish();

  int done = 0, skipped = 0, failed = 0;
  nlohmann::ordered_json jobs = nlohmann::ordered_json::array();
  for (const JobResult& r : all) {
    done += r.status == JobStatus::done;
    skipped += r.status == JobStatus::skipped;
    failed += r.status == JobStatus::failed;
    jobs.push_back(result_to_json(r));
  }
  // The volumes, on this rank only, before the workers are released: they end with the same
  // exit code, and a failed gather makes it kBatchPartlyFailed.
  std::vector<GatherResult> gathered;
  nlohmann::ordered_json gathers = nlohmann::ordered_json::array();
  int gathers_failed = 0;
  for (const GatherSpec& spec : m->gathers) {
    gathered.push_back(run_gather(*m, spec, all));
    const GatherResult& g = gathered.back();
    if (g.status == JobStatus::failed) {
      ++gathers_failed;
      log::warn("batch: gather {} failed: {}", g.output, g.message);
    }
    gathers.push_back(gather_to_json(g));
  }
  const int code = failed > 0 || gathers_failed > 0 ? kBatchPartlyFailed : 0;
  if (comm) {
    // Every job has ended: release the waiting workers with the batch's exit code.
    for (int r = 1; r < comm->size(); ++r) comm->send(r, kTagStop, std::to_string(code));
    comm->finalize();
  }

  const nlohmann::json prov =
      options.provenance ? options.provenance(ranks, settings.threads) : nlohmann::json();
  nlohmann::ordered_json summary;
  summary["manifest"] = options.manifest;
  summary["manifest_sha256"] = m->sha256;
  summary["state"] = settings.state;
  summary["ranks"] = ranks;
  summary["threads_per_rank"] = settings.threads;
  summary["options"] = {{"state", options.state},
                        {"summary", options.summary},
                        {"threads_per_rank", options.threads_per_rank}};
  summary["started"] = started;
  summary["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary["counts"] = {
      {"jobs", all.size()}, {"done", done}, {"skipped", skipped}, {"failed", failed}};
  summary["exit_code"] = code;
  summary["jobs"] = jobs;
  summary["gathers"] = gathers;
  summary["provenance"] = nlohmann::ordered_json::parse(prov.dump());
  const std::string text = summary.dump(2) + "\n";
  write_text_atomically((fs::path(settings.state) / "summary.json").string(), text);
  if (!options.summary.empty()) write_text_atomically(options.summary, text);
  std::fputs((summary_table(all) + gather_table(gathered)).c_str(), stdout);
  std::fflush(stdout);
  return code;
}

}  // namespace tweed::dist

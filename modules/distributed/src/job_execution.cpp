#include "tweed/dist/job_execution.hpp"

#include <signal.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tweed/dist/job_state.hpp"

namespace tweed::dist {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string describe_exit(const ChildExit& e, const std::string& err_log) {
  std::string line = error_line(read_text(err_log));
  if (e.signal != 0) {
    const char* name = ::sigabbrev_np(e.signal);
    std::string what = std::string("killed by signal ") + (name ? std::string("SIG") + name : "") +
                       " (" + std::to_string(e.signal) + ")";
    return line.empty() ? what : what + "; " + line;
  }
  return line.empty() ? "exit code " + std::to_string(e.code) : line;
}

}  // namespace

std::vector<std::string> step_command(const Argv& step, const std::string& executable,
                                      int threads) {
  std::vector<std::string> argv = {executable};
  bool has_threads = false;
  for (const std::string& a : step)
    if (a == "--threads" || a.rfind("--threads=", 0) == 0) has_threads = true;
  if (!has_threads) {
    argv.push_back("--threads");
    argv.push_back(std::to_string(threads));
  }
  argv.insert(argv.end(), step.begin(), step.end());
  return argv;
}

JobExecution::JobExecution(Job job, RunSettings settings)
    : job_(std::move(job)), settings_(std::move(settings)) {
  start_ = std::chrono::steady_clock::now();
  result_.id = job_.id;
  result_.position = job_.position;
  result_.rank = settings_.rank;
  result_.outputs = job_.outputs;
  const fs::path logs = fs::path(settings_.state) / "logs";
  out_log_ = (logs / (job_.id + ".out")).string();
  err_log_ = (logs / (job_.id + ".err")).string();
  result_.log = out_log_;
  try {
    fingerprint_ = job_fingerprint(job_, settings_.folder);
    const ResumeCheck check = check_resume(job_, settings_.folder, settings_.state, fingerprint_);
    if (check.skip) {
      result_.log.clear();
      result_.metrics = check.metrics;
      finish(JobStatus::skipped, 0, check.reason);
      return;
    }
    std::error_code ec;
    fs::remove(record_path(settings_.state, job_.id), ec);
    remove_stale_temporaries(job_, settings_.folder);
    for (const std::string& o : job_.outputs) {
      const fs::path p = fs::path(o).is_absolute() ? fs::path(o) : fs::path(settings_.folder) / o;
      fs::create_directories(p.parent_path());
    }
    fs::create_directories(logs);
    std::ofstream(out_log_, std::ios::trunc);
    std::ofstream(err_log_, std::ios::trunc);
    start_step();
  } catch (const std::exception& e) {
    finish(JobStatus::failed, 1, e.what());
  }
}

JobExecution::~JobExecution() = default;

void JobExecution::start_step() {
  ChildSpec spec;
  spec.executable = settings_.executable;
  spec.argv = step_command(job_.steps[step_], settings_.executable, settings_.threads);
  spec.environment = child_environment(settings_.threads);
  spec.cwd = settings_.folder;
  spec.stdout_path = out_log_;
  spec.stderr_path = err_log_;
  child_ = std::make_unique<ChildProcess>(spec);
}

void JobExecution::step_ended(const ChildExit& exit) {
  child_.reset();
  if (exit.code != 0) {
    std::string message = describe_exit(exit, err_log_);
    if (job_.steps.size() > 1)
      message = "step " + std::to_string(step_ + 1) + " of " + std::to_string(job_.steps.size()) +
                ": " + message;
    finish(JobStatus::failed, exit.code, message);
    return;
  }
  if (++step_ < job_.steps.size()) {
    start_step();
    return;
  }
  result_.metrics = parse_metrics(read_text(out_log_));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  write_record(settings_.state, make_record(job_, settings_.folder, fingerprint_, settings_.rank,
                                            seconds, result_.metrics));
  finish(JobStatus::done, 0, "");
}

bool JobExecution::poll() {
  if (finished_) return true;
  try {
    if (const std::optional<ChildExit> e = child_->poll()) step_ended(*e);
  } catch (const std::exception& e) {
    finish(JobStatus::failed, 1, e.what());
  }
  return finished_;
}

const JobResult& JobExecution::wait() {
  while (!finished_) {
    try {
      step_ended(child_->wait());
    } catch (const std::exception& e) {
      finish(JobStatus::failed, 1, e.what());
    }
  }
  return result_;
}

void JobExecution::finish(JobStatus status, int code, std::string message) {
  child_.reset();
  finished_ = true;
  result_.status = status;
  result_.exit_code = code;
  result_.message = std::move(message);
  result_.seconds =
      status == JobStatus::skipped
          ? 0
          : std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace tweed::dist

// fork + execve rather than posix_spawn: the child must set its parent-death signal
// (PR_SET_PDEATHSIG) and close the rank's other descriptors (MPI sockets) before exec, which
// posix_spawn cannot do. Between fork and exec the child calls only async-signal-safe functions
// on data prepared before the fork.
#include "tweed/dist/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tweed/core/error.hpp"

extern char** environ;

namespace tweed::dist {
namespace {

int open_log(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0)
    throw IoError(path, std::string("cannot open the job's log: ") + std::strerror(errno));
  return fd;
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

ChildExit decode(int status) {
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), WTERMSIG(status)};
  return {WEXITSTATUS(status), 0};
}

void write_all(int fd, const char* s) {
  const std::size_t n = std::strlen(s);
  if (::write(fd, s, n) < 0) return;
}

}  // namespace

ChildProcess::ChildProcess(const ChildSpec& spec) {
  const int out = open_log(spec.stdout_path);
  int err = -1;
  try {
    err = open_log(spec.stderr_path);
  } catch (...) {
    ::close(out);
    throw;
  }
  const std::vector<char*> argv = c_strings(spec.argv);
  const std::vector<char*> envp = c_strings(spec.environment);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(out);
    ::close(err);
    throw IoError(spec.executable,
                  std::string("cannot start a job: fork failed: ") + std::strerror(e));
  }
  if (pid == 0) {
    // Child: from here on, async-signal-safe calls only.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
      ::_exit(127);
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
      for (int fd = 3; fd < 4096; ++fd) ::close(fd);
    if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) {
      write_all(2, "tweed batch: error: cannot enter the manifest's folder\n");
      ::_exit(127);
    }
    ::execve(spec.executable.c_str(), argv.data(), envp.data());
    write_all(2, "tweed batch: error: cannot run ");
    write_all(2, spec.executable.c_str());
    write_all(2, "\n");
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  pid_ = pid;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

std::optional<ChildExit> ChildProcess::poll() {
  if (exit_) return exit_;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) exit_ = decode(status);
  return exit_;
}

ChildExit ChildProcess::wait() {
  while (!exit_) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_) {
      exit_ = decode(status);
    } else if (r < 0 && errno != EINTR) {
      exit_ = ChildExit{127, 0};  // cannot happen for our own child; do not spin
    }
  }
  return *exit_;
}

bool is_launcher_variable(const std::string& name) {
  static const char* const prefixes[] = {"OMPI_", "PMIX_",  "PMI_",  "OPAL_",  "ORTE_",
                                         "PRTE_", "HYDRA_", "MPIR_", "I_MPI_", "MPI_LOCAL"};
  for (const char* p : prefixes)
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

std::vector<std::string> child_environment(int threads) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (is_launcher_variable(name) || name == "OMP_NUM_THREADS") continue;
    env.push_back(entry);
  }
  env.push_back("OMP_NUM_THREADS=" + std::to_string(threads < 1 ? 1 : threads));
  return env;
}

}  // namespace tweed::dist

// One batch job step runs as a child process of the rank: a crash (a signal, an abort, running
// out of memory) ends that job only, and the job's files and messages are exactly those of the
// same command run by hand.
//
// The child's standard input is /dev/null; its standard output and error are appended to two log
// files. It gets the parent-death signal SIGKILL (prctl PR_SET_PDEATHSIG), so killing a batch
// (or its launcher) also ends the commands it started instead of leaving them writing outputs
// while a resumed batch runs the same jobs. Linux only.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace tweed::dist {

struct ChildSpec {
  std::string executable;                ///< absolute path
  std::vector<std::string> argv;         ///< argv[0] included
  std::vector<std::string> environment;  ///< "NAME=value" entries, the whole environment
  std::string cwd;
  std::string stdout_path, stderr_path;  ///< opened for appending (created if needed)
};

/// How a child ended: its exit code, or 128 + the signal that killed it (as shells report it).
struct ChildExit {
  int code = 0;
  int signal = 0;  ///< 0 unless killed by a signal
};

class ChildProcess {
 public:
  /// Starts the child; throws IoError naming the log file or executable when that fails.
  explicit ChildProcess(const ChildSpec& spec);
  ~ChildProcess();  ///< kills and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// The exit, if the child has ended (never blocks).
  std::optional<ChildExit> poll();
  /// Waits for the child to end.
  ChildExit wait();

 private:
  pid_t pid_ = -1;
  std::optional<ChildExit> exit_;
};

/// True for the variables through which an MPI launcher tells a process it is a rank (Open MPI,
/// PMIx, PMI/Hydra, Intel MPI): a child must not see them, or it would believe it is a rank.
bool is_launcher_variable(const std::string& name);

/// This process's environment without launcher variables, with OMP_NUM_THREADS=`threads`.
std::vector<std::string> child_environment(int threads);

}  // namespace tweed::dist

// MPI_COMM_WORLD as the batch runner uses it: byte-string messages between ranks. MPI itself is
// in the plugin libtweed_dist_mpi.so (src/mpi), loaded by the first call to Comm::world(), so a
// process that never asks (every single-process run) never loads MPI (ARCHITECTURE.md §7).
#pragma once

#include <optional>
#include <string>

namespace tweed::dist {

class Comm {
 public:
  /// Loads the MPI plugin and initialises MPI once per process. Throws Unsupported when the
  /// plugin cannot be loaded and Error when MPI_Init fails.
  static Comm& world();

  int rank() const { return rank_; }
  int size() const { return size_; }

  void send(int dest, int tag, const std::string& message);
  struct Probe {
    int source, tag;
    long size;
  };
  /// A message waiting from any rank, without receiving it (never blocks).
  std::optional<Probe> iprobe();
  /// Receives the message `probe` found.
  std::string recv(const Probe& probe);
  /// Waits for the next message from any rank, sleeping `poll_ms` between probes instead of
  /// blocking in MPI_Recv (which spins a core in Open MPI while the rank's job needs it).
  std::string recv_any(int& source, int& tag, int poll_ms = 2);

  /// MPI_Finalize; later calls do nothing.
  void finalize();
  /// Ends every rank with `code` (MPI_Abort).
  [[noreturn]] void abort(int code);

 private:
  Comm();
  int rank_ = 0, size_ = 1;
  bool finalized_ = false;
};

}  // namespace tweed::dist

// The C interface of the MPI plugin libtweed_dist_mpi.so (ARCHITECTURE.md §7): the `tweed`
// program never links MPI; it loads this plugin only when an MPI launcher started it with more
// than one rank. Byte-string messages on MPI_COMM_WORLD are all the batch runner needs.
//
// Every function returns 0 on success, or non-zero with a message in `error` (up to
// error_size bytes, NUL-terminated). Version 1.
#pragma once

#include <cstddef>

extern "C" {

struct TweedMpiApi {
  int version;
  /// MPI_Init (threads: MPI_THREAD_SINGLE is enough, only the main thread calls MPI).
  int (*init)(int* rank, int* size, char* error, std::size_t error_size);
  int (*send)(int dest, int tag, const char* data, long size, char* error, std::size_t error_size);
  /// Non-blocking probe for a message from any source with any tag: *found = 1 and its
  /// source, tag and size when one is waiting.
  int (*iprobe)(int* found, int* source, int* tag, long* size, char* error, std::size_t error_size);
  int (*recv)(int source, int tag, char* data, long size, char* error, std::size_t error_size);
  int (*finalize)(char* error, std::size_t error_size);
  /// MPI_Abort on MPI_COMM_WORLD: ends every rank.
  void (*abort)(int code);
};

/// The plugin's one entry point: the table of functions, or null when `version` is unknown.
const TweedMpiApi* tweed_dist_mpi_api(int version);
}

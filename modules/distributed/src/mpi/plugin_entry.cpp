// libtweed_dist_mpi.so: MPI behind the C table of mpi_abi.hpp.
#include <dlfcn.h>

// The C API only: without these, mpi.h pulls in the C++ bindings of libmpi_cxx, which the plugin
// does not link (MPI::MPI_C).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdio>

#include "mpi_abi.hpp"

namespace {

int report(int rc, const char* what, char* error, std::size_t error_size) {
  if (rc == MPI_SUCCESS) return 0;
  char text[MPI_MAX_ERROR_STRING] = {0};
  int length = 0;
  MPI_Error_string(rc, text, &length);
  std::snprintf(error, error_size, "%s failed: %s", what, text);
  return 1;
}

/// Open MPI loads its components (mca_*.so) with dlopen. Builds whose components do not link
/// libmpi/libopen-pal themselves resolve those symbols from the global scope, and libmpi loaded
/// as a dependency of this plugin (opened RTLD_LOCAL by tweed::plugin_symbol) is not in it:
/// MPI_Init then fails with "undefined symbol" from a component. Re-opening libmpi with
/// RTLD_NOLOAD | RTLD_GLOBAL promotes the already loaded library and its dependencies to the
/// global scope, without naming its file (dladdr finds it from MPI_Init's address). Debian's
/// Open MPI 4.1.4 (this machine) links its components and works either way; this keeps other
/// builds working too.
void promote_libmpi() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&MPI_Init), &info) != 0 && info.dli_fname != nullptr)
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
}

int init(int* rank, int* size, char* error, std::size_t error_size) {
  promote_libmpi();
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    if (int rc = MPI_Init(nullptr, nullptr); report(rc, "MPI_Init", error, error_size)) return 1;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return 0;
}

int send(int dest, int tag, const char* data, long size, char* error, std::size_t error_size) {
  return report(MPI_Send(data, static_cast<int>(size), MPI_CHAR, dest, tag, MPI_COMM_WORLD),
                "MPI_Send", error, error_size);
}

int iprobe(int* found, int* source, int* tag, long* size, char* error, std::size_t error_size) {
  MPI_Status status;
  if (int rc = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, found, &status);
      report(rc, "MPI_Iprobe", error, error_size))
    return 1;
  if (*found) {
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    *source = status.MPI_SOURCE;
    *tag = status.MPI_TAG;
    *size = count;
  }
  return 0;
}

int recv(int source, int tag, char* data, long size, char* error, std::size_t error_size) {
  return report(MPI_Recv(data, static_cast<int>(size), MPI_CHAR, source, tag, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE),
                "MPI_Recv", error, error_size);
}

int finalize(char* error, std::size_t error_size) {
  return report(MPI_Finalize(), "MPI_Finalize", error, error_size);
}

void abort_all(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
}

const TweedMpiApi api = {1, init, send, iprobe, recv, finalize, abort_all};

}  // namespace

extern "C" __attribute__((visibility("default"))) const TweedMpiApi* tweed_dist_mpi_api(
    int version) {
  return version == 1 ? &api : nullptr;
}

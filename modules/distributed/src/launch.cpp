// The launchers' environment variables. SLURM_NTASKS is deliberately not read: sbatch sets it in
// the batch script itself, where no MPI launch has happened yet.
#include "tweed/dist/launch.hpp"

#include <cstdlib>
#include <string>

namespace tweed::dist {
namespace {

int read_positive(const char* const* names, int count) {
  for (int i = 0; i < count; ++i) {
    const char* v = std::getenv(names[i]);
    if (v == nullptr || *v == '\0') continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end != v && *end == '\0' && n >= 0 && n < (1L << 30)) return static_cast<int>(n);
  }
  return -1;
}

}  // namespace

int launcher_world_size() {
  static const char* const names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
  const int n = read_positive(names, 3);
  return n > 0 ? n : 0;
}

int launcher_rank() {
  static const char* const names[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};
  const int r = read_positive(names, 3);
  return r > 0 ? r : 0;
}

}  // namespace tweed::dist

#include "tweed/dist/node.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "tweed/dist/launch.hpp"

namespace tweed::dist {

int local_rank_count() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE"}) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (*end == '\0' && n > 0 && n < (1L << 20)) return static_cast<int>(n);
  }
  const int world = launcher_world_size();
  return world > 0 ? world : 1;
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

int default_threads_per_rank() {
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  const int threads = std::max(1, static_cast<int>(online > 0 ? online : 1) / local_rank_count());
  return std::max(1, std::min(threads, usable_cores()));
}

}  // namespace tweed::dist

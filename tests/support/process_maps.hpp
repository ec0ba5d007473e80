// Which shared libraries this test process has loaded: the checks that heavy dependencies
// (libtorch, MPI, PETSc) are loaded only on demand (ARCHITECTURE.md §7).
#pragma once

#include <fstream>
#include <string>

namespace tweed::test {

/// True when a file whose name contains `part` is mapped into this process.
inline bool mapped(const std::string& part) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace tweed::test

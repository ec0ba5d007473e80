#include <cstdlib>
#include <string>

#include "tweed/dist/petsc_options.hpp"

namespace tweed::dist {
namespace {

constexpr const char* kPrefix = "-tweed_";

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

}  // namespace

SplitArguments split_petsc_options(int argc, const char* const* argv) {
  SplitArguments out;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (i == 0 || a.rfind(kPrefix, 0) != 0 || a.size() == std::string(kPrefix).size()) {
      out.rest.push_back(a);
      continue;
    }
    if (const auto eq = a.find('='); eq != std::string::npos) {
      out.petsc.push_back(a.substr(0, eq));
      out.petsc.push_back(a.substr(eq + 1));
      continue;
    }
    out.petsc.push_back(a);
    if (i + 1 < argc && is_number(argv[i + 1])) out.petsc.emplace_back(argv[++i]);
  }
  return out;
}

std::vector<std::string> petsc_options(int argc, const char* const* argv) {
  return split_petsc_options(argc, argv).petsc;
}

}  // namespace tweed::dist

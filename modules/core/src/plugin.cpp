#include "tweed/core/plugin.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "tweed/core/error.hpp"

namespace tweed {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> search_folders() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("TWEED_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path());
    dirs.push_back(exe.parent_path().parent_path() / "lib" / "tweed");
  }
#ifdef TWEED_PLUGIN_BUILD_DIR
  dirs.emplace_back(TWEED_PLUGIN_BUILD_DIR);
#endif
  return dirs;
}

void* open_plugin(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, void*> loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(name); it != loaded.end()) return it->second;
  const std::string file = "lib" + name + ".so";
  std::string searched, last_error;
  for (const fs::path& dir : search_folders()) {
    const fs::path candidate = dir / file;
    searched += (searched.empty() ? "" : ", ") + dir.string();
    std::error_code ec;
    if (!fs::exists(candidate, ec)) continue;
    if (void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      loaded[name] = handle;
      return handle;
    }
    last_error = dlerror();
  }
  throw Unsupported(file, last_error.empty() ? "plugin not found (searched " + searched + ")"
                                             : "plugin cannot be loaded: " + last_error);
}

}  // namespace

void* plugin_symbol(const std::string& name, const std::string& symbol) {
  void* handle = open_plugin(name);
  dlerror();
  void* address = dlsym(handle, symbol.c_str());
  if (address == nullptr) throw Unsupported("lib" + name + ".so", "plugin has no symbol " + symbol);
  return address;
}

}  // namespace tweed

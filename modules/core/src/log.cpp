#include "tweed/core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <atomic>
#include <mutex>

#include "tweed/core/error.hpp"

namespace tweed::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::once_flag g_init;

void init_sink() {
  std::call_once(g_init, [] {
    auto logger = spdlog::stderr_color_mt("tweed");
    logger->set_pattern("%^[%l]%$ %v");
    spdlog::set_default_logger(logger);
  });
}

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}
}  // namespace

void set_level(Level l) {
  init_sink();
  g_level = l;
  spdlog::set_level(to_spdlog(l));
}

Level level() {
  return g_level;
}

Level parse_level(const std::string& name, const std::string& option) {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn") return Level::warn;
  if (name == "error") return Level::error;
  throw InvalidInput(option, "unknown log level '" + name + "' (debug, info, warn, error)");
}

}  // namespace tweed::log

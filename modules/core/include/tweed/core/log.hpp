// Logging to standard error through spdlog. Levels: debug, info (default), warn, error.
// `--quiet` sets warn, which also silences progress output.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace tweed::log {

enum class Level { debug, info, warn, error };

/// Sets the level for all later messages (and configures the stderr sink on first use).
void set_level(Level level);
Level level();
/// Parses "debug", "info", "warn" or "error"; throws InvalidInput naming `option` otherwise.
Level parse_level(const std::string& name, const std::string& option = "--log-level");

template <class... Args>
void debug(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::debug(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void info(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::info(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::warn(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void error(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::error(fmt, std::forward<Args>(args)...);
}

}  // namespace tweed::log

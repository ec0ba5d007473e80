// Progress of long work: a redrawn bar when standard error is a terminal, plain lines at every
// 10 % otherwise (logs of batch jobs), nothing when quiet. Thread-safe: workers may call
// advance() concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "tweed/core/types.hpp"

namespace tweed {

class Progress {
 public:
  /// `total` units of work under a short label, e.g. Progress("cg-sense", iterations).
  Progress(std::string label, index_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Records `n` more units done.
  void advance(index_t n = 1);
  /// Ends the display (also done by the destructor); `note` is appended to the last line.
  void finish(const std::string& note = "");

  /// Silences every progress display of the process (`--quiet`).
  static void set_quiet(bool quiet);
  static bool quiet();

 private:
  void draw(index_t done, bool final_line);

  std::string label_;
  index_t total_;
  std::atomic<index_t> done_{0};
  std::mutex mutex_;
  bool terminal_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace tweed

#include "tweed/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace tweed {
namespace {
std::atomic<bool> g_quiet{false};
}

void Progress::set_quiet(bool quiet) {
  g_quiet = quiet;
}
bool Progress::quiet() {
  return g_quiet;
}

Progress::Progress(std::string label, index_t total)
    : label_(std::move(label)),
      total_(total > 0 ? total : 1),
      terminal_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::advance(index_t n) {
  const index_t done = done_.fetch_add(n) + n;
  if (g_quiet) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  draw(done, false);
}

void Progress::finish(const std::string& note) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (g_quiet) return;
  draw(done_.load(), true);
  if (!note.empty()) std::fprintf(stderr, "%s: %s\n", label_.c_str(), note.c_str());
}

void Progress::draw(index_t done, bool final_line) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = std::min(1.0, double(done) / double(total_));
  if (terminal_) {
    // Redraw at most ten times a second, and always for the last line.
    if (!final_line && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    std::fprintf(stderr, "\r%s [%s] %3d%% %lld/%lld %.1fs%s", label_.c_str(), bar.c_str(),
                 static_cast<int>(fraction * 100), static_cast<long long>(done),
                 static_cast<long long>(total_), final_line ? elapsed : eta,
                 final_line ? "    \n" : " left ");
    std::fflush(stderr);
    return;
  }
  const int decile = static_cast<int>(fraction * 10);
  if (decile == last_decile_ && !final_line) return;
  if (final_line && decile == last_decile_ && decile == 10) return;
  last_decile_ = decile;
  std::fprintf(stderr, "%s: %d%% (%lld/%lld) %.1fs\n", label_.c_str(), decile * 10,
               static_cast<long long>(done), static_cast<long long>(total_), elapsed);
}

}  // namespace tweed

#include "tweed/core/atomic_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "tweed/core/error.hpp"

namespace tweed {

namespace fs = std::filesystem;

namespace {
constexpr const char* kMarker = ".tweedtmp-";
std::atomic<unsigned long> g_counter{0};
}  // namespace

AtomicOutput::AtomicOutput(std::string target, const std::string& suffix)
    : target_(std::move(target)) {
  if (target_.empty()) throw IoError("(empty path)", "no output file name given");
  const fs::path t(target_);
  if (!t.has_filename()) throw IoError(target_, "output path names a folder, not a file");
  const fs::path folder = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw IoError(target_, "folder '" + folder.string() + "' does not exist");
  if (fs::is_directory(t, ec)) throw IoError(target_, "is a folder; cannot write a file there");
  // O_EXCL makes the name ours even if another process or thread picked the same counter; the
  // loop only repeats on such a collision.
  for (int attempt = 0; attempt < 100; ++attempt) {
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
    std::string name(1, '.');
    name += t.filename().string();
    name += kMarker;
    name += std::to_string(getpid()) + "-" + std::to_string(g_counter.fetch_add(1)) + suffix;
    const std::string candidate = (t.parent_path() / name).string();
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      temp_ = candidate;
      return;
    }
    if (errno != EEXIST)
      throw IoError(target_,
                    std::string("cannot create a file in its folder: ") + std::strerror(errno));
  }
  throw IoError(target_, "cannot find a free temporary name in its folder");
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) discard();
}

void AtomicOutput::commit() {
  if (committed_) return;
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    discard();
    throw IoError(target_,
                  std::string("cannot move the finished file into place: ") + std::strerror(err));
  }
  committed_ = true;
}

void AtomicOutput::discard() noexcept {
  if (temp_.empty() || committed_) return;
  std::error_code ec;
  fs::remove(temp_, ec);
}

bool is_atomic_temporary(const std::string& filename) {
  return filename.size() > 1 && filename[0] == '.' && filename.find(kMarker) != std::string::npos;
}

}  // namespace tweed

// Helpers shared by the io tests: a scratch folder per test, checks that no temporary is left,
// and an assertion that a call throws tweed::IoError naming a given file.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "tweed/core/atomic_output.hpp"
#include "tweed/core/error.hpp"

namespace tweed::test {

namespace fs = std::filesystem;

/// A fresh folder under the system temp folder, removed with its content at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "tweed_io_" + std::to_string(getpid()) + "_" + std::to_string(n++);
    if (info) name += std::string("_") + info->name();
    for (char& c : name)
      if (c == '/') c = '_';
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

  /// Names of AtomicOutput temporaries left in the folder (should be none).
  std::vector<std::string> temporaries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_))
      if (is_atomic_temporary(e.path().filename().string()))
        out.push_back(e.path().filename().string());
    return out;
  }

 private:
  fs::path path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Keeps the first `fraction` of a file.
inline void truncate_file(const std::string& path, double fraction) {
  const auto size = fs::file_size(path);
  fs::resize_file(path, static_cast<std::uintmax_t>(static_cast<double>(size) * fraction));
}

}  // namespace tweed::test

/// Asserts that `stmt` throws tweed::IoError whose message contains `path` (and `part`).
#define EXPECT_IO_ERROR(stmt, path, part)                                                        \
  do {                                                                                           \
    try {                                                                                        \
      stmt;                                                                                      \
      ADD_FAILURE() << "expected tweed::IoError from " #stmt;                                    \
    } catch (const tweed::IoError& e_) {                                                         \
      const std::string m_ = e_.what();                                                          \
      EXPECT_NE(m_.find(path), std::string::npos) << "message lacks the path: " << m_;           \
      EXPECT_NE(m_.find(part), std::string::npos) << "message lacks '" << (part) << "': " << m_; \
      EXPECT_EQ(m_.find('\n'), std::string::npos) << "message spans lines: " << m_;              \
    } catch (const std::exception& e_) {                                                         \
      ADD_FAILURE() << "expected tweed::IoError, got another exception: " << e_.what();          \
    }                                                                                            \
  } while (0)

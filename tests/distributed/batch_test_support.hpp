// Helpers of the batch runner's tests: a scratch folder, file writing, and a stand-in for the
// tweed program (a shell script) so that job execution is tested without the real commands.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tweed::dist::testing {

namespace fs = std::filesystem;

/// A fresh folder under the temporary directory, removed with its content at the end.
class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "tweed-batch-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name = "") const {
    return name.empty() ? dir_.string() : (dir_ / name).string();
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string read(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  fs::path dir_;
};

/// A stand-in for `tweed`: after "--threads N" it understands
///   write -o FILE TEXT   writes TEXT to FILE, prints "PSNR: 30.5 dB  SSIM: 0.9"
///   copy IN -o FILE      copies IN to FILE
///   fail FILE            prints "tweed: error: FILE: broken" on stderr, exits 1
///   crash                kills itself with SIGSEGV
///   env -o FILE          writes its environment, --threads value and folder to FILE
///   sleep SECONDS        sleeps
inline std::string write_fake_tweed(const Scratch& s) {
  const std::string path = s.write("fake_tweed.sh", R"sh(#!/bin/sh
threads=none
if [ "$1" = --threads ]; then threads=$2; shift 2; fi
case "$1" in
  write) printf '%s' "$4" > "$3"; echo "PSNR: 30.5 dB  SSIM: 0.9" ;;
  copy) cp "$2" "$4" ;;
  fail) echo "some progress" >&2; echo "tweed: error: $2: broken" >&2; exit 1 ;;
  crash) kill -SEGV $$ ;;
  env) { env; echo "THREADS_OPTION=$threads"; echo "CWD=$(pwd -P)"; } > "$3" ;;
  sleep) sleep "$2" ;;
  *) echo "tweed: error: unknown command $1" >&2; exit 2 ;;
esac
)sh");
  chmod(path.c_str(), 0755);
  return path;
}

}  // namespace tweed::dist::testing

#include "tweed/core/provenance.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "tweed/core/atomic_output.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/sha256.hpp"
#include "tweed/core/version.hpp"

namespace tweed {
namespace {

std::string iso8601(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

Provenance::Provenance() : Provenance(0, nullptr) {}

Provenance::Provenance(int argc, const char* const* argv)
    : start_wall_(std::chrono::system_clock::now()), start_(std::chrono::steady_clock::now()) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
  record_ = {{"tweed_version", version()},
             {"git_commit", git_commit()},
             {"command_line", args},
             {"host", host_name()},
             {"start_time", iso8601(start_wall_)},
             {"options", nlohmann::json::object()},
             {"seeds", nlohmann::json::object()},
             {"inputs", nlohmann::json::array()},
             {"stages", nlohmann::json::object()},
             {"solver_reports", nlohmann::json::object()},
             {"metrics", nlohmann::json::object()}};
}

void Provenance::set_option(const std::string& name, nlohmann::json value) {
  record_["options"][name] = std::move(value);
}

void Provenance::set_seed(const std::string& name, std::uint64_t seed) {
  record_["seeds"][name] = seed;
}

void Provenance::add_input(const std::string& path) {
  record_["inputs"].push_back({{"path", path}, {"sha256", sha256_file(path)}});
}

void Provenance::add_stage(const std::string& name, double seconds) {
  auto& stages = record_["stages"];
  stages[name] = stages.value(name, 0.0) + seconds;
}

void Provenance::add_solver_report(const std::string& name, nlohmann::json report) {
  record_["solver_reports"][name] = std::move(report);
}

void Provenance::set_metric(const std::string& name, double value) {
  record_["metrics"][name] = value;
}

nlohmann::json Provenance::to_json() const {
  nlohmann::json j = record_;
  j["threads"] = num_threads();
  j["mpi_ranks"] = ranks_;
  j["end_time"] = iso8601(std::chrono::system_clock::now());
  j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return j;
}

std::string Provenance::write_sidecar(const std::string& output) const {
  const std::string path = output + ".provenance.json";
  write_text_atomically(path, to_string() + "\n");
  return path;
}

void write_text_atomically(const std::string& path, const std::string& content) {
  AtomicOutput out(path);
  {
    std::ofstream file(out.temp_path(), std::ios::binary | std::ios::trunc);
    file << content;
    file.flush();
    if (!file) throw IoError(path, "write failed");
  }
  out.commit();
}

}  // namespace tweed

#include "tweed/dist/job_state.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tweed/core/atomic_output.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/provenance.hpp"
#include "tweed/core/sha256.hpp"

namespace tweed::dist {
namespace {

namespace fs = std::filesystem;

fs::path resolve(const std::string& p, const std::string& folder) {
  const fs::path path(p);
  return path.is_absolute() ? path : fs::path(folder) / path;
}

bool regular_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::string job_fingerprint(const Job& job, const std::string& folder) {
  // Every field is length-prefixed, so no two different jobs hash the same byte stream.
  Sha256 h;
  auto field = [&h](const std::string& s) {
    h.update(std::to_string(s.size()) + ":");
    h.update(s);
  };
  field("tweed-batch-fingerprint-1");
  for (const Argv& argv : job.steps) {
    field("step");
    for (const std::string& a : argv) field(a);
  }
  for (const std::string& in : input_files(job, folder)) {
    field("input");
    field(in);
    field(sha256_file(resolve(in, folder).string()));
  }
  return h.hex_digest();
}

std::vector<std::string> output_files(const std::string& output, const std::string& folder) {
  const fs::path p = resolve(output, folder);
  if (regular_file(p)) return {output};
  if (regular_file(p.string() + ".cfl") && regular_file(p.string() + ".hdr"))
    return {output + ".cfl", output + ".hdr"};
  std::error_code ec;
  if (!fs::is_directory(p, ec)) return {};
  std::vector<std::string> files;  // an output folder (tweed gw study): every file in it
  for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2) || is_atomic_temporary(it->path().filename().string())) continue;
    files.push_back((fs::path(output) / it->path().lexically_relative(p)).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string record_path(const std::string& state, const std::string& id) {
  return (fs::path(state) / "jobs" / (id + ".json")).string();
}

JobRecord make_record(const Job& job, const std::string& folder, const std::string& fingerprint,
                      int rank, double seconds, nlohmann::ordered_json metrics) {
  JobRecord r;
  r.id = job.id;
  r.fingerprint = fingerprint;
  for (const std::string& o : job.outputs) {
    const std::vector<std::string> files = output_files(o, folder);
    if (files.empty()) throw IoError(o, "the job finished but did not write this output");
    for (const std::string& f : files)
      r.outputs.emplace_back(f, sha256_file(resolve(f, folder).string()));
  }
  r.finished = utc_now();
  r.rank = rank;
  r.seconds = seconds;
  r.metrics = std::move(metrics);
  return r;
}

void write_record(const std::string& state, const JobRecord& r) {
  nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
  for (const auto& [file, sha] : r.outputs) outputs.push_back({{"file", file}, {"sha256", sha}});
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["fingerprint"] = r.fingerprint;
  j["outputs"] = outputs;
  j["finished"] = r.finished;
  j["rank"] = r.rank;
  j["seconds"] = r.seconds;
  j["metrics"] = r.metrics;
  const std::string path = record_path(state, r.id);
  fs::create_directories(fs::path(path).parent_path());
  write_text_atomically(path, j.dump(2) + "\n");
}

std::optional<JobRecord> read_record(const std::string& state, const std::string& id) {
  const std::string path = record_path(state, id);
  if (!regular_file(path)) return std::nullopt;
  try {
    std::ifstream in(path);
    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(in);
    JobRecord r;
    r.id = j.at("id").get<std::string>();
    r.fingerprint = j.at("fingerprint").get<std::string>();
    for (const auto& o : j.at("outputs"))
      r.outputs.emplace_back(o.at("file").get<std::string>(), o.at("sha256").get<std::string>());
    r.finished = j.value("finished", "");
    r.rank = j.value("rank", 0);
    r.seconds = j.value("seconds", 0.0);
    r.metrics = j.value("metrics", nlohmann::ordered_json::object());
    if (r.id != id) return std::nullopt;
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

ResumeCheck check_resume(const Job& job, const std::string& folder, const std::string& state,
                         const std::string& fingerprint) {
  const std::optional<JobRecord> r = read_record(state, job.id);
  if (!r) return {false, "no record of an earlier run"};
  if (r->fingerprint != fingerprint) return {false, "its options or inputs changed"};
  // Every output the job names now must be in the record (an output added to the manifest
  // changes the fingerprint only if it is an -o option; `outputs:` entries are checked here).
  for (const std::string& o : job.outputs) {
    const std::vector<std::string> files = output_files(o, folder);
    if (files.empty()) return {false, "output " + o + " is missing"};
    for (const std::string& f : files) {
      bool listed = false;
      for (const auto& [file, sha] : r->outputs) {
        if (file != f) continue;
        listed = true;
        if (sha256_file(resolve(f, folder).string()) != sha)
          return {false, "output " + f + " changed since it was written"};
      }
      if (!listed) return {false, "output " + f + " is not in the record"};
    }
  }
  for (const auto& [file, sha] : r->outputs)
    if (!regular_file(resolve(file, folder))) return {false, "output " + file + " is missing"};
  return {true, "done in an earlier run (" + r->finished + ")", r->metrics};
}

int remove_stale_temporaries(const Job& job, const std::string& folder) {
  int removed = 0;
  for (const std::string& o : job.outputs) {
    const fs::path p = resolve(o, folder);
    const fs::path dir = p.parent_path();
    // ".<name>." starts the temporaries of <name>, of its sidecar <name>.provenance.json and,
    // for a BART base name, of <name>.cfl and <name>.hdr.
    std::string prefix(1, '.');  // appended: GCC 12 warns falsely (-Wrestrict) on "." + string
    prefix += p.filename().string();
    prefix += '.';
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.compare(0, prefix.size(), prefix) != 0 || !is_atomic_temporary(name)) continue;
      std::error_code rm;
      if (fs::remove(entry.path(), rm)) ++removed;
    }
    if (!fs::is_directory(p, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {  // an output folder: temporaries anywhere in it
      std::error_code rm;
      if (is_atomic_temporary(it->path().filename().string()) && fs::remove(it->path(), rm))
        ++removed;
    }
  }
  return removed;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace tweed::dist

// The provenance record of one run (ARCHITECTURE.md §4): what was run, on what, with which
// options and seeds, where, for how long, and what came out. Written as JSON both into HDF5
// outputs (root attribute "provenance") and as a sidecar "<output>.provenance.json".
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tweed {

class Provenance {
 public:
  /// Starts a record: version, git commit, command line, host, threads, ranks, start time.
  Provenance(int argc, const char* const* argv);
  Provenance();

  /// The resolved value of one option (after config file and defaults).
  void set_option(const std::string& name, nlohmann::json value);
  /// A seed used by the run, under the name of what it drives ("noise", "mask", ...).
  void set_seed(const std::string& name, std::uint64_t seed);
  /// An input file (or DICOM folder): its path and SHA-256.
  void add_input(const std::string& path);
  /// Wall time of one stage ("read", "solve", "write"); repeated names accumulate.
  void add_stage(const std::string& name, double seconds);
  /// A solver's report (iterations, reason, residual, ...).
  void add_solver_report(const std::string& name, nlohmann::json report);
  void set_metric(const std::string& name, double value);
  void set_mpi_ranks(int ranks) { ranks_ = ranks; }

  /// The record as JSON, with the end time and total seconds filled in at the time of the call.
  nlohmann::json to_json() const;
  std::string to_string() const { return to_json().dump(2); }

  /// Writes the JSON sidecar of `output` (atomically: temporary file, then rename) and returns
  /// its path, "<output>.provenance.json".
  std::string write_sidecar(const std::string& output) const;

 private:
  nlohmann::json record_;
  int ranks_ = 1;
  std::chrono::system_clock::time_point start_wall_;
  std::chrono::steady_clock::time_point start_;
};

/// Measures one stage and adds it to a provenance record when it goes out of scope.
class StageTimer {
 public:
  StageTimer(Provenance& prov, std::string name)
      : prov_(prov), name_(std::move(name)), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer() {
    prov_.add_stage(
        name_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }

 private:
  Provenance& prov_;
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

/// Writes `content` to `path` atomically: a temporary file in the same folder, then rename.
/// Nothing is left at `path` (nor the temporary) if writing fails.
void write_text_atomically(const std::string& path, const std::string& content);

}  // namespace tweed

// What `tweed batch` remembers between runs, so that a rerun skips finished jobs (resume).
//
// A job's fingerprint is the SHA-256 of its expanded command lines and of the SHA-256 of every
// input file present when it starts (manifest.hpp input_files: files made by an earlier step of
// the same job, or by an earlier run of it, are outputs, not inputs). The thread count is not in
// it: Tweed's outputs do not depend on it, so a batch resumed with other ranks or threads still
// skips. After a job succeeds, its record "<state>/jobs/<id>.json" is written atomically:
// fingerprint, outputs with their SHA-256, finish time, rank, seconds, metrics. A rerun skips a
// job only when its record exists, the fingerprint matches and every output exists with the
// recorded SHA-256; anything else (no record, a changed input or option, a missing, truncated or
// edited output) reruns it. A job killed midway has no record and its outputs, written
// atomically by the commands, are either absent or complete.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tweed/dist/manifest.hpp"

namespace tweed::dist {

/// SHA-256 (hex) of the job's steps and of its input files' contents (paths relative to `folder`).
std::string job_fingerprint(const Job& job, const std::string& folder);

/// The files behind one output path: the path itself; for a BART base name "x" (no file x) the
/// pair "x.cfl", "x.hdr" when both exist; for a folder, every file in it (sorted, AtomicOutput
/// temporaries left out). Empty when nothing is there.
std::vector<std::string> output_files(const std::string& output, const std::string& folder);

struct JobRecord {
  std::string id;
  std::string fingerprint;
  std::vector<std::pair<std::string, std::string>> outputs;  ///< file (as in output_files), SHA-256
  std::string finished;                                      ///< UTC, ISO 8601
  int rank = 0;
  double seconds = 0;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
};

/// "<state>/jobs/<id>.json".
std::string record_path(const std::string& state, const std::string& id);

/// The record of a finished job: hashes its outputs (throws IoError naming a missing output).
JobRecord make_record(const Job& job, const std::string& folder, const std::string& fingerprint,
                      int rank, double seconds, nlohmann::ordered_json metrics);
/// Writes the record atomically (folder created as needed).
void write_record(const std::string& state, const JobRecord& record);
/// The record of `id`, or nothing when absent or unreadable (an unreadable record reruns the job).
std::optional<JobRecord> read_record(const std::string& state, const std::string& id);

struct ResumeCheck {
  bool skip = false;
  std::string reason;  ///< why the job runs ("no record", "output out/a.h5 changed", ...) or not
  nlohmann::ordered_json metrics =
      nlohmann::ordered_json::object();  ///< the record's, when skipped
};

/// Whether a rerun may skip `job` given its current fingerprint (see the top of this file).
ResumeCheck check_resume(const Job& job, const std::string& folder, const std::string& state,
                         const std::string& fingerprint);

/// Removes stale AtomicOutput temporaries of the job's outputs (".<name>.tweedtmp-*" next to
/// each output), left by a killed run. Returns how many were removed.
int remove_stale_temporaries(const Job& job, const std::string& folder);

/// The current time in UTC, ISO 8601 to the second ("2026-11-24T18:00:00Z"), for records.
std::string utc_now();

}  // namespace tweed::dist

// The outcome of one batch job, as rank 0 collects it, writes it to the summary and prints it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tweed::dist {

enum class JobStatus { done, skipped, failed };

const char* status_name(JobStatus s);

struct JobResult {
  std::string id;
  std::size_t position = 0;  ///< place in the manifest (the summary keeps manifest order)
  JobStatus status = JobStatus::failed;
  int exit_code = 0;    ///< of the failing step (128 + signal when killed by one); 0 otherwise
  std::string message;  ///< failed: the job's error line; skipped: why; done: empty
  double seconds = 0;   ///< wall time of the job on its rank (0 when skipped)
  int rank = 0;
  std::vector<std::string> outputs;
  nlohmann::ordered_json metrics =
      nlohmann::ordered_json::object();  ///< name -> number, as printed
  std::string log;  ///< the job's standard output log (standard error beside it, ".err")
};

/// Keys in a fixed, readable order (id, status, exit_code, message, seconds, rank, ...).
nlohmann::ordered_json result_to_json(const JobResult& r);
JobResult result_from_json(const nlohmann::ordered_json& j);

/// "NAME: number" pairs of a command's standard output, e.g. "NRMSE: 0.0533  PSNR: 37.92 dB"
/// gives {NRMSE: 0.0533, PSNR: 37.92}. A name starts with a letter, may hold letters, digits,
/// '_', '-', '.' and single spaces ("snr gain: 2.1 dB"), and begins after the line start, a run
/// of two blanks, a tab, ',' or ';'. A later value of the same name wins.
nlohmann::ordered_json parse_metrics(const std::string& text);

/// The line that says why a job failed, from its standard error: the last line containing
/// "error" (e.g. "tweed: error: in.h5: truncated file"), else the last non-empty line, else "".
std::string error_line(const std::string& text);

/// The table printed at the end of a batch: one row per job (id, status, seconds, rank, and its
/// metrics, or its message when it failed), then a line of totals.
std::string summary_table(const std::vector<JobResult>& results);

}  // namespace tweed::dist

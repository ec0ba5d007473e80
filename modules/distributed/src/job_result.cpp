#include "tweed/dist/job_result.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace tweed::dist {
namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ' ';
}

/// The metric name that ends just before `colon`, or "" when the text there is not a name.
std::string name_before(const std::string& line, std::size_t colon) {
  std::size_t begin = colon;
  while (begin > 0) {
    const char c = line[begin - 1];
    if (!name_char(c)) break;
    if (c == ' ' && begin >= 2 && line[begin - 2] == ' ') break;  // two blanks separate fields
    --begin;
  }
  while (begin < colon && line[begin] == ' ') ++begin;
  std::string name = line.substr(begin, colon - begin);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return "";
  return name;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string lpad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

const char* status_name(JobStatus s) {
  switch (s) {
    case JobStatus::done:
      return "done";
    case JobStatus::skipped:
      return "skipped";
    case JobStatus::failed:
      return "failed";
  }
  return "failed";
}

nlohmann::ordered_json result_to_json(const JobResult& r) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["status"] = status_name(r.status);
  j["exit_code"] = r.exit_code;
  j["message"] = r.message;
  j["seconds"] = r.seconds;
  j["rank"] = r.rank;
  j["outputs"] = r.outputs;
  j["metrics"] = r.metrics;
  j["log"] = r.log;
  j["position"] = r.position;
  return j;
}

JobResult result_from_json(const nlohmann::ordered_json& j) {
  JobResult r;
  r.id = j.at("id").get<std::string>();
  r.position = j.at("position").get<std::size_t>();
  const std::string s = j.at("status").get<std::string>();
  r.status = s == "done"      ? JobStatus::done
             : s == "skipped" ? JobStatus::skipped
                              : JobStatus::failed;
  r.exit_code = j.value("exit_code", 0);
  r.message = j.value("message", "");
  r.seconds = j.value("seconds", 0.0);
  r.rank = j.value("rank", 0);
  r.outputs = j.value("outputs", std::vector<std::string>{});
  r.metrics = j.value("metrics", nlohmann::ordered_json::object());
  r.log = j.value("log", "");
  return r;
}

nlohmann::ordered_json parse_metrics(const std::string& text) {
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    for (std::size_t colon = line.find(':'); colon != std::string::npos;
         colon = line.find(':', colon + 1)) {
      const std::string name = name_before(line, colon);
      if (name.empty()) continue;
      const char* start = line.c_str() + colon + 1;
      char* end = nullptr;
      const double v = std::strtod(start, &end);
      if (end == start || !std::isfinite(v)) continue;
      // The number must end the field: "0.05", "38.1 dB" and "0.91," count, "2x3" does not.
      if (*end != '\0' && !std::isspace(static_cast<unsigned char>(*end)) && *end != ',' &&
          *end != ';' && *end != '%')
        continue;
      if (std::find_if(start, static_cast<const char*>(end),
                       [](char c) { return c == 'x' || c == 'X'; }) != end)
        continue;  // hexadecimal: not a metric
      metrics[name] = v;
    }
  }
  return metrics;
}

std::string error_line(const std::string& text) {
  std::istringstream lines(text);
  std::string last, last_error;
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    last = line;
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("error") != std::string::npos) last_error = line;
  }
  return last_error.empty() ? last : last_error;
}

std::string summary_table(const std::vector<JobResult>& results) {
  std::size_t id_width = 3;
  for (const JobResult& r : results) id_width = std::max(id_width, r.id.size());
  std::ostringstream out;
  out << pad("job", id_width) << "  " << pad("status", 7) << "  " << lpad("seconds", 8) << "  "
      << lpad("rank", 4) << "  metrics / message\n";
  int done = 0, skipped = 0, failed = 0;
  double seconds = 0;
  for (const JobResult& r : results) {
    std::string detail;
    if (r.status == JobStatus::failed) {
      detail = r.message;
    } else {  // done, or skipped with the metrics of its earlier run
      for (const auto& [name, value] : r.metrics.items()) {
        if (!detail.empty()) detail += "  ";
        std::ostringstream v;
        v << value.get<double>();
        detail += name + " " + v.str();
      }
    }
    out << pad(r.id, id_width) << "  " << pad(status_name(r.status), 7) << "  "
        << lpad(r.status == JobStatus::skipped ? "-" : fixed(r.seconds, 2), 8) << "  "
        << lpad(std::to_string(r.rank), 4) << "  " << detail << "\n";
    done += r.status == JobStatus::done;
    skipped += r.status == JobStatus::skipped;
    failed += r.status == JobStatus::failed;
    seconds += r.seconds;
  }
  out << results.size() << " jobs: " << done << " done, " << skipped << " skipped, " << failed
      << " failed (" << fixed(seconds, 1) << " s of job time)\n";
  return out.str();
}

}  // namespace tweed::dist

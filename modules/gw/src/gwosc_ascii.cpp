// GWOSC ASCII strain (".txt", ".txt.gz"): a three-line '#' header, then one sample per line.
// zlib's gzread reads plain files unchanged, so one path serves both.
#include <zlib.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/gw/gwosc.hpp"

namespace tweed::gw {
namespace {

// Reads the whole (possibly gzip-compressed) file.
std::string read_all(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw IoError(path, "is a folder, not a file");
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw IoError(path, "cannot open the file");
  std::string data;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      std::string what = msg ? msg : "read error";
      gzclose(f);
      throw IoError(path, "cannot read the file (" + what + ")");
    }
    if (n == 0) break;
    data.append(buf.data(), static_cast<std::size_t>(n));
  }
  // gzread stops quietly at a gzip stream cut short; gzerror reports it as Z_BUF_ERROR.
  int code = Z_OK;
  const char* msg = gzerror(f, &code);
  const bool truncated = code == Z_BUF_ERROR;
  const std::string what = msg ? msg : "";
  gzclose(f);
  if (truncated) throw IoError(path, "truncated gzip stream (" + what + ")");
  if (code != Z_OK && code != Z_STREAM_END)
    throw IoError(path, "cannot decompress the file (" + what + ")");
  return data;
}

}  // namespace

Strain read_gwosc_ascii(const std::string& path) {
  const std::string text = read_all(path);
  static const std::regex detector_re(R"(strain\s+for\s+(\S+)\s+for\s+(\w+))", std::regex::icase);
  static const std::regex rate_re(R"(has\s+([0-9.eE+]+)\s+samples\s+per\s+second)",
                                  std::regex::icase);
  static const std::regex start_re(R"(starting\s+GPS\s+([0-9.eE+-]+)(\s+duration\s+([0-9.eE+]+))?)",
                                   std::regex::icase);
  Strain s;
  double duration = -1;
  bool have_rate = false, have_start = false;
  std::vector<double> values;
  std::size_t pos = 0;
  index_t line_no = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    if (line[first] == '#') {
      std::smatch m;
      if (std::regex_search(line, m, detector_re)) {
        s.meta["Description"] = m[1].str();
        s.detector = m[2].str();
      } else if (std::regex_search(line, m, rate_re)) {
        s.sample_rate = std::strtod(m[1].str().c_str(), nullptr);
        have_rate = s.sample_rate > 0;
        if (!have_rate)
          throw IoError(path, "line " + std::to_string(line_no) + ": sample rate '" + m[1].str() +
                                  "' is not positive");
      } else if (std::regex_search(line, m, start_re)) {
        s.gps_start = std::strtod(m[1].str().c_str(), nullptr);
        have_start = true;
        if (m[3].matched) duration = std::strtod(m[3].str().c_str(), nullptr);
      }
      continue;
    }
    // Data: whitespace-separated numbers.
    const char* p = line.c_str() + first;
    while (*p) {
      while (*p == ' ' || *p == '\t') ++p;
      if (!*p) break;
      char* stop = nullptr;
      errno = 0;
      const double v = std::strtod(p, &stop);
      if (stop == p || (*stop && *stop != ' ' && *stop != '\t')) {
        const char* e = p;
        while (*e && *e != ' ' && *e != '\t') ++e;
        throw IoError(path, "line " + std::to_string(line_no) + ": '" + std::string(p, e) +
                                "' is not a number");
      }
      if (!std::isfinite(v))
        throw IoError(path, "line " + std::to_string(line_no) + ": sample " +
                                std::to_string(values.size()) + " is not finite (" +
                                std::string(p, static_cast<const char*>(stop)) + ")");
      values.push_back(v);
      p = stop;
    }
  }
  if (!have_rate) throw IoError(path, "no '# This file has <rate> samples per second' header line");
  if (!have_start) throw IoError(path, "no '# starting GPS <gps> duration <s>' header line");
  if (values.empty()) throw IoError(path, "no samples after the header");
  if (duration >= 0) {
    const double expected = std::round(duration * s.sample_rate);
    if (static_cast<double>(values.size()) != expected)
      throw IoError(path, "has " + std::to_string(values.size()) + " samples but the header says " +
                              std::to_string(static_cast<long long>(expected)) + " (" +
                              std::to_string(duration) + " s at " + std::to_string(s.sample_rate) +
                              " Hz)" +
                              (static_cast<double>(values.size()) < expected ? ": truncated" : ""));
  }
  s.samples = Array<double>::from(Shape{static_cast<index_t>(values.size())}, values);
  return s;
}

Strain read_strain(const std::string& path) {
  auto ends_with = [&](const std::string& suffix) {
    if (path.size() < suffix.size()) return false;
    std::string tail = path.substr(path.size() - suffix.size());
    for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return tail == suffix;
  };
  if (ends_with(".hdf5") || ends_with(".h5") || ends_with(".hdf")) return read_gwosc_hdf5(path);
  if (ends_with(".txt") || ends_with(".txt.gz") || ends_with(".gz")) return read_gwosc_ascii(path);
  throw IoError(path, "unknown strain format (expected .hdf5, .h5, .txt or .txt.gz)");
}

}  // namespace tweed::gw

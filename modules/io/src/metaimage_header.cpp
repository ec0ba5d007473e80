#include "metaimage_header.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "tweed/core/error.hpp"

namespace tweed::io {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::size_t element_size(const std::string& type) {
  static const std::map<std::string, std::size_t> kSizes = {
      {"MET_CHAR", 1},  {"MET_UCHAR", 1},  {"MET_SHORT", 2},     {"MET_USHORT", 2},
      {"MET_INT", 4},   {"MET_UINT", 4},   {"MET_LONG", 4},      {"MET_ULONG", 4},
      {"MET_FLOAT", 4}, {"MET_DOUBLE", 8}, {"MET_LONG_LONG", 8}, {"MET_ULONG_LONG", 8}};
  auto it = kSizes.find(type);
  return it == kSizes.end() ? 0 : it->second;
}

}  // namespace

void check_metaimage_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, fs::exists(path) ? "cannot open" : "no such file");
  std::map<std::string, std::string> keys;
  std::string line;
  std::uint64_t header_end = 0;
  bool found_data = false;
  // ElementDataFile is the last key of a MetaImage header; the data (if LOCAL) follow its line.
  while (header_end < (1u << 16) && std::getline(in, line)) {
    header_end += line.size() + 1;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    keys[key] = trim(line.substr(eq + 1));
    if (key == "ElementDataFile") {
      found_data = true;
      break;
    }
  }
  if (!found_data) throw IoError(path, "malformed MetaImage header: no ElementDataFile line");

  int ndims = 0;
  try {
    ndims = std::stoi(keys["NDims"]);
  } catch (const std::exception&) {
    throw IoError(path, "malformed MetaImage header: NDims = '" + keys["NDims"] + "'");
  }
  if (ndims < 1 || ndims > 10)
    throw IoError(path, "malformed MetaImage header: NDims = " + std::to_string(ndims));
  std::istringstream ds(keys["DimSize"]);
  std::vector<long long> dims;
  for (long long d; ds >> d;) dims.push_back(d);
  if (static_cast<int>(dims.size()) != ndims)
    throw IoError(path, "malformed MetaImage header: DimSize '" + keys["DimSize"] +
                            "' does not list " + std::to_string(ndims) + " sizes");
  double voxels = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 1)
      throw IoError(path, "DimSize[" + std::to_string(i) + "] = " + std::to_string(dims[i]) +
                              " is not a valid MetaImage dimension (must be >= 1)");
    voxels *= static_cast<double>(dims[i]);
  }
  const std::size_t esize = element_size(keys["ElementType"]);
  if (esize == 0)
    throw IoError(path, "malformed MetaImage header: ElementType '" + keys["ElementType"] + "'");
  int channels = 1;
  if (keys.count("ElementNumberOfChannels")) {
    try {
      channels = std::max(1, std::stoi(keys["ElementNumberOfChannels"]));
    } catch (const std::exception&) {
    }
  }
  std::string compressed = keys["CompressedData"];
  std::transform(compressed.begin(), compressed.end(), compressed.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (compressed == "true") return;  // zlib reports a short stream itself
  const double need_d = voxels * channels * static_cast<double>(esize);
  if (need_d > 9.0e18) throw IoError(path, "DimSize describes more data than any file can hold");
  const auto need = static_cast<std::uint64_t>(need_d);

  const std::string data = keys["ElementDataFile"];
  std::error_code ec;
  std::uint64_t have = 0;
  std::string where = "the file";
  if (data == "LOCAL") {
    const std::uint64_t size = fs::file_size(path, ec);
    have = size > header_end ? size - header_end : 0;
  } else if (data.rfind("LIST", 0) == 0 || data.find('%') != std::string::npos) {
    return;  // one file per slice: ITK checks each
  } else {
    const fs::path file = fs::path(path).parent_path() / data;
    if (!fs::exists(file, ec)) throw IoError(path, "data file " + file.string() + " is missing");
    have = fs::file_size(file, ec);
    long long skip = 0;
    try {
      if (keys.count("HeaderSize")) skip = std::stoll(keys["HeaderSize"]);
    } catch (const std::exception&) {
    }
    if (skip > 0)
      have = have > static_cast<std::uint64_t>(skip) ? have - static_cast<std::uint64_t>(skip) : 0;
    where = file.string();
  }
  if (have < need)
    throw IoError(path, "MetaImage data are truncated: DimSize and ElementType need " +
                            std::to_string(need) + " bytes, but " + where + " holds " +
                            std::to_string(have));
}

}  // namespace tweed::io

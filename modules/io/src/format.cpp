#include "tweed/io/format.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tweed/core/error.hpp"

namespace tweed::io {

namespace fs = std::filesystem;

const char* format_name(Format f) {
  switch (f) {
    case Format::hdf5:
      return "hdf5";
    case Format::cfl:
      return "cfl";
    case Format::nifti:
      return "nifti";
    case Format::metaimage:
      return "metaimage";
    case Format::nrrd:
      return "nrrd";
    case Format::dicom:
      return "dicom";
    case Format::dicom_series:
      return "dicom-series";
    case Format::png:
      return "png";
    case Format::unknown:
      break;
  }
  return "unknown";
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_prefix(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string buf(n, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return buf;
}

std::string gunzip_prefix(const std::string& path, std::size_t n) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return {};
  std::string buf(n, '\0');
  const int got = gzread(f, buf.data(), static_cast<unsigned>(n));
  gzclose(f);
  buf.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return buf;
}

bool at(const std::string& buf, std::size_t off, const char* magic, std::size_t len) {
  return buf.size() >= off + len && std::memcmp(buf.data() + off, magic, len) == 0;
}

const char kHdf5[] = "\x89HDF\r\n\x1a\n";
const char kPng[] = "\x89PNG\r\n\x1a\n";

bool is_nifti(const std::string& buf) {
  return at(buf, 344, "n+1\0", 4) || at(buf, 344, "ni1\0", 4) || at(buf, 4, "n+2\0", 4) ||
         at(buf, 4, "ni2\0", 4);
}

bool is_metaimage_text(const std::string& buf) {
  // MetaImage headers are "Key = Value" lines; the first key is usually ObjectType or NDims.
  const std::size_t eol = buf.find('\n');
  const std::string first = buf.substr(0, eol);
  for (const char* key : {"ObjectType", "NDims", "DimSize", "ObjectSubType", "Comment"}) {
    if (first.rfind(key, 0) == 0 && first.find('=') != std::string::npos) return true;
  }
  return false;
}

Format from_content(const std::string& path) {
  const std::string buf = read_prefix(path, 540);
  if (at(buf, 0, kHdf5, 8)) return Format::hdf5;
  if (at(buf, 0, kPng, 8)) return Format::png;
  if (at(buf, 128, "DICM", 4)) return Format::dicom;
  if (is_nifti(buf)) return Format::nifti;
  if (at(buf, 0, "NRRD000", 7)) return Format::nrrd;
  if (at(buf, 0, "# Dimensions", 12)) return Format::cfl;
  if (is_metaimage_text(buf)) return Format::metaimage;
  if (at(buf, 0, "\x1f\x8b", 2) && is_nifti(gunzip_prefix(path, 540))) return Format::nifti;
  // An HDF5 file may start with a user block of 512, 1024, 2048, ... bytes.
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  for (std::uintmax_t off = 512; !ec && off + 8 <= size && off <= (1u << 20); off *= 2) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(off));
    char sig[8] = {};
    in.read(sig, 8);
    if (in.gcount() == 8 && std::memcmp(sig, kHdf5, 8) == 0) return Format::hdf5;
  }
  return Format::unknown;
}

}  // namespace

Format format_from_extension(const std::string& path) {
  const std::string p = lower(path);
  if (ends_with(p, ".h5") || ends_with(p, ".hdf5") || ends_with(p, ".he5")) return Format::hdf5;
  if (ends_with(p, ".nii") || ends_with(p, ".nii.gz")) return Format::nifti;
  if (ends_with(p, ".mha") || ends_with(p, ".mhd")) return Format::metaimage;
  if (ends_with(p, ".nrrd") || ends_with(p, ".nhdr")) return Format::nrrd;
  if (ends_with(p, ".dcm") || ends_with(p, ".dicom")) return Format::dicom;
  if (ends_with(p, ".png")) return Format::png;
  if (ends_with(p, ".cfl") || ends_with(p, ".hdr")) return Format::cfl;
  return Format::unknown;
}

bool has_dicom_signature(const std::string& path) {
  return at(read_prefix(path, 132), 128, "DICM", 4);
}

Format detect_format(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) {
    // Look at a bounded number of files: folders of thousands of slices are common.
    int looked = 0;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (!e.is_regular_file(ec)) continue;
      if (has_dicom_signature(e.path().string())) return Format::dicom_series;
      if (++looked >= 64) break;
    }
    return Format::unknown;
  }
  if (!fs::exists(st)) {
    if (fs::exists(path + ".hdr", ec) || fs::exists(path + ".cfl", ec)) return Format::cfl;
    throw IoError(path, "no such file or folder");
  }
  const Format by_content = from_content(path);
  if (by_content != Format::unknown) {
    // A NIfTI pair's header is also named .hdr: the magic says which it is.
    return by_content;
  }
  const Format by_ext = format_from_extension(path);
  if (by_ext == Format::cfl && ends_with(lower(path), ".hdr")) {
    // A .hdr that is neither BART text nor NIfTI: call it BART only if its .cfl is there.
    const std::string base = path.substr(0, path.size() - 4);
    return fs::exists(base + ".cfl", ec) ? Format::cfl : Format::unknown;
  }
  return by_ext;
}

}  // namespace tweed::io

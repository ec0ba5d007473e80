#include "nifti_header.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <vector>

#include "tweed/core/error.hpp"

namespace tweed::io {

namespace fs = std::filesystem;

namespace {

// Field offsets from the NIfTI-1 and NIfTI-2 standards.
constexpr std::size_t kSize1 = 348, kSize2 = 540;
constexpr std::size_t kDim1 = 40, kDatatype1 = 70, kBitpix1 = 72, kVoxOffset1 = 108, kMagic1 = 344;
constexpr std::size_t kMagic2 = 4, kDatatype2 = 12, kBitpix2 = 14, kDim2 = 16, kVoxOffset2 = 168;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using Gz = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// Reads little- or big-endian integers and floats from a header buffer.
struct Fields {
  const unsigned char* p;
  bool swap;
  template <class T>
  T get(std::size_t off) const {
    unsigned char b[sizeof(T)];
    std::memcpy(b, p + off, sizeof(T));
    if (swap) std::reverse(b, b + sizeof(T));
    T v;
    std::memcpy(&v, b, sizeof(T));
    return v;
  }
};

// Bytes available in the (decompressed) stream, counting only up to `need` to stop early.
std::uint64_t stream_length(const std::string& path, std::uint64_t need, bool* gz_error) {
  Gz f(gzopen(path.c_str(), "rb"));
  if (!f) return 0;
  gzbuffer(f.get(), 1 << 18);
  std::vector<char> buf(1 << 20);
  std::uint64_t total = 0;
  while (total < need) {
    const int got = gzread(f.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (got < 0) {
      *gz_error = true;
      break;
    }
    if (got == 0) break;
    total += static_cast<std::uint64_t>(got);
  }
  int err = Z_OK;
  gzerror(f.get(), &err);
  if (err != Z_OK && err != Z_STREAM_END) *gz_error = true;
  return total;
}

bool is_gz(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

}  // namespace

NiftiHeaderFacts check_nifti_header(const std::string& path, bool measure_gz) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path, "no such file");
  unsigned char h[kSize2] = {};
  int got = 0;
  {
    Gz f(gzopen(path.c_str(), "rb"));
    if (!f) throw IoError(path, "cannot open");
    got = gzread(f.get(), h, sizeof h);
    if (got < 0) throw IoError(path, "cannot read the NIfTI header (damaged .gz?)");
  }
  if (got < 4)
    throw IoError(path, "too short for a NIfTI header (" + std::to_string(got) + " bytes)");

  std::int32_t sizeof_hdr;
  std::memcpy(&sizeof_hdr, h, 4);
  const std::int32_t swapped = Fields{h, true}.get<std::int32_t>(0);
  NiftiHeaderFacts facts;
  bool swap = false;
  if (sizeof_hdr == 348 || swapped == 348) {
    facts.version = 1;
    swap = sizeof_hdr != 348;
  } else if (sizeof_hdr == 540 || swapped == 540) {
    facts.version = 2;
    swap = sizeof_hdr != 540;
  } else {
    throw IoError(path, "sizeof_hdr = " + std::to_string(sizeof_hdr) +
                            "; a NIfTI header has 348 (NIfTI-1) or 540 (NIfTI-2)");
  }
  const std::size_t hsize = facts.version == 1 ? kSize1 : kSize2;
  if (static_cast<std::size_t>(got) < hsize)
    throw IoError(path, "truncated NIfTI header: " + std::to_string(got) + " of " +
                            std::to_string(hsize) + " bytes");
  const Fields f{h, swap};

  std::int64_t dim[8];
  double vox_offset;
  if (facts.version == 1) {
    const char* m = reinterpret_cast<const char*>(h + kMagic1);
    if (std::memcmp(m, "n+1\0", 4) == 0)
      facts.pair = false;
    else if (std::memcmp(m, "ni1\0", 4) == 0)
      facts.pair = true;
    else
      throw IoError(path, "no NIfTI-1 magic ('n+1' or 'ni1') at byte 344");
    for (int i = 0; i < 8; ++i)
      dim[i] = f.get<std::int16_t>(kDim1 + 2 * static_cast<std::size_t>(i));
    facts.datatype = f.get<std::int16_t>(kDatatype1);
    facts.bitpix = f.get<std::int16_t>(kBitpix1);
    vox_offset = f.get<float>(kVoxOffset1);
  } else {
    const char* m = reinterpret_cast<const char*>(h + kMagic2);
    if (std::memcmp(m, "n+2\0", 4) == 0)
      facts.pair = false;
    else if (std::memcmp(m, "ni2\0", 4) == 0)
      facts.pair = true;
    else
      throw IoError(path, "no NIfTI-2 magic ('n+2' or 'ni2') at byte 4");
    for (int i = 0; i < 8; ++i)
      dim[i] = f.get<std::int64_t>(kDim2 + 8 * static_cast<std::size_t>(i));
    facts.datatype = f.get<std::int16_t>(kDatatype2);
    facts.bitpix = f.get<std::int16_t>(kBitpix2);
    vox_offset = static_cast<double>(f.get<std::int64_t>(kVoxOffset2));
  }

  if (dim[0] < 1 || dim[0] > 7)
    throw IoError(
        path, "dim[0] = " + std::to_string(dim[0]) + " is not a valid NIfTI rank (must be 1..7)");
  double voxels = 1;
  for (int i = 1; i <= dim[0]; ++i) {
    if (dim[i] < 1)
      throw IoError(path, "dim[" + std::to_string(i) + "] = " + std::to_string(dim[i]) +
                              " is not a valid NIfTI dimension (must be >= 1)");
    facts.dims.push_back(dim[i]);
    voxels *= static_cast<double>(dim[i]);
  }
  if (facts.bitpix <= 0 || facts.bitpix % 8 != 0)
    throw IoError(path,
                  "bitpix = " + std::to_string(facts.bitpix) + " is not a whole number of bytes");
  if (!std::isfinite(vox_offset) || vox_offset < 0)
    throw IoError(path,
                  "vox_offset = " + std::to_string(vox_offset) + " is not a valid data offset");
  if (!facts.pair && vox_offset < static_cast<double>(hsize))
    throw IoError(path, "vox_offset = " + std::to_string(static_cast<long long>(vox_offset)) +
                            " points inside the header");
  const double need_d = vox_offset + voxels * (facts.bitpix / 8);
  if (need_d > 9.0e18) throw IoError(path, "dims describe more data than any file can hold");
  const auto need = static_cast<std::uint64_t>(need_d);

  // The data live in this file (n+1) or beside it in the .img (ni1).
  std::string data_file = path;
  if (facts.pair) {
    const bool gz = is_gz(path);
    std::string base = gz ? path.substr(0, path.size() - 3) : path;
    if (base.size() > 4) base = base.substr(0, base.size() - 4);
    data_file = base + ".img" + (gz ? ".gz" : "");
    if (!fs::exists(data_file, ec))
      throw IoError(path, "data file " + data_file + " of this NIfTI pair is missing");
  }
  std::uint64_t have = 0;
  bool gz_error = false;
  if (is_gz(data_file) && !measure_gz) return facts;
  if (is_gz(data_file))
    have = stream_length(data_file, need, &gz_error);
  else
    have = fs::file_size(data_file, ec);
  if (have < need) {
    throw IoError(
        path, "NIfTI data are truncated: dims need " + std::to_string(need) +
                  " bytes (from offset " + std::to_string(static_cast<long long>(vox_offset)) +
                  "), but " + (data_file == path ? "the file" : data_file) + " holds " +
                  std::to_string(have) + (gz_error ? " before its compressed stream breaks" : ""));
  }
  return facts;
}

}  // namespace tweed::io

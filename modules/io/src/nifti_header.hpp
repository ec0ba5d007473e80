// Private: checks a NIfTI-1 / NIfTI-2 header before ITK reads the file, so that a damaged header
// gives one clear message instead of ITK's or niftilib's output (or a huge allocation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tweed::io {

struct NiftiHeaderFacts {
  int version = 1;                 // 1 or 2
  bool pair = false;               // .hdr/.img ("ni1"/"ni2") rather than one file ("n+1"/"n+2")
  std::vector<std::int64_t> dims;  // dim[1..dim[0]]
  int datatype = 0;
  int bitpix = 0;
};

/// Throws IoError naming `path` unless the header is valid and the data fit the file. Reads .gz
/// transparently; for .gz data the decompressed stream is measured, which costs a decompression,
/// so `measure_gz` = false skips that (for header-only reads such as `tweed info`).
NiftiHeaderFacts check_nifti_header(const std::string& path, bool measure_gz = true);

}  // namespace tweed::io

// Hand-made NIfTI-1 files for the tests, built from the standard's field offsets - independent of
// Tweed's reader and of ITK.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tweed::test {

struct NiftiSpec {
  std::int16_t dim[8] = {3, 4, 3, 2, 1, 1, 1, 1};
  float pixdim[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  std::int16_t datatype = 16;  // float32
  std::int16_t bitpix = 32;
  float vox_offset = 352;
  std::int16_t sform_code = 0;
  float srow[3][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
  std::int32_t sizeof_hdr = 348;
  const char* magic = "n+1";
};

/// Header (348 bytes), 4 bytes of extension flags, then the float32 voxels.
inline std::string nifti_file(const NiftiSpec& s, const std::vector<float>& voxels) {
  std::string h(352, '\0');
  auto put = [&](std::size_t off, const void* p, std::size_t n) {
    std::memcpy(h.data() + off, p, n);
  };
  put(0, &s.sizeof_hdr, 4);
  put(40, s.dim, 16);
  put(70, &s.datatype, 2);
  put(72, &s.bitpix, 2);
  put(76, s.pixdim, 32);
  put(108, &s.vox_offset, 4);
  const float one = 1.0f;
  put(112, &one, 4);  // scl_slope
  put(254, &s.sform_code, 2);
  put(280, s.srow[0], 16);
  put(296, s.srow[1], 16);
  put(312, s.srow[2], 16);
  put(344, s.magic, 4);
  std::string data(voxels.size() * sizeof(float), '\0');
  if (!voxels.empty()) std::memcpy(data.data(), voxels.data(), data.size());
  return h + data;
}

}  // namespace tweed::test

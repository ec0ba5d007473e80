// Internal helpers shared by the coil-map estimators (ESPIRiT and low-resolution maps): the
// calibration region of Cartesian k-space and BART's phase convention for coil maps.
// Not installed; defined in espirit.cpp.
#pragma once

#include <array>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::mri::detail {

/// A block of k-space [C, Z, Y, X]: extents and first index along (z, y, x).
struct CalibrationRegion {
  std::array<index_t, 3> size{1, 1, 1};
  std::array<index_t, 3> start{0, 0, 0};
};

/// BART's calibration geometry (src/misc/mri.c calib_geom): starting from the centre, the block
/// grows by one along x, y, z in turn while every point of it is sampled (a point is sampled when
/// any coil is non-zero) and while its side stays <= cap; then it slides along the readout (x) to
/// the position of largest energy.
CalibrationRegion find_calibration_region(const Array<cfloat>& kspace, index_t cap);

/// The block `region` of k-space [C, Z, Y, X], as a contiguous [C, cz, cy, cx] array.
Array<cfloat> extract_region(const Array<cfloat>& kspace, const CalibrationRegion& region);

/// The leading eigenvector u of the coil covariance sum_k d(k) d(k)^H of calibration data
/// [C, ...] (BART's `scc`, the first principal component of the coils), double precision, with
/// its phase fixed as LAPACK leaves it (last component real and >= 0).
std::vector<cdouble> principal_coil_direction(const Array<cfloat>& calib);

/// Rotates the phase of one map s (C values, stride `stride`) so that u^H s is real and
/// non-negative, as BART's ecalib does with its default "rotphase" (calib.c fixphase2).
void align_phase(cfloat* s, index_t coils, index_t stride, const std::vector<cdouble>& u);

}  // namespace tweed::mri::detail

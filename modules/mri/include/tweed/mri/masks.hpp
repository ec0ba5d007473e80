// Cartesian sampling masks [Z, Y, X] (float32, 1 = sampled, 0 = not). All random choices come
// from a CounterRng seeded by `seed`, so the same options give the same mask on every machine and
// for any thread count.
//
// 1-D masks choose phase-encoding lines along Y (every X and Z is kept for a chosen line); 2-D
// masks choose points in the (Z, Y) phase-encoding plane of 3-D data and keep every X (readout),
// or points in the (Y, X) plane when the grid is 2-D (Z = 1), as BART's `poisson` does.
//
// Acceleration R: the uniform, gaussian and poisson masks keep exactly round(n / R) of the n lines
// (points), ACS included (only the ACS when it alone is larger). The regular mask is BART's
// `upat`: every R-th line counted from the centre line n/2 (lines n/2 + round(k R) for a
// non-integer R) plus the ACS, so its effective acceleration is below R. The calibration (ACS)
// region is the centred block of `calibration` lines (a square of that side in 2-D) around the
// k-space centre n/2 (first index n/2 - calibration/2), always fully sampled.
//
// Poisson disc: random sequential adsorption on the grid in one seeded random order; the
// exclusion radius grows linearly with the elliptical distance from the centre (variable
// density; a fully sampled core) or is constant; a bisection on the radius scale reaches the
// target count from above and the surplus is dropped at random. An acceleration the support
// cannot reach (e.g. R < 4/pi inside the ellipse) is InvalidInput naming "mask acceleration".
#pragma once

#include <cstdint>
#include <string>

#include "tweed/mri/layout.hpp"

namespace tweed::mri {

enum class MaskKind {
  regular,   ///< every R-th line from the centre, plus ACS (BART `upat`, GRAPPA-style)
  uniform,   ///< lines drawn uniformly at random without replacement, plus ACS
  gaussian,  ///< 1-D variable density: lines drawn from a Gaussian centred on n/2, plus ACS
  poisson,   ///< 2-D variable-density Poisson disc, elliptical (BART `poisson -v -e`), plus ACS
};
MaskKind parse_mask_kind(const std::string& name);  ///< "regular", "uniform", ... (InvalidInput)
std::string to_string(MaskKind kind);

struct MaskOptions {
  MaskKind kind = MaskKind::regular;
  double acceleration = 4;   ///< R >= 1
  index_t calibration = 24;  ///< ACS lines (or side of the ACS square); 0 = none
  std::uint64_t seed = 0;
  /// gaussian: standard deviation of the line density as a fraction of ny (DDS uses 15/128).
  double gaussian_width = 15.0 / 128.0;
  /// poisson: variable density on (true) or uniform disc radius (false); elliptical support.
  bool variable_density = true;
  bool elliptical = true;
};

/// A mask for `grid` (InvalidInput for R < 1, calibration larger than the grid, ...).
Array<float> make_mask(const Grid& grid, const MaskOptions& options);

/// The points where every coil's k-space is exactly zero are unsampled (BART's convention):
/// returns [Z, Y, X] with 0 there and 1 elsewhere.
Array<float> mask_from_zeros(const Array<cfloat>& kspace);

/// Fraction of sampled points (sum of mask / size); R_effective = 1 / this.
double sampling_fraction(const Array<float>& mask);

}  // namespace tweed::mri

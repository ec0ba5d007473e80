// Simulated multi-coil Cartesian acquisitions: phantoms, birdcage coil maps, noise.
#pragma once

#include <cstdint>

#include "tweed/mri/layout.hpp"

namespace tweed::mri {

/// A smooth brain-like phantom on grid {nz, ny, nx} (2-D when nz = 1: the central slice z = 0):
/// an elliptical scalp/skull ring, CSF, grey and white matter with folded, smooth (tanh, ~2.5% of
/// the half field of view wide) boundaries, two ventricles and a few small Gaussian lesions, and a
/// slowly varying phase (about +-1 rad), so it is not piecewise constant (unlike Shepp-Logan).
/// Ellipsoids in 3-D. Magnitude in [0, 1]; row 0 is the top (anterior) of the head.
Array<cfloat> brain_phantom(const Grid& grid);
/// The modified Shepp-Logan phantom (core/phantom.hpp) as complex, of side min(ny, nx), centred
/// and zero padded along the longer axis; the same slice repeated along Z for 3-D grids.
Array<cfloat> shepp_logan_phantom(const Grid& grid);

/// Birdcage coil maps [1, C, Z, Y, X] (as SigPy's birdcage_maps and ISMRMRD's generator):
/// coil c centred at radius `radius` (in units of half the field of view) and angle 2 pi c / C in
/// the plane z = 0 (one ring: in 3-D the maps also fall off along z),
/// s_c = e^{i (atan2(dx, -dy) - 2 pi c / C)} / |r - r_c|, then normalised so that
/// sum_c |s_c|^2 = 1 everywhere. InvalidInput for C < 1, an empty grid or radius <= 0.
Array<cfloat> birdcage_maps(index_t coils, const Grid& grid, double radius = 1.5);

struct SimulationOptions {
  double noise_sigma = 0;  ///< standard deviation of each real component of the k-space noise
  std::uint64_t seed = 0;
};
/// k-space [C, Z, Y, X] = P ⊙ (F(S x) + n), F the centred unitary FFT over the spatial axes:
/// image [M, Z, Y, X] or [Z, Y, X] (M = 1), maps [M, C, Z, Y, X] (sum over the sets), mask [Z, Y,
/// X] of weights >= 0 (empty = fully sampled). n: complex Gaussian, each real component of standard
/// deviation noise_sigma, element i drawn from CounterRng(seed, its own stream) at index i, so the
/// result depends only on the seed; points where P = 0 are exactly 0.
/// ShapeMismatch for inconsistent shapes, InvalidInput for a negative/NaN mask value or sigma.
Array<cfloat> simulate_kspace(const Array<cfloat>& image, const Array<cfloat>& maps,
                              const Array<float>& mask, const SimulationOptions& options);

}  // namespace tweed::mri

// Coil sensitivity maps from the fully sampled centre (ACS) of Cartesian k-space [C, Z, Y, X].
//
// ESPIRiT (Uecker et al., MRM 71:990, 2014), with BART `ecalib`'s defaults and conventions:
//   1. calibration region: the centred block of k-space, side <= `calibration` along every axis
//      (the readout too), that is fully sampled (a point is sampled when any coil is non-zero).
//      As BART's calib_geom: the block grows from the centre by one point along x, y, z in turn
//      while it stays fully sampled, then slides along the readout to its most energetic place;
//   2. calibration (block-Hankel) matrix A: every kernel x kernel (x kernel in 3-D; 1 along an
//      axis of extent 1) patch of the region, all coils, one row per patch;
//   3. the eigen-decomposition of the patch covariance A^T conj(A) (C k^d square; its eigenvalues
//      are the sigma_i^2 of A's SVD); keep the eigenvectors with sigma_i^2 / sigma_1^2 > threshold;
//   4. with P the projector onto the kept vectors and phi(r)_p = e^{-2 pi i p.r/N}, the C x C
//      matrix G(r) = k^-d (I (x) phi(r))^H P (I (x) phi(r)) at every pixel r. Its eigenvalues lie
//      in [0, 1] and the true sensitivities are eigenvectors of eigenvalue 1. G is a trigonometric
//      polynomial of degree < k, evaluated exactly by one inverse FFT per coil pair;
//   5. the maps are G's leading eigenvectors (M = 1 or 2 sets), unit norm over the coils, set to
//      0 where the eigenvalue is <= `crop` (BART's hard crop). The phase of each map is fixed as
//      BART's default does ("rotphase"): u^H s is real and >= 0 at every pixel, u the first
//      principal component of the calibration data's coils (BART 0.8 does not reference coil 0).
// So sum_c |S_{m,c}|^2 = 1 where the eigenvalue exceeds `crop`, and 0 elsewhere.
// Per-pixel eigenvectors: repeated squaring of G (G^8) and 6 power steps from G^8's dominant
// column, i.e. 56 power iterations' worth (BART: 30 orthogonal iterations from coil 0); with 2
// maps, deflation and a Rayleigh-Ritz step on the leading 2-D subspace. Deterministic for any
// thread count. Cost: the C k^d eigenproblem (288 for 8 coils in 2-D; 1728 in 3-D with k = 6,
// seconds) plus about 1.5 C^3 complex multiply-adds per pixel (3 Hermitian squarings).
//
// Low-resolution maps (fast alternative): c_c = F^H(W ⊙ y_c) with W the calibration block found
// as above (capped at `calibration`), Hann-tapered; S_c = c_c / sqrt(sum_c |c_c|^2 + eps), phase
// fixed as for ESPIRiT; one set of maps, no crop.
#pragma once

#include "tweed/mri/layout.hpp"

namespace tweed::mri {

struct EspiritOptions {
  index_t calibration = 24;  ///< -r: largest calibration region side
  index_t kernel = 6;        ///< -k: kernel side
  double threshold = 0.001;  ///< -t: keep sigma_i^2 / sigma_1^2 > threshold
  double crop = 0.8;         ///< -c: eigenvalue below which maps are set to 0 (0 = no crop)
  int maps = 1;              ///< -m: 1 or 2 sets (BART's default is 2; Tweed's 1, see docs/mri.md)
};

/// ESPIRiT maps [M, C, Z, Y, X]. `eigenvalues`, when given, receives [M, Z, Y, X] (float, the
/// eigenvalue of each map before cropping). InvalidInput when no fully sampled centre of at least
/// kernel + 1 points along every axis of extent > 1 exists (naming the size found), when the
/// calibration data hold no signal or a NaN, or when options are out of range (also maps > C).
Array<cfloat> espirit_maps(const Array<cfloat>& kspace, const EspiritOptions& options = {},
                           Array<float>* eigenvalues = nullptr);

struct LowresOptions {
  index_t calibration = 24;    ///< side of the centred window
  bool hann = true;            ///< taper the window (fewer ringing artefacts)
  double eps_fraction = 1e-3;  ///< eps = (eps_fraction * max RSS)^2 in the normalisation
};
/// Low-resolution, RSS-normalised maps [1, C, Z, Y, X]. InvalidInput when the fully sampled centre
/// has fewer than 2 points along an axis of extent > 1, or for out-of-range options.
Array<cfloat> lowres_maps(const Array<cfloat>& kspace, const LowresOptions& options = {});

/// The side of the largest centred fully sampled block along Y (the smaller of Y and Z in 3-D) of
/// k-space [C, Z, Y, X] (a mask passed as [1, Z, Y, X] works too), capped at `cap`: the block
/// ESPIRiT calibrates on. InvalidInput when cap < 1.
index_t calibration_size(const Array<cfloat>& kspace, index_t cap);

}  // namespace tweed::mri

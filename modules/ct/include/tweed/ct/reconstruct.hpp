// One entry point for every CT reconstruction method (what `tweed ct recon --method` calls).
//
// Methods, for a sinogram of line integrals [views, detectors] (or a batch [slices, views,
// detectors], reconstructed slice by slice) and its geometry:
//   fbp      filtered backprojection with options.fbp (fbp.hpp).
//   flicker  sinogram flicking (flicking.hpp) with options.flicking.
//   zsn2n    ZS-N2N (learned::zs_n2n) on the FBP image (options.fbp's filter), the baseline the
//            flicking paper compares with. Images of odd size are padded by one edge-replicated
//            row/column for the 2x2 downsamplers, then cropped back.
//   tv       TV-regularised reconstruction
//              x* = argmin_{x >= 0} 1/2 ||A x - p||^2 / ||A||^2 + lambda TV_iso(x),
//            solved by PDHG (solvers::pdhg) with K = [c A / ||A||; D], c = sqrt 8 (so that the
//            data block weighs like the gradient, ||D||^2 <= 8, in PDHG's steps; ||K|| <= 4),
//            D forward differences (Neumann), G = the non-negativity indicator (none if
//            !nonnegative), F = the data term and the isotropic l1 norm of the gradient; ||A|| by
//            power iteration. Starts from the FBP image.
//   tv-fbp   TV denoising of the FBP image (priors::tv_denoise, isotropic):
//              argmin_u 1/2 ||u - fbp||^2 + lambda TV(u).
// Both TV weights are dimensionless and carry over between scans and doses: tv-fbp uses
// lambda = weight * sigma, sigma the FBP image's noise level (estimate_noise_sigma()); tv uses
// lambda = weight * sigma * kappa, kappa = trace(A^T A) / (pixels ||A||^2) the mean eigenvalue of
// the normalised normal operator, i.e. the data term's curvature where the noise is, so that the
// problem resembles TV denoising of the FBP image with the same weight.
//
// Results are images in 1/mm, [rows, cols] or [slices, rows, cols]. Same options (seeds included)
// and thread count => the same bytes.
#pragma once

#include <string>

#include "tweed/ct/fbp.hpp"
#include "tweed/ct/flicking.hpp"
#include "tweed/ct/geometry.hpp"
#include "tweed/learned/zero_shot.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::ct {

enum class Method { fbp, flicker, zsn2n, tv, tv_fbp };

/// "fbp", "flicker", "zsn2n", "tv", "tv-fbp"; InvalidInput("method", ...) otherwise.
Method parse_method(const std::string& name);
std::string to_string(Method method);

struct TvReconOptions {
  double weight = 2.0;       ///< lambda / (sigma_noise kappa) (see the header); 2 measured best
  int iterations = 300;      ///< PDHG iterations
  bool nonnegative = true;   ///< constrain x >= 0 (attenuation)
  solvers::Monitor monitor;  ///< per-iteration callback (progress), optional
};

struct TvDenoiseOptions {
  double weight = 1.0;  ///< lambda / sigma_noise
};

struct ReconOptions {
  FbpOptions fbp;
  FlickingOptions flicking;
  learned::TrainOptions zsn2n;
  TvReconOptions tv;
  TvDenoiseOptions tv_fbp;
};

/// Reconstructs `sinogram` with `method`; see the header comment.
Array<float> reconstruct(const Array<float>& sinogram, const Geometry& geometry, Method method,
                         const ReconOptions& options = {});

/// The standard deviation of white noise in an image [rows, cols] (or the mean over a batch):
/// the median absolute value of the diagonal differences x(r, c) - x(r+1, c+1), divided by
/// 0.6745 sqrt 2 (a robust estimator: edges are a minority and do not move the median much).
double estimate_noise_sigma(const Array<float>& image);

/// The TV-regularised reconstruction alone (method tv), with its solver report.
Array<float> tv_reconstruct(const Array<float>& sinogram, const Geometry& geometry, double lambda,
                            const TvReconOptions& options, const Array<float>& start,
                            solvers::SolveReport* report = nullptr);

}  // namespace tweed::ct

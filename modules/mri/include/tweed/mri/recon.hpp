// Reconstructions of Cartesian multi-coil k-space with the SENSE model A (sense.hpp), each the
// equivalent of a BART command, all built on the shared solvers and priors:
//
//   zero_filled  x = A^H y (coil-combined with the maps)                      `bart pics -i 0`-like
//   cgsense      min ||A x - y||^2 + lambda ||x||^2 by CG (solvers::cg_normal) `bart pics -l2 -r λ`
//                from x = 0 (stops early only at a relative residual of 1e-6)
//   l1wavelet    min 1/2||A x - y||^2 + lambda ||W x||_1 by FISTA, W an orthonormal Daubechies
//                wavelet over the spatial axes with random cycle spinning (a seeded random circular
//                shift of the image before each prox, as BART does)          `bart pics -l1 -r λ`
//                step 0.95 / L as BART (L = max over pixels of ||S(pixel)||^2 times max P^2, an
//                upper bound of ||A||^2 computed from the maps; 1 for normalised maps)
//   tv           min 1/2||A x - y||^2 + lambda ||grad x||_{2,1} (isotropic over the spatial axes,
//                complex) by ADMM (rho 0.5, 10 CG steps, tolerances 1e-3 relative / 1e-4
//                absolute, as BART) or PDHG with K = [A; grad] `bart pics -R T:7:0:λ`
//
// Data scaling (optional, on by default, as BART): before solving, the k-space is divided by
// s = the 90th percentile of the RSS image of the centred (up to 32^3) k-space block (BART's
// estimate_scaling: the maximum instead when max - p90 >= 2 (p90 - median)), so that lambda has
// the same meaning on every dataset; the image is multiplied back by s afterwards, so outputs are
// always in the units of the input (BART's `pics -S`). With scaling off lambda acts on raw data.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "tweed/mri/layout.hpp"
#include "tweed/solvers/cg.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::mri {

enum class ReconMethod { zero_filled, cgsense, l1wavelet, tv };
ReconMethod parse_recon_method(const std::string& name);  ///< "zf", "cgsense", "l1wav", "tv"
std::string to_string(ReconMethod method);

/// The defaults named in ReconOptions, per method (zero-filled: 0 iterations, lambda 0).
inline int default_iterations(ReconMethod method) {
  switch (method) {
    case ReconMethod::cgsense:
      return 30;
    case ReconMethod::l1wavelet:
      return 100;
    case ReconMethod::tv:
      return 50;
    default:
      return 0;
  }
}
inline double default_lambda(ReconMethod method) {
  switch (method) {
    case ReconMethod::cgsense:
      return 0.001;
    case ReconMethod::l1wavelet:
      return 0.01;
    case ReconMethod::tv:
      return 0.01;
    default:
      return 0;
  }
}

class SenseOperator;

/// A replacement of CG-SENSE's solve of (A^H A + lambda I) x = A^H y (ReconOptions::cg_solver).
/// Called with the SENSE operator of all coils, the k-space as the model sees it (masked and
/// divided by the data scale), lambda, the CG options (budget, tolerance) and x = 0 of A's domain;
/// it must leave the solution in x.
using CgSenseSolver = std::function<solvers::SolveReport(
    const SenseOperator& a, const Array<cfloat>& y, double lambda,
    const solvers::CgOptions& options, Array<cfloat>& x, const solvers::Monitor& monitor)>;

struct ReconOptions {
  ReconMethod method = ReconMethod::cgsense;
  /// Regularisation weight; negative = the method's default (cgsense 0.001, l1wav 0.01, tv 0.01).
  double lambda = -1;
  /// Iterations; 0 = the method's default (cgsense 30, l1wav 100, tv 50).
  int iterations = 0;
  bool auto_scale = true;          ///< BART-style data scaling (see above)
  std::string wavelet = "db2";     ///< l1wav: Daubechies filter (db2 = BART's default "dau2")
  int wavelet_levels = 0;          ///< l1wav: 0 = as many as the grid allows, at most 4
  bool cycle_spin = true;          ///< l1wav: random shifts (seeded by `seed`)
  std::string tv_solver = "admm";  ///< tv: "admm" or "pdhg"
  std::uint64_t seed = 0;
  /// cgsense: who solves the normal equations; empty = solvers::cg_normal in this process. The
  /// distributed layer plugs its solver over MPI ranks in here (tweed/dist/cgsense.hpp); the data
  /// scale, lambda and stop rule are decided before, so every solver sees the same problem.
  CgSenseSolver cg_solver;
};

struct ReconResult {
  Array<cfloat> image;  ///< [M, Z, Y, X], in the units of the input
  solvers::SolveReport report;
  double scale = 1;    ///< the data scale s that was divided out (1 without scaling)
  double lambda = 0;   ///< the weight used
  int iterations = 0;  ///< the iteration budget used
};

/// kspace [C, Z, Y, X], maps [M, C, Z, Y, X], mask [Z, Y, X] (empty = from the zeros of kspace).
/// ShapeMismatch naming "k-space" and "maps" when grids or coil counts differ.
ReconResult reconstruct(const Array<cfloat>& kspace, const Array<cfloat>& maps,
                        const Array<float>& mask, const ReconOptions& options,
                        const solvers::Monitor& monitor = {});

/// Coil images F^H y_c [C, Z, Y, X] (centred orthonormal inverse FFT over the spatial axes).
Array<cfloat> coil_images(const Array<cfloat>& kspace);
/// Root-sum-of-squares over axis 0: [C, ...] -> [...].
Array<float> rss(const Array<cfloat>& images);
/// BART's data scale s of a k-space (see above); 1 when the k-space is all zero.
double data_scale(const Array<cfloat>& kspace);

}  // namespace tweed::mri

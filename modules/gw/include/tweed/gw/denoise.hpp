// Total-variation denoising of strain (Torres et al., PRD 90, 084029, 2014; Torres-Forne et al.,
// arXiv:1602.06833 and 1806.07329; Barneo et al., arXiv:2202.10465), on the shared priors and
// solvers layers.
//
// Model. For a series f (normally whitened and band-passed strain, see conditioning.hpp):
//   rROF   u = argmin_u 1/2 ||u - f||^2 + lambda TV_beta(u),  TV_beta(u) = sum_i sqrt((u_{i+1} -
//          u_i)^2 + beta),
//   TV     the beta -> 0 limit, lambda sum_i |u_{i+1} - u_i|, solved exactly (taut string).
// lambda here is the weight of the TV term (scikit-image's `weight`); the papers write
// TV_beta(u) + (lambda_ROF / 2) ||f - u||^2, so lambda_ROF = 1 / lambda. Both are per sample:
// for the same continuous signal at another sample rate, the optimal lambda changes (see
// auto_lambda). beta has the units of a squared sample difference. Default beta = 1e-4, chosen
// by measurement (GW150914-like chirp, aLIGO design noise, 4096 Hz, whitened and band-passed
// 20-1000 Hz, 10 seeds, best lambda each): window match 0.779 (exact TV), 0.787 (beta 1e-6),
// 0.798 (1e-4), 0.772 (1e-3), 0.738 (1e-2) at SNR 15, and the same order at SNR 10; at 1e-4 the
// output differs from exact TV by a few per cent (relative l2): it rounds TV's staircase.
//
// Iterative rROF, in the two readings of the literature (which one the cWB plug-in uses is not
// published):
//   kIterativeRrof  (forward scale space) u_0 = f, u_k = rROF(u_{k-1}): each pass removes more;
//   kBregmanRrof    (Bregman / inverse scale space, Osher et al. 2005) v_0 = 0,
//                   u_k = rROF(f + v_{k-1}), v_k = v_{k-1} + (f - u_k): each pass adds back
//                   detail from the residual, converging to f as k grows.
// Stopping: a fixed count, or the discrepancy principle with the noise level sigma: Bregman stops
// at the first k with ||u_k - f||^2 <= (tau sigma)^2 N; the forward iteration stops before the
// step that would make ||u_k - f||^2 exceed (tau sigma)^2 N (at least one pass is made).
//
// Solvers for rROF (every one reaches the same minimiser; tested):
//   kNewton       priors::rrof_denoise, the primal-dual Newton method of Chan, Golub & Mulet
//                 (tridiagonal steps, O(N) each, quadratic convergence): the default; on 32 s at
//                 4096 Hz (lambda 5.6, beta 1e-4) 15 steps, ~0.33 us/sample (docs/benchmarks.md) to
//                 1e-8, against ~28 us/sample for FISTA to 3e-6 (exact TV by taut string: ~0.02
//                 us/sample);
//   kFista        solvers::fista on the smooth lambda TV_beta (gradient -lambda D^T (Du / sqrt(
//                 (Du)^2 + beta)), Lipschitz 4 lambda / sqrt(beta)) plus the prox of the fidelity;
//   kPdhg         solvers::pdhg (Chambolle-Pock) with K = D (linop::FiniteDifference), the
//                 fidelity as G and lambda sum sqrt(z^2 + beta) as F (its prox: a scalar Newton
//                 solve per element; beta = 0 gives the soft threshold, i.e. exact TV);
//   kSplitBregman solvers::split_bregman with A = I, K = D: exact TV only (beta must be 0).
// With beta = 0, kNewton and kFista fall back to the exact TV of priors::tv1d_denoise.
#pragma once

#include <span>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/gw/metrics.hpp"

namespace tweed::gw {

inline constexpr double kDefaultBeta = 1e-4;

enum class DenoiseMethod { kRrof, kTv, kIterativeRrof, kBregmanRrof };
enum class RrofSolver { kNewton, kFista, kPdhg, kSplitBregman };
enum class IterationStop { kFixed, kDiscrepancy };

struct RrofSolveOptions {
  RrofSolver solver = RrofSolver::kNewton;
  /// kNewton: ||grad F|| <= tolerance ||f|| (so ||u - u*|| <= tolerance ||f||); kFista: relative
  /// change of u; kPdhg / kSplitBregman: the solvers' relative residuals.
  double tolerance = 1e-8;
  /// 0 = the solver's default (Newton 200; FISTA 20000; PDHG 20000; split Bregman 5000).
  int max_iterations = 0;
};

struct RrofSolveReport {
  int iterations = 0;
  bool converged = true;
};

/// u = argmin 1/2 ||u - f||^2 + lambda TV_beta(u) for a 1-D series f (beta = 0: exact TV).
/// Throws InvalidInput for lambda < 0, beta < 0, a rank other than 1, or kSplitBregman with
/// beta > 0.
Array<double> rrof_solve(const Array<double>& f, double lambda, double beta,
                         const RrofSolveOptions& options = {}, RrofSolveReport* report = nullptr);

struct DenoiseOptions {
  DenoiseMethod method = DenoiseMethod::kRrof;
  /// TV weight; <= 0 selects auto_lambda(sigma, sample_rate).
  double lambda = 0;
  /// rROF smoothing (ignored by kTv).
  double beta = kDefaultBeta;
  RrofSolveOptions solver;
  /// Iterative methods: the number of passes (kFixed) or the most passes (kDiscrepancy).
  int iterations = 1;
  IterationStop stop = IterationStop::kFixed;
  /// Noise standard deviation per sample; <= 0 = estimate_noise_sigma(f).
  double noise_sigma = 0;
  /// tau of the discrepancy principle.
  double discrepancy = 1.0;
  /// Sample rate of f (Hz); only auto_lambda uses it.
  double sample_rate = 4096;
};

struct DenoiseReport {
  double lambda = 0;       ///< the weight used
  double noise_sigma = 0;  ///< given or estimated
  int passes = 0;          ///< rROF solves made
  int solver_iterations = 0;
  bool converged = true;               ///< every solve converged
  std::vector<double> residual_norms;  ///< ||u_k - f|| after each pass
};

/// Denoises f (rank 1) as `options` say.
Array<double> denoise(const Array<double>& f, const DenoiseOptions& options,
                      DenoiseReport* report = nullptr);

/// Robust noise level: 1.4826 x the median absolute deviation from the median (exact for
/// Gaussian noise; a short signal or a few glitches barely move it).
double estimate_noise_sigma(const Array<double>& x);

/// The automatic weight for whitened, band-passed (20-1000 Hz) strain at noise level sigma:
/// lambda = kappa sigma (sample_rate / 4096), kappa = kAutoLambdaPerSigma = 8. Calibrated on
/// GW150914-like injections (36 + 29 Msun, aLIGO design noise, 4096 Hz, 10 seeds): the best
/// single-step rROF weight was 5.6 at SNR 10, 15, 24 and 40 with sigma ~= 0.67-0.71, and
/// kappa = 8 scored within 0.005 of the best grid weight at each of them (docs/gw.md). The ROF
/// problem is 1-homogeneous (scaling f by a scales the optimal lambda by a), hence lambda in
/// proportion to sigma; the best grid weight stayed 5.6 from SNR 10 to 40 (kappa 8.4 to 7.9).
/// It depends strongly on the signal's frequency content: for a GW151226-like chirp (14.2 +
/// 7.5) at SNR 15 the best weight is 1.8 (kappa 2.6, match 0.567) and kappa = 8 scores only 0.41
/// (input 0.32), so use calibrate_lambda for other sources. The factor in the sample rate
/// keeps the TV-to-fidelity balance of the same continuous signal (an assumption, not measured).
double auto_lambda(double sigma, double sample_rate = 4096);
inline constexpr double kAutoLambdaPerSigma = 8.0;

/// A geometric grid from lo to hi (inclusive) with `per_decade` points per decade.
std::vector<double> log_grid(double lo, double hi, int per_decade);

struct CalibrationPoint {
  double lambda = 0;
  double match = 0;        ///< window_match of the denoised series against the clean one
  double snr_gain_db = 0;  ///< snr_gain_db on the same window
};
struct Calibration {
  double best_lambda = 0;
  double best_match = 0;
  std::vector<CalibrationPoint> points;
};

/// Grid search of lambda against a known injection: denoises `noisy` with every lambda of the
/// grid (other settings from `base`) and scores window_match(u, clean, window, max_shift); the
/// best lambda maximises the match (never the energy gain alone: flattening u to 0 also
/// "gains"). Deterministic; the grid points run in parallel.
Calibration calibrate_lambda(const Array<double>& noisy, const Array<double>& clean, Window window,
                             index_t max_shift, std::span<const double> lambdas,
                             const DenoiseOptions& base);

}  // namespace tweed::gw

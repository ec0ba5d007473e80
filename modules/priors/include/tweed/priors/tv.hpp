// Total variation denoising, the prox of g = lambda * TV:
//   tv_denoise(f, lambda):  argmin_u  1/2 ||u - f||_2^2 + lambda * TV(u).
//
// TV uses forward differences with Neumann boundary (the difference leaving the grid is zero),
// the convention of Chambolle (2004) and scikit-image:
//   isotropic    TV(u) = sum_j sqrt(sum_a (D_a u)_j^2),
//   anisotropic  TV(u) = sum_j sum_a |(D_a u)_j|,
// with (D_a u)_j = u_{j + e_a} - u_j, or 0 on the last index of axis a. In 1-D both are
// sum_i |u_{i+1} - u_i|.
//
// Solvers:
//  - 1-D: exact, by the taut-string algorithm (Davies & Kovac 2001; Grasmair 2007): the solution
//    is the derivative of the shortest path from (0, 0) to (N, S_N) that stays within lambda of
//    the cumulative sums S_k = sum_{i<k} f_i. Linear time (each knot enters and leaves the two
//    hull chains once), computed in double precision whatever T.
//  - 2-D and 3-D: iterative on the dual, u = f + div q with |q_j| <= lambda (per pixel: the l2
//    norm of the gradient components for isotropic, each component for anisotropic):
//      kFgp:       fast gradient projection (Beck & Teboulle 2009), step 1/(4 d) for d dims,
//                  with gradient-based adaptive restart of the momentum (O'Donoghue & Candes
//                  2015), which also makes warm starts pay off;
//      kChambolle: Chambolle's (2004) semi-implicit projection with step 1/(2 d), exactly the
//                  iteration of scikit-image's denoise_tv_chambolle.
//    Each iteration is one fused pass over the arrays (threaded over slabs of axis 0).
//
// Mapping to scikit-image: denoise_tv_chambolle(image, weight, eps, max_num_iter) computes
// u = image + div p with |p| <= weight and the semi-implicit update above, i.e. it minimises
// 1/2 ||u - f||^2 + weight * TV_iso(u): lambda = weight exactly. Its stopping rule is
// |E_{n-1} - E_n| < eps * E_0 with E_n = (||u_n - f||^2 + weight * TV(u_n)) / N (note: no 1/2
// on the fidelity) evaluated at the n-th iterate before its dual update; TvOptions::skimage
// reproduces it (same iterations, same output up to rounding).
//
// Stopping by duality gap: for any feasible q and u = f + div q,
//   gap = P(u) - D(q) = lambda TV(u) - <q, grad u> >= 1/2 ||u - u*||^2,
// so stopping when sqrt(2 gap) <= tolerance * ||f|| certifies ||u - u*|| <= tolerance * ||f||.
// The gap is evaluated in double for the dual projected (in double) onto the constraint, so it
// is a true certificate for float data too. It cannot be resolved below a rounding floor, about
// 8 eps lambda (TV(u) + 2 d ||f||_1) + eps_T lambda^2 N (the second term from storing q in T);
// reaching the floor also counts as convergence, so a tolerance near machine precision means
// "as accurate as T allows" (in practice ~1e-8 relative for double, ~1e-4 for float).
#pragma once

#include <limits>
#include <mutex>
#include <span>
#include <vector>

#include "tweed/priors/prox.hpp"

namespace tweed::priors {

enum class TvAlgorithm {
  kFgp,        ///< Beck-Teboulle fast gradient projection on the dual (default)
  kChambolle,  ///< Chambolle's semi-implicit projection (scikit-image's iteration)
};

enum class TvStop {
  kDualityGap,      ///< sqrt(2 gap) <= tolerance * ||f||: certified error bound
  kEnergyDecrease,  ///< scikit-image's rule |E_{n-1} - E_n| < tolerance * E_0
  kNone,            ///< run max_iterations
};

struct TvOptions {
  bool isotropic = true;
  TvAlgorithm algorithm = TvAlgorithm::kFgp;
  TvStop stop = TvStop::kDualityGap;
  int max_iterations = 500;
  /// kDualityGap: certified relative error ||u - u*|| / ||f||; the bound is conservative (on a
  /// noisy 512^2 phantom, 1e-2 takes ~140 FGP iterations and the actual error is ~8e-4).
  /// kEnergyDecrease: scikit-image's eps.
  double tolerance = 1e-2;
  /// kDualityGap: the gap costs one extra pass (in double), so it is evaluated every this many
  /// iterations.
  int check_every = 10;
  /// How many trailing axes TV couples: 0 = all axes (rank 1 to 3); k < rank = the last k axes,
  /// the leading ones index independent problems (k = 1: every row on its own, exact 1-D).
  int spatial_dims = 0;
  /// TvProx only: keep the last dual and start the next prox of the same shape from it. Inside
  /// an outer solver (FISTA, ADMM) successive prox inputs differ little, so the inner iterations
  /// drop several-fold; the result then depends on the call history (deterministically for a
  /// given sequence of calls).
  bool warm_start = false;

  /// scikit-image's denoise_tv_chambolle(image, weight=lambda, eps, max_num_iter).
  static TvOptions skimage(double eps = 2e-4, int max_num_iter = 200) {
    TvOptions o;
    o.algorithm = TvAlgorithm::kChambolle;
    o.stop = TvStop::kEnergyDecrease;
    o.tolerance = eps;
    o.max_iterations = max_num_iter;
    return o;
  }
};

struct TvReport {
  /// Iterations run (the largest over a batch; 0 for the exact 1-D solver).
  int iterations = 0;
  /// The stopping rule was met (always true for 1-D; false when max_iterations ran out). For
  /// kDualityGap, also true when the gap reached its rounding floor.
  bool converged = true;
  /// The last duality gap (summed over a batch); NaN where not computed.
  double gap = std::numeric_limits<double>::quiet_NaN();
};

/// The dual variable of tv_denoise, for warm starts and optimality certificates. p[a] (a = 0..d-1,
/// the spatial axes in order) has f's shape and
///   u = f + lambda div p,   (div p)_j = sum_a (p[a]_j - p[a]_{j - e_a})   (0 off the grid),
/// with |p_j| <= 1 (the l2 norm over a for isotropic TV, each |p[a]_j| for anisotropic) and
/// p[a] = 0 on the last index of axis a. Any such p certifies the output u: with
/// D(p) = 1/2||f||^2 - 1/2||f + lambda div p||^2 <= min P, 1/2||u - u*||^2 <= P(u) - D(p).
template <Element T>
struct TvDual {
  std::vector<Array<T>> p;
};

/// Exact 1-D TV denoising of one signal: x = argmin 1/2 ||x - y||^2 + lambda sum |x_{i+1} - x_i|.
/// x and y have the same length; x may be y.
template <Element T>
void tv1d_denoise(std::span<const T> y, double lambda, std::span<T> x);

/// Exact 1-D TV denoising of every row (the last axis) of y independently, in parallel: a batch of
/// signals (e.g. channels of strain data). out may be empty, of y's shape, or y itself.
template <Element T>
void tv1d_denoise_rows(const Array<T>& y, double lambda, Array<T>& out);

/// TV denoising of f (rank 1 to 3, or a batch, see TvOptions::spatial_dims). Real T only.
/// out may be empty, of f's shape, or f itself.
template <Element T>
TvReport tv_denoise(const Array<T>& f, double lambda, Array<T>& out, const TvOptions& options = {});

/// As above with a dual: when `dual` holds d arrays of f's shape they warm-start the iterative
/// solvers (projected onto the feasible set first; the exact 1-D solver needs no start), otherwise
/// the start is cold; on return it holds the final dual (d arrays of f's shape). Warm starts pay
/// off when a solver calls the prox repeatedly on slowly changing inputs; p is scale-free, so it
/// stays a good start when lambda (or tau) changes.
template <Element T>
TvReport tv_denoise(const Array<T>& f, double lambda, Array<T>& out, const TvOptions& options,
                    TvDual<T>* dual);

/// TV(x) (without lambda), isotropic or anisotropic, over the trailing `spatial_dims` axes (0 =
/// all), summed over a batch. Accumulated in double.
template <Element T>
double tv_value(const Array<T>& x, bool isotropic = true, int spatial_dims = 0);

/// g = lambda * TV as a Prox: prox(x, tau) = tv_denoise(x, tau * lambda) with the given options.
template <Element T>
class TvProx final : public Prox<T> {
 public:
  explicit TvProx(double lambda, TvOptions options = {});

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  /// lambda * TV(x)
  double value(const Array<T>& x) const override;
  bool has_value() const override { return true; }
  std::string name() const override;

  double lambda() const { return lambda_; }
  const TvOptions& options() const { return options_; }
  /// The report of the last prox call (iterations, convergence, gap).
  TvReport last_report() const;

 private:
  double lambda_;
  TvOptions options_;
  // Call history: the last report, and the last dual for warm starts. Guarded so that the prox
  // stays safe to call from several threads.
  mutable std::mutex mutex_;
  mutable TvReport last_;
  mutable TvDual<T> dual_;
};

}  // namespace tweed::priors

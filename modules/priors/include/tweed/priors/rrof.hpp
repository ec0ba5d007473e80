// Regularised ROF (rROF): TV smoothed by beta > 0,
//   rrof_denoise(f, lambda, beta):  argmin_u  F(u) = 1/2 ||u - f||_2^2 + lambda * TV_beta(u),
//   1-D: TV_beta(u) = sum_{i<N-1} sqrt((u_{i+1} - u_i)^2 + beta)
//   2-D: TV_beta(u) = sum_j sqrt((D_0 u)_j^2 + (D_1 u)_j^2 + beta)  (every pixel, forward
//        differences with Neumann boundary as in tv.hpp, so a pixel on the last row or column
//        contributes sqrt(one difference^2 + beta) and the last corner sqrt(beta)).
// F is smooth and 1-strongly convex; as beta -> 0 its minimiser tends to the exact TV prox
// (tv_denoise with the same lambda).
//
// Convention: the GW literature (Torres et al. 2014, Barneo et al. 2022) writes
// rROF as TV_beta(u) + (lambda_ROF / 2) ||f - u||^2; dividing by lambda_ROF gives ours with
// lambda = 1 / lambda_ROF.
//
// Solvers (documented choices; both stop on the gradient, which certifies the distance to the
// minimiser because F is 1-strongly convex: ||u - u*|| <= ||grad F(u)||):
//  - 1-D: the primal-dual Newton method of Chan, Golub & Mulet (1999): with s = sqrt((Du)^2 + beta)
//    and the dual w ~ Du / s (|w| <= 1), each step solves the tridiagonal system
//    (I + lambda D^T diag((1 - w Du / s) / s) D) du = -grad F(u) (Thomas algorithm, O(N)), which
//    is SPD, so du is a descent direction; a backtracking (Armijo) line search on F keeps
//    global convergence, and w follows the linearised dual equation (clamped to [-1, 1]).
//    Quadratic convergence near the solution, robust for small beta.
//  - 2-D: Nesterov's accelerated gradient for strongly convex functions, step 1/L with
//    L = 1 + 8 lambda / sqrt(beta) and momentum (sqrt(L) - 1) / (sqrt(L) + 1).
#pragma once

#include "tweed/priors/prox.hpp"

namespace tweed::priors {

struct RrofOptions {
  /// Stop when ||grad F(u)||_2 <= tolerance * ||f||_2 (hence ||u - u*|| <= tolerance * ||f||).
  double tolerance = 1e-8;
  /// 0 = automatic: 200 Newton steps in 1-D, 100000 gradient steps in 2-D.
  int max_iterations = 0;
  /// As TvOptions::spatial_dims: 0 = all axes (rank 1 or 2); 1 = every row on its own.
  int spatial_dims = 0;
};

struct RrofReport {
  int iterations = 0;        ///< the largest over a batch
  bool converged = true;     ///< every item met the tolerance
  double gradient_norm = 0;  ///< the largest final ||grad F|| over a batch
};

/// rROF denoising (real T; computed in double). out may be empty, of f's shape, or f itself.
template <Element T>
RrofReport rrof_denoise(const Array<T>& f, double lambda, double beta, Array<T>& out,
                        const RrofOptions& options = {});

/// TV_beta(x) as defined above, summed over a batch.
template <Element T>
double tv_beta_value(const Array<T>& x, double beta, int spatial_dims = 0);

/// g = lambda * TV_beta as a Prox.
template <Element T>
class RrofProx final : public Prox<T> {
 public:
  RrofProx(double lambda, double beta, RrofOptions options = {});

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  /// lambda * TV_beta(x)
  double value(const Array<T>& x) const override;
  bool has_value() const override { return true; }
  std::string name() const override { return "rrof"; }

  double lambda() const { return lambda_; }
  double beta() const { return beta_; }

 private:
  double lambda_;
  double beta_;
  RrofOptions options_;
};

}  // namespace tweed::priors

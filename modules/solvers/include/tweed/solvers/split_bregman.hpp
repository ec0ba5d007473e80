// Split Bregman (Goldstein & Osher, SIAM J. Imaging Sci. 2009) for
//   min_x 1/2 ||A x - b||^2 + lambda ||K x||_1                       (anisotropic), or
//   min_x 1/2 ||A x - b||^2 + lambda sum_j ||(K x)_{:, j}||_2          (isotropic),
// where in the isotropic case the first axis of K's range holds the components of one group
// (a gradient operator's directions, by Tweed convention) and j runs over the other axes.
//   x <- (A^H A + mu K^H K)^{-1} (A^H b + mu K^H (d - c))   (warm-started CG)
//   d <- shrink(K x + c, lambda / mu)
//   c <- c + K x - d
// With one inner sweep per Bregman update (Goldstein–Osher's N = 1) this is ADMM on
// g = lambda ||.||_1 with rho = mu and scaled dual c, and it stops on the same residuals.
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct SplitBregmanOptions {
  /// Regularisation weight lambda > 0.
  double lambda = 1.0;
  /// Bregman penalty mu > 0 (ADMM's rho).
  double mu = 1.0;
  /// Group soft-threshold over the first axis of K's range instead of element-wise shrinkage.
  bool isotropic = false;
  int max_iterations = 200;
  /// Relative and absolute tolerances of the primal/dual residual tests (see AdmmOptions).
  double tol = 1e-4;
  double abs_tol = 1e-9;
  int cg_iterations = 10;
  double cg_tol = 1e-8;
  /// Report 1/2||Ax-b||^2 + lambda R(Kx) to the monitor (one extra A x per iteration).
  bool compute_objective = false;
  bool keep_history = true;
};

/// x: initial guess (empty = zero), overwritten by the solution.
template <Element T>
SolveReport split_bregman(const linop::LinearOperator<T>& A, const Array<T>& b,
                          const linop::LinearOperator<T>& K, Array<T>& x,
                          const SplitBregmanOptions& options = {}, const Monitor& monitor = {});

}  // namespace tweed::solvers

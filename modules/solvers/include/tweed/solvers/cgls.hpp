// CGLS (Hestenes & Stiefel 1952; Björck, "Numerical Methods for Least Squares Problems", 1996,
// §7.4): conjugate gradients on the normal equations without forming A^H A, for
//   min_x ||A x - b||_2^2 + lambda ||x||_2^2,  lambda >= 0.
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct CglsOptions {
  /// Iteration budget (one A and one A^H per iteration).
  int max_iterations = 100;
  /// Stop when the normal-equations residual ||A^H (b - A x) - lambda x|| <= tol * ||A^H b||.
  double tol = 1e-6;
  /// Record every iteration in SolveReport::history.
  bool keep_history = true;
};

/// x: initial guess (empty = zero), overwritten by the solution. The monitor sees the relative
/// normal-equations residual above and the objective ||A x - b||^2 + lambda ||x||^2.
template <Element T>
SolveReport cgls(const linop::LinearOperator<T>& A, const Array<T>& b, double lambda, Array<T>& x,
                 const CglsOptions& options = {}, const Monitor& monitor = {});

}  // namespace tweed::solvers

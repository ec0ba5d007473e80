// Conjugate gradients (Hestenes & Stiefel 1952) for Hermitian positive-definite systems, with an
// optional preconditioner, and its normal-equations form (A^H A + lambda I) x = A^H b.
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct CgOptions {
  /// Iteration budget; reaching it is reported as StopReason::max_iterations.
  int max_iterations = 100;
  /// Stop when ||b - M x|| <= tol * ||b|| (M the system matrix, b its right-hand side).
  double tol = 1e-6;
  /// Record every iteration in SolveReport::history.
  bool keep_history = true;
};

/// Solves A x = b for a Hermitian positive-definite A (domain == range).
///
/// x is the initial guess (warm start); an empty x starts from zero. The residual reported to the
/// monitor is the relative residual ||b - A x|| / ||b|| (recursively updated); the objective is
/// not computed (NaN). `preconditioner`, when given, applies M^{-1} (itself HPD) to a residual.
/// A non-positive curvature p^H A p (A or M^{-1} not positive definite) stops with
/// StopReason::breakdown; b = 0 gives x = 0 at once.
template <Element T>
SolveReport cg(const linop::LinearOperator<T>& A, const Array<T>& b, Array<T>& x,
               const CgOptions& options = {}, const Monitor& monitor = {},
               const LinearMap<T>& preconditioner = {});

/// The same for an HPD matrix given as a callable y = A x; x must be allocated (it gives the
/// shape) or is allocated with b's shape.
template <Element T>
SolveReport cg(const LinearMap<T>& A, const Array<T>& b, Array<T>& x, const CgOptions& options = {},
               const Monitor& monitor = {}, const LinearMap<T>& preconditioner = {});

/// Solves the regularised normal equations (A^H A + lambda I) x = A^H b, lambda >= 0, i.e.
/// min_x ||A x - b||^2 + lambda ||x||^2, by CG on A^H A + lambda I through A.apply_normal (so
/// operators with a fast normal operator, e.g. Toeplitz embedding, are used as such). The
/// residual is relative to ||A^H b||. For ill-conditioned A prefer cgls, which never forms
/// A^H A.
template <Element T>
SolveReport cg_normal(const linop::LinearOperator<T>& A, const Array<T>& b, double lambda,
                      Array<T>& x, const CgOptions& options = {}, const Monitor& monitor = {},
                      const LinearMap<T>& preconditioner = {});

}  // namespace tweed::solvers

// C-SALSA (Afonso, Bioucas-Dias & Figueiredo, IEEE Trans. Image Process. 20(3), 2011): the
// constrained problem
//   min_x phi(x)  subject to  ||y - A x||_2 <= epsilon
// by ADMM on the splitting v1 = A x, v2 = x (scaled duals u1, u2; the paper's d = -u):
//   x  <- (A^H A + I)^{-1} (A^H (v1 - u1) + (v2 - u2))
//   v1 <- projection of A x + u1 onto the ball {v : ||v - y|| <= epsilon}
//   v2 <- prox_{phi/mu}(x + u2)
//   u1 <- u1 + A x - v1,   u2 <- u2 + x - v2.
// mu cancels in the x-step, so only the prox sees it. Stopping as ADMM with K = [A; I]:
// primal r = (A x - v1, x - v2), dual s = mu (A^H (v1 - v1_old) + v2 - v2_old), with
//   ||r|| <= sqrt(m + n) abs_tol + tol max(||(A x, x)||, ||(v1, v2)||),
//   ||s|| <= sqrt(n) abs_tol + tol mu max(||A^H u1||, ||u2||)
// (Boyd's dual scale mu ||A^H u1 + u2|| tends to 0 here, as A^H u1 + u2 = 0 at the solution).
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct CsalsaOptions {
  /// Penalty mu > 0 (phi is applied as prox_phi(v, 1/mu)).
  double mu = 1.0;
  int max_iterations = 300;
  /// Relative and absolute tolerances of the primal/dual residual tests (see AdmmOptions).
  double tol = 1e-4;
  double abs_tol = 1e-9;
  /// CG iterations per x-step (warm-started) and CG's relative tolerance.
  int cg_iterations = 10;
  double cg_tol = 1e-8;
  bool keep_history = true;
};

/// x: initial guess (empty = zero), overwritten by the solution. prox_phi is called as
/// prox_phi(v, 1/mu, out). When phi_value is given the monitor sees phi(x) as the objective;
/// the residual is max(relative primal, relative dual) as for admm. x_solve, when given, replaces
/// CG and is called with rho = 1: it solves (A^H A + I) x = rhs (e.g. x = rhs / 2 when
/// A^H A = I).
template <Element T>
SolveReport csalsa(const linop::LinearOperator<T>& A, const Array<T>& y, double epsilon,
                   const ProxFunction<T>& prox_phi, Array<T>& x, const CsalsaOptions& options = {},
                   const Monitor& monitor = {}, const ValueFunction<T>& phi_value = {},
                   const SystemSolveFunction<T>& x_solve = {});

}  // namespace tweed::solvers

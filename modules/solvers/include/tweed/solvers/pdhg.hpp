// PDHG, the primal-dual hybrid gradient method of Chambolle & Pock (J. Math. Imaging Vis. 2011,
// Algorithm 1), for
//   min_x G(x) + F(K x)  =  min_x max_y <K x, y> + G(x) - F*(y),
// with the prox of G and the prox of the conjugate F* (see conjugate_prox for F* from F):
//   x_new = prox_{tau G}(x - tau K^H y)
//   y_new = prox_{sigma F*}(y + sigma K (x_new + theta (x_new - x)))
// (primal step first; with theta = 1 the same iterates as the paper's ordering, shifted by half
// a step), then optionally over-relaxed (x, y) <- (x, y) + rho ((x_new, y_new) - (x, y)),
// rho in (0, 2) (Condat 2013; Chambolle & Pock 2016). Converges when tau sigma ||K||^2 < 1.
// Residuals (Goldstein, Esser & Baraniuk 2013), elements of the optimality conditions' sets:
//   primal P = (x - x_new)/tau - K^H (y - y_new)             in  dG(x_new) + K^H y_new
//   dual   D = (y - y_new)/sigma + theta K (x_new - x)      in  dF*(y_new) - K x_new.
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/power.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct PdhgOptions {
  int max_iterations = 500;
  /// Primal and dual steps. Both 0 (default): tau = sigma = 0.99 / ||K||. One 0: chosen so that
  /// tau sigma ||K||^2 = 0.98. Both given: used as they are (the caller ensures
  /// tau sigma ||K||^2 < 1; a violation usually shows as StopReason::diverged).
  double tau = 0;
  double sigma = 0;
  /// Extrapolation theta in [0, 1]; 1 is the analysed choice.
  double theta = 1.0;
  /// Over-relaxation rho in (0, 2); 1 = none. Intended for theta = 1.
  double relaxation = 1.0;
  /// ||K||_2 when known; 0 = estimate by power iteration times sqrt(lipschitz_margin).
  double operator_norm = 0;
  double lipschitz_margin = 1.01;
  /// Settings of that power iteration.
  PowerOptions power = {};
  /// Stop when ||P|| <= sqrt(n) abs_tol + tol ||K^H y_new|| and
  ///           ||D|| <= sqrt(m) abs_tol + tol ||K x_new||.
  double tol = 1e-4;
  double abs_tol = 1e-9;
  bool keep_history = true;
};

/// x: initial guess (empty = zero), overwritten by the solution. prox_g(v, tau, out) on K's
/// domain, prox_f_conj(v, sigma, out) = prox_{sigma F*}(v) on K's range. `dual`, when given, is
/// the initial y (empty = zero) and receives the final y. The monitor sees
/// max(||P|| / ||K^H y_new||, ||D|| / ||K x_new||) and, when `objective` is given, objective(x).
template <Element T>
SolveReport pdhg(const linop::LinearOperator<T>& K, const ProxFunction<T>& prox_g,
                 const ProxFunction<T>& prox_f_conj, Array<T>& x, const PdhgOptions& options = {},
                 const Monitor& monitor = {}, const ValueFunction<T>& objective = {},
                 Array<T>* dual = nullptr);

}  // namespace tweed::solvers

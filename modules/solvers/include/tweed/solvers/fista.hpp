// FISTA (Beck & Teboulle, SIAM J. Imaging Sci. 2009) for min_x f(x) + g(x), f convex with an
// L-Lipschitz gradient, g convex with a computable prox, with optional adaptive restart
// (O'Donoghue & Candès, Found. Comput. Math. 2015, gradient scheme).
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/power.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct FistaOptions {
  /// Iteration budget (one gradient and one prox each).
  int max_iterations = 500;
  /// Stop when ||x_k - x_{k-1}|| <= tol * ||x_k|| (absolute when x_k = 0).
  double tol = 1e-6;
  /// Lipschitz constant L of grad f; the step is 1/L. For the least-squares form, 0 means
  /// "estimate ||A||^2 by power iteration" (times lipschitz_margin). The generic form needs L > 0.
  double lipschitz = 0;
  /// Factor applied to the power-iteration estimate, which approaches ||A||^2 from below.
  double lipschitz_margin = 1.01;
  /// Settings of that power iteration.
  PowerOptions power = {};
  /// Reset the momentum whenever it points against the last step (gradient restart).
  bool restart = false;
  bool keep_history = true;
};

/// min_x 1/2 ||A x - b||^2 + g(x), g given by its prox (called as prox_g(v, 1/L, out)).
/// x: initial guess (empty = zero), overwritten by the solution. The monitor sees the relative
/// change of x; the objective is reported when g_value is given (it costs one extra A x).
template <Element T>
SolveReport fista(const linop::LinearOperator<T>& A, const Array<T>& b,
                  const ProxFunction<T>& prox_g, Array<T>& x, const FistaOptions& options = {},
                  const Monitor& monitor = {}, const ValueFunction<T>& g_value = {});

/// Generic form: min_x f(x) + g(x) with grad_f(x, grad) and options.lipschitz = L (> 0) the
/// Lipschitz constant of grad f. x must be allocated (it is the initial guess). `objective`, when
/// given, evaluates f + g at x for the monitor.
template <Element T>
SolveReport fista(const GradientFunction<T>& grad_f, const ProxFunction<T>& prox_g, Array<T>& x,
                  const FistaOptions& options, const Monitor& monitor = {},
                  const ValueFunction<T>& objective = {});

}  // namespace tweed::solvers

// ADMM (Boyd, Parikh, Chu, Peleato & Eckstein, Found. Trends Mach. Learn. 2011) for
//   min_x 1/2 ||A x - b||^2 + g(K x)
// in the scaled form (§3.1.1), with the splitting z = K x:
//   x <- argmin 1/2 ||A x - b||^2 + rho/2 ||K x - z + u||^2,
//        i.e. (A^H A + rho K^H K) x = A^H b + rho K^H (z - u), by warm-started CG;
//   z <- prox_{g/rho}(alpha K x + (1 - alpha) z + u)       (alpha: over-relaxation, §3.4.3);
//   u <- u + alpha K x + (1 - alpha) z_old - z.
// Stopping (§3.3.1): primal residual r = K x - z, dual residual s = rho K^H (z - z_old),
//   ||r|| <= sqrt(p) abs_tol + tol max(||K x||, ||z||),  ||s|| <= sqrt(n) abs_tol + tol ||rho K^H
//   u||.
// Plug-and-play ADMM (Venkatakrishnan, Bouman & Wohlberg 2013) is the same iteration with K = I
// and the z-step done by a denoiser.
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct AdmmOptions {
  /// Outer iteration budget.
  int max_iterations = 200;
  /// Penalty rho > 0 of the augmented Lagrangian (its scale matters: too small and the
  /// constraint is slow to be met, too large and the prior is slow to act).
  double rho = 1.0;
  /// Relative tolerance (Boyd's eps_rel) of both residual tests.
  double tol = 1e-4;
  /// Absolute tolerance per element (Boyd's eps_abs; multiplied by sqrt(size)). It decides
  /// when the scale of the relative test vanishes, e.g. when the solution is z = 0.
  double abs_tol = 1e-9;
  /// CG iterations per x-step (warm-started from the previous x) and CG's relative tolerance.
  int cg_iterations = 10;
  double cg_tol = 1e-8;
  /// Over-relaxation alpha in (0, 2); 1.5-1.8 often speeds convergence (Boyd §3.4.3).
  double relaxation = 1.0;
  /// Residual balancing (Boyd §3.4.1): when ||r|| > mu ||s|| multiply rho by tau (and u by
  /// 1/tau), when ||s|| > mu ||r|| divide rho by tau.
  bool adapt_rho = false;
  double adapt_mu = 10.0;
  double adapt_tau = 2.0;
  bool keep_history = true;
};

/// x: initial guess (empty = zero), overwritten by the solution; z starts at K x, u at 0.
/// prox_g is called as prox_g(v, 1/rho, z), on arrays of K's range shape.
/// The monitor sees residual = max(||r|| / max(||Kx||, ||z||), ||s|| / ||rho K^H u||) (the relative
/// primal and dual residuals) and, when g_value is given, the objective 1/2||Ax-b||^2 + g(Kx)
/// (one extra A x per iteration). x_solve, when given, replaces CG: it must solve
/// (A^H A + rho K^H K) x = rhs for the rho it is passed (rho changes when adapt_rho is on).
template <Element T>
SolveReport admm(const linop::LinearOperator<T>& A, const Array<T>& b,
                 const linop::LinearOperator<T>& K, const ProxFunction<T>& prox_g, Array<T>& x,
                 const AdmmOptions& options = {}, const Monitor& monitor = {},
                 const ValueFunction<T>& g_value = {}, const SystemSolveFunction<T>& x_solve = {});

struct PnpAdmmOptions {
  /// Weight lambda of the implicit prior in min 1/2||Ax - b||^2 + lambda R(x).
  double lambda = 1.0;
  /// Initial penalty rho > 0 and its growth per iteration (rho_{k+1} = rho_growth * rho_k, with
  /// u rescaled; Chan, Wang & Elgendy 2017 use 1 < growth to make PnP converge).
  double rho = 1.0;
  double rho_growth = 1.0;
  int max_iterations = 100;
  /// Relative and absolute tolerances of the residual tests (as AdmmOptions).
  double tol = 1e-4;
  double abs_tol = 1e-9;
  int cg_iterations = 10;
  double cg_tol = 1e-8;
  bool keep_history = true;
};

/// Plug-and-play ADMM for min_x 1/2||A x - b||^2 + lambda R(x), the prior R known only through a
/// denoiser. The z-step argmin_z lambda R(z) + rho/2 ||z - v||^2 is the MAP denoiser of v under
/// white Gaussian noise of variance lambda/rho, so it is replaced by
///   z = denoiser(v, sigma),  sigma = sqrt(lambda / rho).
/// With a denoiser that is the exact prox of sigma^2 R this is ADMM with K = I. x-step:
/// (A^H A + rho I) x = A^H b + rho (z - u) by CG, or x_solve(rhs, rho, x). The objective is not
/// computed (NaN); residuals as for admm with K = I.
template <Element T>
SolveReport pnp_admm(const linop::LinearOperator<T>& A, const Array<T>& b,
                     const DenoiserFunction<T>& denoiser, Array<T>& x,
                     const PnpAdmmOptions& options = {}, const Monitor& monitor = {},
                     const SystemSolveFunction<T>& x_solve = {});

}  // namespace tweed::solvers

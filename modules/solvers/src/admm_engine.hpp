// The scaled-form ADMM iteration shared by admm, pnp_admm and split_bregman (which differ only
// in their z-step and in how rho evolves):
//   min_x 1/2 ||A x - b||^2 + g(K x),  K = identity when null.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <utility>

#include "detail.hpp"
#include "tweed/linop/linear_operator.hpp"

namespace tweed::solvers::detail {

template <Element T>
struct AdmmProblem {
  const linop::LinearOperator<T>& A;
  const Array<T>& b;
  const linop::LinearOperator<T>* K = nullptr;  ///< null: K = I
  /// z = argmin g(z) + rho/2 ||z - v||^2 (or its stand-in, a denoiser)
  std::function<void(const Array<T>& v, double rho, Array<T>& z)> z_step;
  ValueFunction<T> g_value;        ///< g on K's range; empty: no objective
  SystemSolveFunction<T> x_solve;  ///< empty: CG
};

struct AdmmSettings {
  int max_iterations = 0;
  double rho = 1;
  double tol = 0;
  double abs_tol = 0;
  int cg_iterations = 0;
  double cg_tol = 0;
  double relaxation = 1;
  bool adapt_rho = false;
  double adapt_mu = 10;
  double adapt_tau = 2;
  double rho_growth = 1;  ///< rho is multiplied by this after every iteration
  bool keep_history = true;
};

/// The fields every ADMM-family options struct shares; `penalty` is its rho (mu for split
/// Bregman). The caller sets the solver-specific fields afterwards.
template <class Options>
AdmmSettings common_settings(const Options& o, double penalty) {
  AdmmSettings s;
  s.max_iterations = o.max_iterations;
  s.rho = penalty;
  s.tol = o.tol;
  s.abs_tol = o.abs_tol;
  s.cg_iterations = o.cg_iterations;
  s.cg_tol = o.cg_tol;
  s.keep_history = o.keep_history;
  return s;
}

inline void check_admm_settings(const AdmmSettings& s, const std::string& who) {
  require_iterations(s.max_iterations, (who + ".max_iterations").c_str());
  require_positive(s.rho, (who + ".rho").c_str());
  require_non_negative(s.tol, (who + ".tol").c_str());
  require_non_negative(s.abs_tol, (who + ".abs_tol").c_str());
  require_iterations(s.cg_iterations, (who + ".cg_iterations").c_str());
  require_non_negative(s.cg_tol, (who + ".cg_tol").c_str());
  if (!(s.relaxation > 0 && s.relaxation < 2))
    throw InvalidInput(who + ".relaxation", "must lie in (0, 2)");
  if (s.adapt_rho) {
    require_positive(s.adapt_mu, (who + ".adapt_mu").c_str());
    if (!(s.adapt_tau > 1)) throw InvalidInput(who + ".adapt_tau", "must exceed 1");
  }
  require_positive(s.rho_growth, (who + ".rho_growth").c_str());
}

template <Element T>
SolveReport admm_engine(const AdmmProblem<T>& P, Array<T>& x, const AdmmSettings& s,
                        const Monitor& monitor, const std::string& who) {
  const auto& A = P.A;
  const Shape& dom = A.domain();
  const Shape zshape = P.K ? P.K->range() : dom;
  if (P.K && P.K->domain() != dom)
    throw ShapeMismatch(
        P.K->name(), "K's domain " + P.K->domain().str() + " differs from A's domain " + dom.str());
  require_shape(P.b, A.range(), who, "data b");
  prepare_unknown(x, dom, who);

  auto apply_k = [&](const Array<T>& in, Array<T>& out) {
    if (P.K)
      P.K->apply(in, out);
    else
      copy(in, out);
  };
  auto apply_kh = [&](const Array<T>& in, Array<T>& out) {
    if (P.K)
      P.K->apply_adjoint(in, out);
    else
      copy(in, out);
  };

  Tracker tracker(monitor, s.keep_history);
  Array<T> ahb(dom), rhs(dom), khz(dom), khz_old(dom), khu(dom);
  Array<T> kx(zshape), z(zshape), z_old(zshape), u(zshape), w(zshape);
  A.apply_adjoint(P.b, ahb);
  apply_k(x, kx);
  copy(kx, z);  // z = K x, u = 0: the constraint holds at the start
  apply_kh(z, khz);

  double rho = s.rho;
  // The x-step's system matrix A^H A + rho K^H K. A goes through apply_normal (operators may
  // have a fast normal form); K through forward and adjoint with our own buffers, so that the
  // CG loop allocates nothing.
  Array<T> kp, khkp;
  if (P.K && !P.x_solve) {
    kp = Array<T>(zshape);
    khkp = Array<T>(dom);
  }
  auto system = [&](const Array<T>& in, Array<T>& out) {
    A.apply_normal(in, out);
    if (P.K) {
      P.K->apply(in, kp);
      P.K->apply_adjoint(kp, khkp);
      axpy(scalar<T>(rho), khkp, out);
    } else {
      axpy(scalar<T>(rho), in, out);
    }
  };
  std::unique_ptr<CgKernel<T>> cg;
  if (!P.x_solve) cg = std::make_unique<CgKernel<T>>(dom);
  const CgOptions cg_options{s.cg_iterations, s.cg_tol, false};

  Array<T> ax;
  if (P.g_value) ax = Array<T>(A.range());
  const double sqrt_n = std::sqrt(double(dom.size()));
  const double sqrt_p = std::sqrt(double(zshape.size()));
  const double alpha = s.relaxation;

  if (s.max_iterations == 0) tracker.stop(StopReason::max_iterations);
  for (int k = 1; k <= s.max_iterations; ++k) {
    // x-step: (A^H A + rho K^H K) x = A^H b + rho K^H (z - u)
    lincomb(scalar<T>(rho), khz, scalar<T>(-rho), khu, rhs);
    axpy(T(1), ahb, rhs);
    if (P.x_solve)
      P.x_solve(rhs, rho, x);
    else
      cg->run(system, rhs, x, cg_options, {}, {});
    apply_k(x, kx);

    // z-step on v = alpha K x + (1 - alpha) z_old + u, then u = v - z.
    std::swap(z, z_old);
    if (alpha == 1) {
      lincomb(T(1), kx, T(1), u, w);
    } else {
      lincomb(scalar<T>(alpha), kx, scalar<T>(1 - alpha), z_old, w);
      axpy(T(1), u, w);
    }
    P.z_step(w, rho, z);
    lincomb(T(1), w, T(-1), z, u);

    // Residuals (Boyd §3.3): r = K x - z, s = rho K^H (z - z_old).
    std::swap(khz, khz_old);
    apply_kh(z, khz);
    apply_kh(u, khu);
    const double r_norm = norm_of_lincomb(1.0, kx, -1.0, z);
    const double s_norm = rho * norm_of_lincomb(1.0, khz, -1.0, khz_old);
    const double scale_p = std::max(norm2(kx), norm2(z));
    const double scale_d = rho * norm2(khu);
    const bool converged = r_norm <= sqrt_p * s.abs_tol + s.tol * scale_p &&
                           s_norm <= sqrt_n * s.abs_tol + s.tol * scale_d;
    const double res = std::max(relative(r_norm, scale_p), relative(s_norm, scale_d));
    double objective = kNaN;
    if (P.g_value) {
      A.apply(x, ax);
      axpy(T(-1), P.b, ax);
      objective = 0.5 * norm2_squared(ax) + P.g_value(kx);
    }
    if (tracker.stop_after(k, res, objective, converged, s.max_iterations)) break;

    // Penalty update; the scaled dual u = y / rho follows it.
    double factor = s.rho_growth;
    if (s.adapt_rho) {
      if (r_norm > s.adapt_mu * s_norm)
        factor *= s.adapt_tau;
      else if (s_norm > s.adapt_mu * r_norm)
        factor /= s.adapt_tau;
    }
    if (factor != 1) {
      rho *= factor;
      scale(u, scalar<T>(1 / factor));
      scale(khu, scalar<T>(1 / factor));
    }
  }
  return tracker.finish();
}

}  // namespace tweed::solvers::detail

#include "tweed/solvers/csalsa.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "admm_engine.hpp"

namespace tweed::solvers {

namespace {

/// v = y + (w - y) min(1, epsilon / ||w - y||): the nearest point of the ball around y.
template <Element T>
void project_ball(const Array<T>& w, const Array<T>& y, double epsilon, Array<T>& v) {
  const double dist = detail::norm_of_lincomb(1.0, w, -1.0, y);
  if (dist <= epsilon) {
    copy(w, v);
    return;
  }
  const double f = epsilon / dist;
  lincomb(detail::scalar<T>(f), w, detail::scalar<T>(1 - f), y, v);
}

}  // namespace

template <Element T>
SolveReport csalsa(const linop::LinearOperator<T>& A, const Array<T>& y, double epsilon,
                   const ProxFunction<T>& prox_phi, Array<T>& x, const CsalsaOptions& options,
                   const Monitor& monitor, const ValueFunction<T>& phi_value,
                   const SystemSolveFunction<T>& x_solve) {
  detail::require_iterations(options.max_iterations, "CsalsaOptions.max_iterations");
  detail::require_positive(options.mu, "CsalsaOptions.mu");
  detail::require_non_negative(options.tol, "CsalsaOptions.tol");
  detail::require_non_negative(options.abs_tol, "CsalsaOptions.abs_tol");
  detail::require_iterations(options.cg_iterations, "CsalsaOptions.cg_iterations");
  detail::require_non_negative(options.cg_tol, "CsalsaOptions.cg_tol");
  detail::require_non_negative(epsilon, "csalsa epsilon");
  if (!prox_phi) throw InvalidInput("csalsa", "the prox of phi must be given");
  const Shape& dom = A.domain();
  const Shape& ran = A.range();
  detail::require_shape(y, ran, "csalsa", "data y");
  detail::prepare_unknown(x, dom, "csalsa");

  detail::Tracker tracker(monitor, options.keep_history);
  const double mu = options.mu;
  Array<T> ax(ran), v1(ran), u1(ran), w1(ran);
  Array<T> v2(dom), v2_old(dom), u2(dom), w2(dom), ahv1(dom), ahv1_old(dom), ahu1(dom), rhs(dom);
  // Start from the caller's x: v1 = P(A x), v2 = x, zero duals.
  A.apply(x, ax);
  project_ball(ax, y, epsilon, v1);
  copy(x, v2);
  A.apply_adjoint(v1, ahv1);

  auto system = [&](const Array<T>& in, Array<T>& out) {  // A^H A + I
    A.apply_normal(in, out);
    axpy(T(1), in, out);
  };
  std::unique_ptr<detail::CgKernel<T>> cg;
  if (!x_solve) cg = std::make_unique<detail::CgKernel<T>>(dom);
  const CgOptions cg_options{options.cg_iterations, options.cg_tol, false};
  const double sqrt_n = std::sqrt(double(dom.size()));
  const double sqrt_stack = std::sqrt(double(dom.size() + ran.size()));
  const double step = 1.0 / mu;

  if (options.max_iterations == 0) tracker.stop(StopReason::max_iterations);
  for (int k = 1; k <= options.max_iterations; ++k) {
    // x-step: (A^H A + I) x = A^H (v1 - u1) + (v2 - u2)
    lincomb(T(1), ahv1, T(-1), ahu1, rhs);
    axpy(T(1), v2, rhs);
    axpy(T(-1), u2, rhs);
    if (x_solve)
      x_solve(rhs, 1.0, x);
    else
      cg->run(system, rhs, x, cg_options, {}, {});
    A.apply(x, ax);

    // v-steps on w = K x + u, then u = w - v.
    lincomb(T(1), ax, T(1), u1, w1);
    project_ball(w1, y, epsilon, v1);
    lincomb(T(1), w1, T(-1), v1, u1);
    std::swap(v2, v2_old);
    lincomb(T(1), x, T(1), u2, w2);
    prox_phi(w2, step, v2);
    lincomb(T(1), w2, T(-1), v2, u2);

    // Residuals of the stacked splitting K = [A; I]: r = K x - v, s = mu K^H (v - v_old).
    std::swap(ahv1, ahv1_old);
    A.apply_adjoint(v1, ahv1);
    A.apply_adjoint(u1, ahu1);
    const double r1 = detail::norm_of_lincomb(1.0, ax, -1.0, v1);
    const double r2 = detail::norm_of_lincomb(1.0, x, -1.0, v2);
    const double r_norm = std::hypot(r1, r2);
    // K^H (v - v_old) = A^H (v1 - v1_old) + (v2 - v2_old), formed in w2 (free again).
    lincomb(T(1), ahv1, T(-1), ahv1_old, w2);
    axpy(T(1), v2, w2);
    axpy(T(-1), v2_old, w2);
    const double s_norm = mu * norm2(w2);
    // Boyd's dual scale ||mu K^H u|| vanishes here: with no data term in the x-objective the
    // optimality condition is K^H u = A^H u1 + u2 = 0. Its two parts do not vanish, and measure
    // the size of what must cancel.
    const double scale_d = mu * std::max(norm2(ahu1), norm2(u2));
    const double scale_p =
        std::max(std::hypot(norm2(ax), norm2(x)), std::hypot(norm2(v1), norm2(v2)));
    const bool converged = r_norm <= sqrt_stack * options.abs_tol + options.tol * scale_p &&
                           s_norm <= sqrt_n * options.abs_tol + options.tol * scale_d;
    const double res =
        std::max(detail::relative(r_norm, scale_p), detail::relative(s_norm, scale_d));
    const double objective = phi_value ? phi_value(x) : detail::kNaN;
    if (tracker.stop_after(k, res, objective, converged, options.max_iterations)) break;
  }
  return tracker.finish();
}

#define TWEED_INSTANTIATE_CSALSA(T)                                                        \
  template SolveReport csalsa<T>(const linop::LinearOperator<T>&, const Array<T>&, double, \
                                 const ProxFunction<T>&, Array<T>&, const CsalsaOptions&,  \
                                 const Monitor&, const ValueFunction<T>&,                  \
                                 const SystemSolveFunction<T>&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_CSALSA)

}  // namespace tweed::solvers

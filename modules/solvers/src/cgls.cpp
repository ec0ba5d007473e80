#include "tweed/solvers/cgls.hpp"

#include "detail.hpp"

namespace tweed::solvers {

template <Element T>
SolveReport cgls(const linop::LinearOperator<T>& A, const Array<T>& b, double lambda, Array<T>& x,
                 const CglsOptions& options, const Monitor& monitor) {
  detail::require_iterations(options.max_iterations, "CglsOptions.max_iterations");
  detail::require_non_negative(options.tol, "CglsOptions.tol");
  detail::require_non_negative(lambda, "cgls lambda");
  detail::require_shape(b, A.range(), "cgls", "right-hand side b");
  detail::prepare_unknown(x, A.domain(), "cgls");

  detail::Tracker tracker(monitor, options.keep_history);
  const T lam = detail::scalar<T>(lambda);
  Array<T> r(A.range()), q(A.range()), s(A.domain()), p(A.domain());

  // The stopping scale ||A^H b||: the normal-equations residual at x = 0.
  A.apply_adjoint(b, s);
  const double ref = norm2(s);
  if (!std::isfinite(ref)) {
    tracker.set_initial_residual(ref);
    tracker.stop(StopReason::diverged);
    return tracker.finish();
  }
  if (ref == 0) {  // A^H b = 0: x = 0 is a minimiser
    fill(x, T{});
    tracker.set_initial_residual(0);
    tracker.stop(StopReason::converged);
    return tracker.finish();
  }

  A.apply(x, q);
  lincomb(T(1), b, T(-1), q, r);  // r = b - A x
  A.apply_adjoint(r, s);
  if (lambda != 0) axpy(-lam, x, s);  // s = A^H r - lambda x
  double gamma = norm2_squared(s);
  double res = std::sqrt(gamma) / ref;
  if (tracker.stop_at_start(res, options.tol, options.max_iterations)) return tracker.finish();
  copy(s, p);
  for (int k = 1;; ++k) {
    A.apply(p, q);
    const double delta = norm2_squared(q) + lambda * norm2_squared(p);
    if (!std::isfinite(delta)) {
      tracker.stop(StopReason::diverged);
      break;
    }
    if (!(delta > 0)) {
      tracker.stop(StopReason::breakdown);
      break;
    }
    const double alpha = gamma / delta;
    axpy(detail::scalar<T>(alpha), p, x);
    axpy(detail::scalar<T>(-alpha), q, r);
    A.apply_adjoint(r, s);
    if (lambda != 0) axpy(-lam, x, s);
    const double gamma_new = norm2_squared(s);
    res = std::sqrt(gamma_new) / ref;
    const double objective = norm2_squared(r) + (lambda != 0 ? lambda * norm2_squared(x) : 0.0);
    if (tracker.stop_after(k, res, objective, res <= options.tol, options.max_iterations)) break;
    axpby(T(1), s, detail::scalar<T>(gamma_new / gamma), p);  // p = s + beta p
    gamma = gamma_new;
  }
  return tracker.finish();
}

#define TWEED_INSTANTIATE_CGLS(T)                                                        \
  template SolveReport cgls<T>(const linop::LinearOperator<T>&, const Array<T>&, double, \
                               Array<T>&, const CglsOptions&, const Monitor&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_CGLS)

}  // namespace tweed::solvers

#include "tweed/solvers/pdhg.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "detail.hpp"

namespace tweed::solvers {

template <Element T>
SolveReport pdhg(const linop::LinearOperator<T>& K, const ProxFunction<T>& prox_g,
                 const ProxFunction<T>& prox_f_conj, Array<T>& x, const PdhgOptions& options,
                 const Monitor& monitor, const ValueFunction<T>& objective, Array<T>* dual) {
  detail::require_iterations(options.max_iterations, "PdhgOptions.max_iterations");
  detail::require_non_negative(options.tau, "PdhgOptions.tau");
  detail::require_non_negative(options.sigma, "PdhgOptions.sigma");
  detail::require_non_negative(options.operator_norm, "PdhgOptions.operator_norm");
  detail::require_positive(options.lipschitz_margin, "PdhgOptions.lipschitz_margin");
  detail::require_non_negative(options.tol, "PdhgOptions.tol");
  detail::require_non_negative(options.abs_tol, "PdhgOptions.abs_tol");
  if (!(options.theta >= 0 && options.theta <= 1))
    throw InvalidInput("PdhgOptions.theta", "must lie in [0, 1]");
  if (!(options.relaxation > 0 && options.relaxation < 2))
    throw InvalidInput("PdhgOptions.relaxation", "must lie in (0, 2)");
  if (!prox_g || !prox_f_conj) throw InvalidInput("pdhg", "both proxes must be given");
  const Shape& dom = K.domain();
  const Shape& ran = K.range();
  detail::prepare_unknown(x, dom, "pdhg");

  double tau = options.tau, sigma = options.sigma;
  if (tau == 0 || sigma == 0) {
    double norm_k = options.operator_norm;
    if (norm_k == 0)
      norm_k = std::sqrt(power_iteration(K, options.power).value * options.lipschitz_margin);
    if (!(norm_k > 0)) norm_k = 1;  // K = 0: any steps do
    if (tau == 0 && sigma == 0) {
      tau = sigma = 0.99 / norm_k;
    } else if (tau == 0) {
      tau = 0.98 / (sigma * norm_k * norm_k);
    } else {
      sigma = 0.98 / (tau * norm_k * norm_k);
    }
  }

  detail::Tracker tracker(monitor, options.keep_history);
  Array<T> y_buf(ran);
  if (dual && !dual->empty()) {
    detail::require_shape(*dual, ran, "pdhg", "initial dual y");
    copy(*dual, y_buf);
  }
  // Current and new iterates swap roles each iteration; so do K x and K^H y, which are kept so
  // that each iteration costs one K and one K^H and the residuals come for free.
  Array<T> x_buf(dom), kx_a(ran), kx_b(ran), khy_a(dom), khy_b(dom), y_new_buf(ran);
  Array<T> v(dom), w(ran), pres(dom), dres(ran);
  Array<T>*xc = &x, *xn = &x_buf, *yc = &y_buf, *yn = &y_new_buf;
  Array<T>*kxc = &kx_a, *kxn = &kx_b, *khyc = &khy_a, *khyn = &khy_b;
  K.apply(*xc, *kxc);
  K.apply_adjoint(*yc, *khyc);
  const double theta = options.theta, rho = options.relaxation;
  const double sqrt_n = std::sqrt(double(dom.size())), sqrt_m = std::sqrt(double(ran.size()));

  if (options.max_iterations == 0) tracker.stop(StopReason::max_iterations);
  for (int k = 1; k <= options.max_iterations; ++k) {
    lincomb(T(1), *xc, detail::scalar<T>(-tau), *khyc, v);  // x - tau K^H y
    prox_g(v, tau, *xn);
    K.apply(*xn, *kxn);
    // w = y + sigma K (x_new + theta (x_new - x)), with K x_new and K x known.
    lincomb(detail::scalar<T>(sigma * (1 + theta)), *kxn, detail::scalar<T>(-sigma * theta), *kxc,
            w);
    axpy(T(1), *yc, w);
    prox_f_conj(w, sigma, *yn);
    K.apply_adjoint(*yn, *khyn);

    // P = (x - x_new)/tau - (K^H y - K^H y_new);  D = (y - y_new)/sigma + theta K (x_new - x).
    lincomb(detail::scalar<T>(1 / tau), *xc, detail::scalar<T>(-1 / tau), *xn, pres);
    axpy(T(-1), *khyc, pres);
    axpy(T(1), *khyn, pres);
    lincomb(detail::scalar<T>(1 / sigma), *yc, detail::scalar<T>(-1 / sigma), *yn, dres);
    axpy(detail::scalar<T>(theta), *kxn, dres);
    axpy(detail::scalar<T>(-theta), *kxc, dres);
    const double p_norm = norm2(pres), d_norm = norm2(dres);
    const double scale_p = norm2(*khyn), scale_d = norm2(*kxn);
    const bool converged = p_norm <= sqrt_n * options.abs_tol + options.tol * scale_p &&
                           d_norm <= sqrt_m * options.abs_tol + options.tol * scale_d;
    const double res =
        std::max(detail::relative(p_norm, scale_p), detail::relative(d_norm, scale_d));

    if (rho != 1) {
      // (x, y) <- (x, y) + rho ((x_new, y_new) - (x, y)); K x and K^H y follow linearly.
      const T a = detail::scalar<T>(rho), c = detail::scalar<T>(1 - rho);
      axpby(a, *xn, c, *xc);
      axpby(a, *kxn, c, *kxc);
      axpby(a, *yn, c, *yc);
      axpby(a, *khyn, c, *khyc);
    } else {
      std::swap(xc, xn);
      std::swap(kxc, kxn);
      std::swap(yc, yn);
      std::swap(khyc, khyn);
    }
    const double obj = objective ? objective(*xc) : detail::kNaN;
    if (tracker.stop_after(k, res, obj, converged, options.max_iterations)) break;
  }
  if (xc != &x) copy(*xc, x);
  if (dual) {
    if (dual->shape() != ran) *dual = Array<T>(ran);
    copy(*yc, *dual);
  }
  return tracker.finish();
}

#define TWEED_INSTANTIATE_PDHG(T)                                                       \
  template SolveReport pdhg<T>(const linop::LinearOperator<T>&, const ProxFunction<T>&, \
                               const ProxFunction<T>&, Array<T>&, const PdhgOptions&,   \
                               const Monitor&, const ValueFunction<T>&, Array<T>*);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_PDHG)

}  // namespace tweed::solvers

#include "tweed/solvers/fista.hpp"

#include <utility>

#include "detail.hpp"

namespace tweed::solvers {

namespace {

void check_fista_options(const FistaOptions& o) {
  detail::require_iterations(o.max_iterations, "FistaOptions.max_iterations");
  detail::require_non_negative(o.tol, "FistaOptions.tol");
  detail::require_non_negative(o.lipschitz, "FistaOptions.lipschitz");
  detail::require_positive(o.lipschitz_margin, "FistaOptions.lipschitz_margin");
}

template <Element T>
SolveReport fista_core(const GradientFunction<T>& grad_f, double lipschitz,
                       const ProxFunction<T>& prox_g, Array<T>& x, const FistaOptions& options,
                       const Monitor& monitor, const ValueFunction<T>& objective) {
  detail::Tracker tracker(monitor, options.keep_history);
  const Shape& shape = x.shape();
  Array<T> y(x), v(shape), x_other(shape), d(shape);
  const double step = 1.0 / lipschitz;
  // The iterate and its predecessor swap roles each iteration; the caller's buffer receives the
  // final iterate at the end.
  Array<T>* xc = &x;
  Array<T>* xp = &x_other;
  double t = 1;
  if (options.max_iterations == 0) tracker.stop(StopReason::max_iterations);
  for (int k = 1; k <= options.max_iterations; ++k) {
    grad_f(y, v);
    axpby(T(1), y, detail::scalar<T>(-step), v);  // v = y - grad f(y) / L
    std::swap(xc, xp);
    prox_g(v, step, *xc);
    lincomb(T(1), *xc, T(-1), *xp, d);  // d = x_k - x_{k-1}
    const double change = norm2(d);
    const double xnorm = norm2(*xc);
    const double res = xnorm > 0 ? change / xnorm : change;
    const double obj = objective ? objective(*xc) : detail::kNaN;
    if (tracker.stop_after(k, res, obj, res <= options.tol, options.max_iterations)) break;
    // Gradient restart: the momentum is dropped when the last prox-gradient step y -> x_k points
    // against the step x_{k-1} -> x_k, i.e. Re <y - x_k, x_k - x_{k-1}> > 0.
    if (options.restart && detail::re_dot(y, d) - detail::re_dot(*xc, d) > 0) {
      t = 1;
      copy(*xc, y);
      continue;
    }
    const double t_next = 0.5 * (1 + std::sqrt(1 + 4 * t * t));
    lincomb(T(1), *xc, detail::scalar<T>((t - 1) / t_next), d, y);
    t = t_next;
  }
  if (xc != &x) copy(*xc, x);
  return tracker.finish();
}

}  // namespace

template <Element T>
SolveReport fista(const GradientFunction<T>& grad_f, const ProxFunction<T>& prox_g, Array<T>& x,
                  const FistaOptions& options, const Monitor& monitor,
                  const ValueFunction<T>& objective) {
  check_fista_options(options);
  if (!(options.lipschitz > 0))
    throw InvalidInput("FistaOptions.lipschitz", "the generic FISTA needs L > 0");
  if (!grad_f || !prox_g) throw InvalidInput("fista", "gradient and prox must be given");
  if (x.empty()) throw InvalidInput("fista", "the generic FISTA needs an allocated initial x");
  return fista_core<T>(grad_f, options.lipschitz, prox_g, x, options, monitor, objective);
}

template <Element T>
SolveReport fista(const linop::LinearOperator<T>& A, const Array<T>& b,
                  const ProxFunction<T>& prox_g, Array<T>& x, const FistaOptions& options,
                  const Monitor& monitor, const ValueFunction<T>& g_value) {
  check_fista_options(options);
  if (!prox_g) throw InvalidInput("fista", "the prox of g must be given");
  detail::require_shape(b, A.range(), "fista", "data b");
  detail::prepare_unknown(x, A.domain(), "fista");
  double lipschitz = options.lipschitz;
  if (lipschitz == 0) {
    lipschitz = power_iteration(A, options.power).value * options.lipschitz_margin;
    if (!(lipschitz > 0)) lipschitz = 1;  // A = 0: f is constant and any step is exact
  }
  Array<T> ahb(A.domain());
  A.apply_adjoint(b, ahb);
  auto grad = [&](const Array<T>& in, Array<T>& out) {
    A.apply_normal(in, out);
    axpy(T(-1), ahb, out);  // A^H (A x - b)
  };
  Array<T> residual;
  ValueFunction<T> objective;
  if (g_value) {
    residual = Array<T>(A.range());
    objective = [&](const Array<T>& in) {
      A.apply(in, residual);
      axpy(T(-1), b, residual);
      return 0.5 * norm2_squared(residual) + g_value(in);
    };
  }
  return fista_core<T>(grad, lipschitz, prox_g, x, options, monitor, objective);
}

#define TWEED_INSTANTIATE_FISTA(T)                                                             \
  template SolveReport fista<T>(const linop::LinearOperator<T>&, const Array<T>&,              \
                                const ProxFunction<T>&, Array<T>&, const FistaOptions&,        \
                                const Monitor&, const ValueFunction<T>&);                      \
  template SolveReport fista<T>(const GradientFunction<T>&, const ProxFunction<T>&, Array<T>&, \
                                const FistaOptions&, const Monitor&, const ValueFunction<T>&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_FISTA)

}  // namespace tweed::solvers

#include "tweed/solvers/power.hpp"

#include "detail.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::solvers {

template <Element T>
PowerResult power_iteration(const LinearMap<T>& normal, const Shape& domain,
                            const PowerOptions& options, const Monitor& monitor) {
  detail::require_iterations(options.max_iterations, "PowerOptions.max_iterations");
  detail::require_non_negative(options.tol, "PowerOptions.tol");
  if (!normal) throw InvalidInput("power_iteration", "the linear map is empty");

  PowerResult result;
  detail::Tracker tracker(monitor, options.keep_history);
  Array<T> v(domain), w(domain);
  // A random start has a component along the top eigenvector with probability one.
  fill_normal(v, CounterRng(options.seed, 0x706f7765u /* "powe" */));
  const double vnorm = norm2(v);
  if (vnorm == 0) {  // only for an empty domain
    tracker.stop(StopReason::converged);
    result.report = tracker.finish();
    return result;
  }
  scale(v, detail::scalar<T>(1.0 / vnorm));
  if (options.max_iterations == 0) tracker.stop(StopReason::max_iterations);
  double previous = 0;
  for (int k = 1; k <= options.max_iterations; ++k) {
    normal(v, w);
    // ||N v|| for a unit v lies between the Rayleigh quotient v^H N v and lambda_max, so it is
    // the tighter of the two lower bounds.
    const double estimate = norm2(w);
    if (estimate == 0) {  // v is in the null space: N = 0 (or a start vector of measure zero)
      result.value = 0;
      tracker.stop_after(k, 0, 0, true, options.max_iterations);
      break;
    }
    result.value = estimate;
    const double change = std::abs(estimate - previous) / estimate;
    // The first change is 1 by construction; convergence needs two estimates.
    if (tracker.stop_after(k, change, estimate, k > 1 && change <= options.tol,
                           options.max_iterations))
      break;
    previous = estimate;
    std::swap(v, w);
    scale(v, detail::scalar<T>(1.0 / estimate));
  }
  result.report = tracker.finish();
  return result;
}

template <Element T>
PowerResult power_iteration(const linop::LinearOperator<T>& A, const PowerOptions& options,
                            const Monitor& monitor) {
  return power_iteration<T>([&](const Array<T>& in, Array<T>& out) { A.apply_normal(in, out); },
                            A.domain(), options, monitor);
}

#define TWEED_INSTANTIATE_POWER(T)                                                                \
  template PowerResult power_iteration<T>(const linop::LinearOperator<T>&, const PowerOptions&,   \
                                          const Monitor&);                                        \
  template PowerResult power_iteration<T>(const LinearMap<T>&, const Shape&, const PowerOptions&, \
                                          const Monitor&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_POWER)

}  // namespace tweed::solvers

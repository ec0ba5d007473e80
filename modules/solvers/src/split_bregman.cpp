#include "tweed/solvers/split_bregman.hpp"

#include <algorithm>
#include <cmath>

#include "admm_engine.hpp"

namespace tweed::solvers {

namespace {

/// z = v * max(0, 1 - t / |v|), element by element (complex: the magnitude shrinks, the phase
/// stays).
template <Element T>
void shrink(const Array<T>& v, double t, Array<T>& z) {
  const T* pv = v.data();
  T* pz = z.data();
  parallel_for(0, v.size(), [&](index_t i) {
    const double m = std::abs(pv[i]);
    pz[i] = m > t ? pv[i] * static_cast<real_t<T>>(1 - t / m) : T{};
  });
}

/// Group shrinkage: each group is the set of elements that share all indices but the first
/// (the components of one gradient vector); the group's Euclidean norm shrinks by t.
template <Element T>
void group_shrink(const Array<T>& v, double t, Array<T>& z) {
  const index_t components = v.rank() > 0 ? v.dim(0) : 1;
  const index_t groups = components > 0 ? v.size() / components : 0;
  const T* pv = v.data();
  T* pz = z.data();
  parallel_for(0, groups, [&](index_t j) {
    double s = 0;
    for (index_t c = 0; c < components; ++c) s += tweed::detail::abs2(pv[c * groups + j]);
    const double m = std::sqrt(s);
    const real_t<T> f = m > t ? static_cast<real_t<T>>(1 - t / m) : real_t<T>(0);
    for (index_t c = 0; c < components; ++c) pz[c * groups + j] = pv[c * groups + j] * f;
  });
}

template <Element T>
double group_norm(const Array<T>& v) {
  const index_t components = v.rank() > 0 ? v.dim(0) : 1;
  const index_t groups = components > 0 ? v.size() / components : 0;
  const T* pv = v.data();
  return parallel_reduce<double>(
      groups, 0.0,
      [&](index_t lo, index_t hi) {
        double total = 0;
        for (index_t j = lo; j < hi; ++j) {
          double s = 0;
          for (index_t c = 0; c < components; ++c) s += tweed::detail::abs2(pv[c * groups + j]);
          total += std::sqrt(s);
        }
        return total;
      },
      [](double a, double b) { return a + b; });
}

}  // namespace

template <Element T>
SolveReport split_bregman(const linop::LinearOperator<T>& A, const Array<T>& b,
                          const linop::LinearOperator<T>& K, Array<T>& x,
                          const SplitBregmanOptions& options, const Monitor& monitor) {
  detail::require_positive(options.lambda, "SplitBregmanOptions.lambda");
  const detail::AdmmSettings s = detail::common_settings(options, options.mu);
  detail::check_admm_settings(s, "SplitBregmanOptions");
  const double lambda = options.lambda;
  const bool iso = options.isotropic;
  detail::AdmmProblem<T> problem{A, b, &K, nullptr, {}, {}};
  problem.z_step = [&](const Array<T>& v, double mu, Array<T>& d) {
    if (iso)
      group_shrink(v, lambda / mu, d);
    else
      shrink(v, lambda / mu, d);
  };
  if (options.compute_objective)
    problem.g_value = [&](const Array<T>& v) { return lambda * (iso ? group_norm(v) : norm1(v)); };
  return detail::admm_engine(problem, x, s, monitor, "split_bregman");
}

#define TWEED_INSTANTIATE_SPLIT_BREGMAN(T)                                                \
  template SolveReport split_bregman<T>(const linop::LinearOperator<T>&, const Array<T>&, \
                                        const linop::LinearOperator<T>&, Array<T>&,       \
                                        const SplitBregmanOptions&, const Monitor&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_SPLIT_BREGMAN)

}  // namespace tweed::solvers

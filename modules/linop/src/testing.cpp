#include "tweed/linop/testing.hpp"

#include <cmath>

#include "axes.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::linop {

template <Element T>
double dot_test(const LinearOperator<T>& a, std::uint64_t seed) {
  Array<T> x(a.domain());
  Array<T> y(a.range());
  fill_normal(x, CounterRng(seed, 0));
  fill_normal(y, CounterRng(seed, 1));
  const Array<T> ax = a(x);
  const Array<T> ahy = a.adjoint(y);
  // dot() conjugates its first argument: <Ax, y> and <x, A^H y>, both accumulated in double.
  const std::complex<double> lhs(dot(ax, y));
  const std::complex<double> rhs(dot(x, ahy));
  double denom = norm2(ax) * norm2(y);
  if (denom == 0) denom = norm2(x) * norm2(ahy);
  const double diff = std::abs(lhs - rhs);
  if (denom == 0) return diff;  // both sides are exactly 0 (diff is 0 then)
  return diff / denom;
}

template <Element T>
double normal_test(const LinearOperator<T>& a, std::uint64_t seed) {
  Array<T> x(a.domain());
  fill_normal(x, CounterRng(seed, 2));
  const Array<T> expected = a.adjoint(a(x));
  const Array<T> got = a.normal(x);
  double diff2 = 0;
  for (index_t i = 0; i < x.size(); ++i)
    diff2 += std::norm(std::complex<double>(expected[i]) - std::complex<double>(got[i]));
  const double ref = norm2(expected);
  return ref > 0 ? std::sqrt(diff2) / ref : std::sqrt(diff2);
}

#define TWEED_INSTANTIATE(T)                                            \
  template double dot_test<T>(const LinearOperator<T>&, std::uint64_t); \
  template double normal_test<T>(const LinearOperator<T>&, std::uint64_t);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop

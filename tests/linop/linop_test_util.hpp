// Helpers shared by the linop tests: the element-type lists, seeded random arrays and the
// assertion that an operator passes the shared dot and normal tests.
#pragma once

#include <gtest/gtest.h>

#include <complex>
#include <cstdint>

#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/linop/testing.hpp"

namespace tweed::linop::test {

using AllElements = ::testing::Types<float, double, cfloat, cdouble>;
using ComplexElements = ::testing::Types<cfloat, cdouble>;

template <Element T>
Array<T> random_array(const Shape& shape, std::uint64_t seed) {
  Array<T> a(shape);
  fill_normal(a, CounterRng(seed, 7));
  return a;
}

/// max_i |a_i - b_i| / max(1, max_i |b_i|), in double.
template <Element T>
double max_rel_diff(const Array<T>& a, const Array<T>& b) {
  EXPECT_EQ(a.shape(), b.shape());
  double d = 0;
  for (index_t i = 0; i < a.size(); ++i)
    d = std::max(d, std::abs(std::complex<double>(a[i]) - std::complex<double>(b[i])));
  return d / std::max(1.0, max_abs(b));
}

/// Tolerance for comparing computed values with exact ones (looser than the dot test's bound on
/// rounding in single precision, since single-precision sums of many terms drift more).
template <Element T>
constexpr double value_tolerance() {
  return std::is_same_v<real_t<T>, float> ? 1e-5 : 1e-12;
}

/// The operator passes the dot test and the normal test for a few seeds.
template <Element T>
void expect_consistent(const LinearOperator<T>& a) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    EXPECT_LE(dot_test(a, seed), dot_test_tolerance<T>()) << a.name() << " seed " << seed;
    EXPECT_LE(normal_test(a, seed), dot_test_tolerance<T>()) << a.name() << " seed " << seed;
  }
}

/// The forward of x and the adjoint of y are the same, bit for bit, on one thread and on two.
template <Element T>
void expect_thread_count_invariant(const LinearOperator<T>& a, const Array<T>& x,
                                   const Array<T>& y) {
  set_num_threads(1);
  const Array<T> f1 = a(x), a1 = a.adjoint(y);
  set_num_threads(2);
  const Array<T> f2 = a(x), a2 = a.adjoint(y);
  set_num_threads(0);
  EXPECT_EQ(max_rel_diff(f1, f2), 0.0) << a.name();
  EXPECT_EQ(max_rel_diff(a1, a2), 0.0) << a.name();
}

}  // namespace tweed::linop::test

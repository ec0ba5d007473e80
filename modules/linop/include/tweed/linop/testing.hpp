// Shared checks for operators, used by the tests of every module (linop, ct, mri, ...).
//
// dot_test: with seeded random x in the domain and y in the range (standard normal; circularly
// symmetric complex normal for complex T, from tweed::CounterRng streams 0 and 1 of `seed`),
//     err = |<A x, y> - <x, A^H y>| / (||A x|| ||y||)
// computed in double. A correct adjoint gives rounding noise (~1e-7 in single, ~1e-15 in double
// precision); a wrong one gives O(1). If A x = 0 the denominator is ||x|| ||A^H y|| instead, and 0
// is returned when both vanish (then both inner products are exactly 0).
//
// normal_test: err = ||A^H (A x) - normal(x)|| / ||A^H A x|| (absolute ||normal(x)|| when
// A^H A x = 0), for operators that override the normal.
//
// Pass when err <= dot_test_tolerance<T>(): 1e-4 for float / complex<float>, 1e-10 for double /
// complex<double>.
#pragma once

#include <cstdint>
#include <type_traits>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

inline constexpr double kDotTestToleranceSingle = 1e-4;
inline constexpr double kDotTestToleranceDouble = 1e-10;

template <Element T>
constexpr double dot_test_tolerance() {
  return std::is_same_v<real_t<T>, float> ? kDotTestToleranceSingle : kDotTestToleranceDouble;
}

template <Element T>
double dot_test(const LinearOperator<T>& a, std::uint64_t seed);

template <Element T>
double normal_test(const LinearOperator<T>& a, std::uint64_t seed);

}  // namespace tweed::linop

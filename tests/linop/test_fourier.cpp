// The Fourier operator against a naive DFT, and its unitarity.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "linop_test_util.hpp"
#include "tweed/linop/combinators.hpp"
#include "tweed/linop/diagonal.hpp"
#include "tweed/linop/fourier.hpp"

namespace tweed::linop {
namespace {

using test::ComplexElements;
using test::expect_consistent;
using test::max_rel_diff;
using test::random_array;

// Unitary DFT of a 2-D array along the chosen axes, by the definition. `centred` shifts both the
// index and the frequency by floor(n/2): X[k] = n^-1/2 sum_m x[m] exp(-2 pi i (k-h)(m-h)/n).
template <Element T>
Array<T> naive_dft_2d(const Array<T>& x, bool along0, bool along1, bool centred) {
  const index_t n0 = x.dim(0), n1 = x.dim(1);
  const index_t h0 = centred ? n0 / 2 : 0, h1 = centred ? n1 / 2 : 0;
  Array<T> out(x.shape());
  for (index_t k0 = 0; k0 < n0; ++k0)
    for (index_t k1 = 0; k1 < n1; ++k1) {
      std::complex<double> s = 0;
      for (index_t m0 = 0; m0 < n0; ++m0) {
        if (!along0 && m0 != k0) continue;
        for (index_t m1 = 0; m1 < n1; ++m1) {
          if (!along1 && m1 != k1) continue;
          double phase = 0;
          if (along0) phase += double((k0 - h0) * (m0 - h0)) / double(n0);
          if (along1) phase += double((k1 - h1) * (m1 - h1)) / double(n1);
          s += std::complex<double>(x(m0, m1)) * std::polar(1.0, -2 * std::numbers::pi * phase);
        }
      }
      const double norm = std::sqrt(double(along0 ? n0 : 1) * double(along1 ? n1 : 1));
      out(k0, k1) = T(s / norm);
    }
  return out;
}

template <class T>
class FourierOperator : public ::testing::Test {};
TYPED_TEST_SUITE(FourierOperator, ComplexElements);

TYPED_TEST(FourierOperator, MatchesNaiveDft) {
  using T = TypeParam;
  const Array<T> x = random_array<T>(Shape{5, 6}, 61);  // an odd and an even axis
  for (bool centred : {false, true}) {
    SCOPED_TRACE(centred ? "centred" : "plain");
    EXPECT_LE(
        max_rel_diff(Fourier<T>(Shape{5, 6}, {}, centred)(x), naive_dft_2d(x, true, true, centred)),
        test::value_tolerance<T>());
    EXPECT_LE(max_rel_diff(Fourier<T>(Shape{5, 6}, {1}, centred)(x),
                           naive_dft_2d(x, false, true, centred)),
              test::value_tolerance<T>());
    EXPECT_LE(max_rel_diff(Fourier<T>(Shape{5, 6}, {-2}, centred)(x),
                           naive_dft_2d(x, true, false, centred)),
              test::value_tolerance<T>());
  }
}

TYPED_TEST(FourierOperator, DeltaAtTheCentreIsFlat) {
  using T = TypeParam;
  // Centred convention: a delta at index n/2 transforms to the constant 1/sqrt(N).
  Array<T> x(Shape{4, 8});
  x(2, 4) = T(1);
  const Array<T> y = Fourier<T>(Shape{4, 8})(x);
  for (index_t i = 0; i < y.size(); ++i)
    EXPECT_NEAR(std::abs(std::complex<double>(y[i]) - 1 / std::sqrt(32.0)), 0, 1e-6);
}

TYPED_TEST(FourierOperator, UnitaryDotAndNormalTests) {
  using T = TypeParam;
  for (bool centred : {false, true}) {
    Fourier<T> f(Shape{3, 8, 10}, {1, 2}, centred);
    EXPECT_EQ(f.axes(), (std::vector<int>{1, 2}));
    const Array<T> x = random_array<T>(f.domain(), 62);
    EXPECT_LE(max_rel_diff(f.adjoint(f(x)), x), test::value_tolerance<T>());
    EXPECT_LE(max_rel_diff(f(f.adjoint(x)), x), test::value_tolerance<T>());
    expect_consistent<T>(f);
    expect_consistent<T>(Fourier<T>(Shape{7, 9, 5}, {}, centred));
  }
}

TYPED_TEST(FourierOperator, UndersampledFourierComposition) {
  using T = TypeParam;
  // The compressed-sensing MRI forward model: mask ∘ F, with its normal F^H M F.
  const Shape shape{2, 16, 12};
  Array<real_t<T>> mask(Shape{16, 12});
  fill_bernoulli(mask, CounterRng(5), 0.4);
  OperatorPtr<T> a = compose<T>(diagonal<T>(mask, shape), fourier<T>(shape, {-2, -1}));
  expect_consistent<T>(*a);
  expect_consistent<T>(*compose<T>(adjoint_of<T>(fourier<T>(shape)), a));
}

TYPED_TEST(FourierOperator, InvalidAxes) {
  using T = TypeParam;
  EXPECT_THROW(Fourier<T>(Shape{4, 4}, {2}), InvalidInput);
  EXPECT_THROW(Fourier<T>(Shape{4, 4}, {1, 1}), InvalidInput);
  Fourier<T> f(Shape{4, 4});
  EXPECT_THROW(f(Array<T>(Shape{4})), ShapeMismatch);
}

}  // namespace
}  // namespace tweed::linop

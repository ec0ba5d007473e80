// Wavelet filters (derived, not tabulated) and the orthonormal multi-level transform.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>

#include "linop_test_util.hpp"
#include "tweed/linop/wavelet.hpp"

namespace tweed::linop {
namespace {

using test::AllElements;
using test::expect_consistent;
using test::max_rel_diff;
using test::random_array;

// sum_j h[j] h[j + 2m] for m = 0, 1, ...: must be delta(m).
void expect_orthonormal(const std::vector<double>& h) {
  for (std::size_t shift = 0; shift < h.size(); shift += 2) {
    double s = 0;
    for (std::size_t j = 0; j + shift < h.size(); ++j) s += h[j] * h[j + shift];
    EXPECT_NEAR(s, shift == 0 ? 1.0 : 0.0, 1e-14) << "shift " << shift;
  }
}

// sum_j j^p g[j] = 0 for p < n (relative to the size of the terms).
void expect_vanishing_moments(const std::vector<double>& g, int n) {
  for (int p = 0; p < n; ++p) {
    double s = 0;
    double scale = 0;
    for (std::size_t j = 0; j < g.size(); ++j) {
      s += std::pow(double(j), p) * g[j];
      scale += std::pow(double(j), p) * std::abs(g[j]);
    }
    EXPECT_LE(std::abs(s), 1e-13 * scale) << "moment " << p;
  }
}

TEST(WaveletFilter, HaarAndDb2ClosedForms) {
  const WaveletFilter haar_f = haar();
  ASSERT_EQ(haar_f.lowpass.size(), 2u);
  EXPECT_NEAR(haar_f.lowpass[0], 1 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(haar_f.lowpass[1], 1 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(haar_f.highpass[0], 1 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(haar_f.highpass[1], -1 / std::sqrt(2.0), 1e-15);

  // db2 solves sum h = sqrt2, the two orthonormality conditions and two vanishing moments; the
  // minimum-phase root of the quadratic these reduce to gives (1+s3, 3+s3, 3-s3, 1-s3)/(4 s2).
  const WaveletFilter db2 = daubechies(2);
  EXPECT_EQ(db2.name, "db2");
  const double s3 = std::sqrt(3.0), d = 4 * std::sqrt(2.0);
  const std::vector<double> expected{(1 + s3) / d, (3 + s3) / d, (3 - s3) / d, (1 - s3) / d};
  ASSERT_EQ(db2.lowpass.size(), 4u);
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(db2.lowpass[j], expected[j], 1e-15);
  expect_orthonormal(db2.lowpass);
  expect_vanishing_moments(db2.highpass, 2);
}

TEST(WaveletFilter, DaubechiesFamilyMeetsItsDefiningConditions) {
  for (int n = 1; n <= kMaxDaubechiesOrder; ++n) {
    SCOPED_TRACE("db" + std::to_string(n));
    const WaveletFilter f = daubechies(n);
    ASSERT_EQ(f.lowpass.size(), static_cast<std::size_t>(2 * n));
    double sum = 0;
    for (double v : f.lowpass) sum += v;
    EXPECT_NEAR(sum, std::sqrt(2.0), 1e-14);
    expect_orthonormal(f.lowpass);
    expect_vanishing_moments(f.highpass, n);
    // Minimum phase: the transfer function's zeros other than z = -1 lie inside the unit circle,
    // which picks Daubechies' solution out of the 2^floor(n/2) that meet the conditions above.
    // Check it through the energy concentration of minimum-phase filters: the partial energies
    // sum_{j<k} h[j]^2 of the minimum-phase solution dominate those of its time reverse.
    double e = 0, e_rev = 0;
    for (std::size_t k = 0; k + 1 < f.lowpass.size(); ++k) {
      e += f.lowpass[k] * f.lowpass[k];
      e_rev += f.lowpass[f.lowpass.size() - 1 - k] * f.lowpass[f.lowpass.size() - 1 - k];
      EXPECT_GE(e, e_rev - 1e-14) << "k = " << k;
    }
  }
  EXPECT_EQ(wavelet_filter("db4").lowpass, daubechies(4).lowpass);
  EXPECT_EQ(wavelet_filter("haar").name, "haar");
  EXPECT_THROW(wavelet_filter("db0"), InvalidInput);
  EXPECT_THROW(wavelet_filter("db11"), InvalidInput);
  EXPECT_THROW(wavelet_filter("sym4"), InvalidInput);
  EXPECT_THROW(daubechies(0), InvalidInput);
}

template <class T>
class Wavelets : public ::testing::Test {};
TYPED_TEST_SUITE(Wavelets, AllElements);

TYPED_TEST(Wavelets, HaarHandCases) {
  using T = TypeParam;
  const double r2 = std::sqrt(2.0);
  const Array<T> x = Array<T>::from(Shape{4}, std::vector<T>{T(1), T(3), T(5), T(7)});
  // One level: a = (x0 + x1, x2 + x3)/sqrt2, d = (x0 - x1, x2 - x3)/sqrt2.
  const Array<T> y1 = Wavelet<T>(Shape{4}, haar(), 1)(x);
  const std::vector<double> e1{4 / r2, 12 / r2, -2 / r2, -2 / r2};
  for (index_t i = 0; i < 4; ++i)
    EXPECT_NEAR(std::abs(std::complex<double>(y1[i]) - e1[static_cast<std::size_t>(i)]), 0, 1e-6);
  // Two levels transform the approximation again: (4 + 12)/2 = 8, (4 - 12)/2 = -4.
  const Array<T> y2 = Wavelet<T>(Shape{4}, haar(), 2)(x);
  const std::vector<double> e2{8, -4, -2 / r2, -2 / r2};
  for (index_t i = 0; i < 4; ++i)
    EXPECT_NEAR(std::abs(std::complex<double>(y2[i]) - e2[static_cast<std::size_t>(i)]), 0, 1e-6);
  // 2-D, one level on [[a, b], [c, d]]: [[a+b+c+d, a-b+c-d], [a+b-c-d, a-b-c+d]] / 2.
  const Array<T> m = Array<T>::from(Shape{2, 2}, std::vector<T>{T(1), T(2), T(3), T(5)});
  const Array<T> w = Wavelet<T>(Shape{2, 2}, haar(), 1)(m);
  const std::vector<double> e3{11 / 2.0, -3 / 2.0, -5 / 2.0, 1 / 2.0};
  for (index_t i = 0; i < 4; ++i)
    EXPECT_NEAR(std::abs(std::complex<double>(w[i]) - e3[static_cast<std::size_t>(i)]), 0, 1e-6);
}

TYPED_TEST(Wavelets, OrthonormalInBothDirections) {
  using T = TypeParam;
  struct Case {
    Shape shape;
    const char* filter;
    int levels;
    std::vector<int> axes;
  };
  const std::vector<Case> cases{
      {Shape{32}, "haar", 5, {}},
      {Shape{64}, "db2", 3, {}},
      {Shape{16, 24}, "db2", 3, {}},
      {Shape{16, 8}, "db4", 2, {}},
      {Shape{8, 16, 8}, "db4", 2, {}},
      {Shape{8, 16, 8}, "db2", 1, {0, 2}},
      {Shape{3, 16, 16}, "db4", 2, {-2, -1}},
      {Shape{8}, "db4", 3, {}},  // coarsest length 2 < 8 taps: periodisation wraps several times
      {Shape{128, 96}, "db4", 4, {}},  // large enough for threads
  };
  for (const Case& c : cases) {
    Wavelet<T> w(c.shape, wavelet_filter(c.filter), c.levels, c.axes);
    SCOPED_TRACE(w.name() + " on " + c.shape.str());
    const Array<T> x = random_array<T>(c.shape, 41);
    EXPECT_LE(max_rel_diff(w.adjoint(w(x)), x), test::value_tolerance<T>());  // W^H W = I
    EXPECT_LE(max_rel_diff(w(w.adjoint(x)), x), test::value_tolerance<T>());  // W W^H = I
    // Energy is preserved.
    EXPECT_NEAR(norm2(w(x)) / norm2(x), 1.0, test::value_tolerance<T>());
    expect_consistent<T>(w);
  }
}

TYPED_TEST(Wavelets, CoarseBlockHoldsTheScaledMean) {
  using T = TypeParam;
  // A constant image: every detail vanishes (one vanishing moment suffices) and the coarse block
  // holds value * 2^(levels * axes / 2).
  Wavelet<T> w(Shape{16, 32}, daubechies(3), 3);
  EXPECT_EQ(w.coarse_shape(), (Shape{2, 4}));
  const Array<T> y = w(Array<T>(Shape{16, 32}, T(1)));
  for (index_t i = 0; i < 16; ++i)
    for (index_t j = 0; j < 32; ++j) {
      const double expected = (i < 2 && j < 4) ? 8.0 : 0.0;
      EXPECT_NEAR(std::abs(std::complex<double>(y(i, j)) - expected), 0, 1e-5) << i << "," << j;
    }
}

TYPED_TEST(Wavelets, ThreadCountDoesNotChangeResults) {
  using T = TypeParam;
  Wavelet<T> w(Shape{64, 48, 16}, daubechies(4), 2);
  const Array<T> x = random_array<T>(w.domain(), 51);
  test::expect_thread_count_invariant(w, x, x);
}

TYPED_TEST(Wavelets, InvalidSizesLevelsAndFilters) {
  using T = TypeParam;
  try {
    Wavelet<T>(Shape{16, 12}, haar(), 3);
    FAIL() << "no exception";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.subject(), "wavelet");
    const std::string msg = e.what();
    EXPECT_NE(msg.find("axis 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("2^3"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(Wavelet<T>(Shape{16, 12}, haar(), 2));
  EXPECT_NO_THROW(Wavelet<T>(Shape{16, 12}, haar(), 3, {0}));  // only axis 0 needs 2^3
  EXPECT_THROW(Wavelet<T>(Shape{16}, haar(), 0), InvalidInput);
  EXPECT_THROW(Wavelet<T>(Shape{16}, haar(), 5), InvalidInput);
  EXPECT_THROW(Wavelet<T>(Shape{16}, haar(), 1, {1}), InvalidInput);
  WaveletFilter bad{"bad", {0.5, 0.5}, {0.5, -0.5}};  // not normalised
  EXPECT_THROW(Wavelet<T>(Shape{16}, bad, 1), InvalidInput);
  Wavelet<T> w(Shape{16}, haar(), 2);
  EXPECT_THROW(w(Array<T>(Shape{8})), ShapeMismatch);
}

}  // namespace
}  // namespace tweed::linop

// Noise pre-whitening: the covariance against its definition, whitened noise with identity
// covariance, refusal of singular or malformed covariances, and the coil-axis product against a
// plain matrix product for any thread count.
#include "tweed/mri/noise.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>

#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::mri {
namespace {

// Correlated complex noise n = A z, z white (seeded), A a fixed mixing matrix.
Array<cfloat> correlated_noise(index_t coils, index_t samples, std::uint64_t seed) {
  Array<cfloat> z(Shape{coils, samples});
  fill_normal(z, CounterRng(seed));
  Array<cfloat> n(Shape{coils, samples});
  for (index_t i = 0; i < coils; ++i)
    for (index_t k = 0; k <= i; ++k) {
      const cfloat a(1.0f / float(1 + i + k), 0.3f * float(i - k));
      const cfloat aik = (i == k) ? cfloat(2.0f + 0.5f * float(i), 0.0f) : a;
      for (index_t t = 0; t < samples; ++t) n(i, t) += aik * z(k, t);
    }
  return n;
}

TEST(NoiseCovariance, MatchesItsDefinition) {
  const Array<cfloat> n = correlated_noise(3, 50, 7);
  const Array<cfloat> psi = noise_covariance(n);
  ASSERT_EQ(psi.shape(), (Shape{3, 3}));
  for (index_t i = 0; i < 3; ++i)
    for (index_t j = 0; j < 3; ++j) {
      std::complex<double> want{};
      for (index_t t = 0; t < 50; ++t)
        want += std::complex<double>(n(i, t)) * std::conj(std::complex<double>(n(j, t)));
      want /= 50.0;
      EXPECT_NEAR(psi(i, j).real(), want.real(), 1e-5 * std::abs(want) + 1e-6);
      EXPECT_NEAR(psi(i, j).imag(), want.imag(), 1e-5 * std::abs(want) + 1e-6);
    }
  EXPECT_EQ(psi(1, 1).imag(), 0.0f);
  EXPECT_EQ(psi(0, 2), std::conj(psi(2, 0)));
  EXPECT_THROW(noise_covariance(Array<cfloat>(Shape{3})), ShapeMismatch);
}

TEST(Whitening, WhitenedNoiseHasIdentityCovariance) {
  const index_t nc = 5;
  Array<cfloat> n = correlated_noise(nc, 4000, 11);
  const Array<cfloat> psi = noise_covariance(n);
  const Array<cfloat> w = whitening_matrix(psi);
  ASSERT_EQ(w.shape(), (Shape{nc, nc}));
  for (index_t i = 0; i < nc; ++i)
    for (index_t j = i + 1; j < nc; ++j) EXPECT_EQ(w(i, j), cfloat{}) << "L^-1 is lower triangular";
  apply_coil_matrix(w, n);
  const Array<cfloat> white = noise_covariance(n);
  for (index_t i = 0; i < nc; ++i)
    for (index_t j = 0; j < nc; ++j)
      EXPECT_NEAR(std::abs(white(i, j) - cfloat(i == j ? 1.0f : 0.0f)), 0.0, 2e-4) << i << " " << j;
}

TEST(Whitening, RefusesSingularAndMalformedCovariances) {
  // Coil 2 = coil 0 + coil 1: rank 2 of 3.
  Array<cfloat> n = correlated_noise(3, 500, 3);
  for (index_t t = 0; t < 500; ++t) n(2, t) = n(0, t) + n(1, t);
  EXPECT_THROW(whitening_matrix(noise_covariance(n)), InvalidInput);
  // A coil with no noise at all, a matrix that is not Hermitian, NaN, not square.
  Array<cfloat> psi(Shape{2, 2});
  psi(0, 0) = 1.0f;
  EXPECT_THROW(whitening_matrix(psi), InvalidInput);
  psi(1, 1) = 1.0f;
  psi(0, 1) = cfloat(0.5f, 0.1f);
  psi(1, 0) = cfloat(0.5f, 0.1f);  // should be the conjugate
  EXPECT_THROW(whitening_matrix(psi), InvalidInput);
  psi(1, 0) = cfloat(0.5f, -0.1f);
  EXPECT_NO_THROW(whitening_matrix(psi));
  psi(0, 1) = cfloat(NAN, 0.0f);
  EXPECT_THROW(whitening_matrix(psi), InvalidInput);
  EXPECT_THROW(whitening_matrix(Array<cfloat>(Shape{2, 3})), ShapeMismatch);
  try {
    whitening_matrix(noise_covariance(n));
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("noise covariance"), std::string::npos) << e.what();
  }
}

TEST(ApplyCoilMatrix, EqualsAPlainMatrixProductForAnyThreadCount) {
  const index_t nc = 4;
  Array<cfloat> w(Shape{nc, nc});
  fill_normal(w, CounterRng(5));
  Array<cfloat> data(Shape{nc, 3, 17, 61});  // 3111 points per coil: several blocks
  fill_normal(data, CounterRng(6));
  const index_t np = data.size() / nc;
  Array<cfloat> want(data.shape());
  for (index_t c = 0; c < nc; ++c)
    for (index_t p = 0; p < np; ++p) {
      std::complex<double> acc{};
      for (index_t k = 0; k < nc; ++k)
        acc += std::complex<double>(w(c, k)) * std::complex<double>(data[k * np + p]);
      want[c * np + p] = cfloat(acc);
    }
  const int threads = num_threads();
  Array<cfloat> one = data, many = data;
  set_num_threads(1);
  apply_coil_matrix(w, one);
  set_num_threads(4);
  apply_coil_matrix(w, many);
  set_num_threads(threads);
  for (index_t i = 0; i < data.size(); ++i) {
    ASSERT_EQ(one[i], many[i]) << i;
    ASSERT_NEAR(std::abs(one[i] - want[i]), 0.0, 1e-5 * (1.0 + std::abs(want[i]))) << i;
  }
  Array<cfloat> wrong(Shape{3, 10});
  EXPECT_THROW(apply_coil_matrix(w, wrong), ShapeMismatch);
}

}  // namespace
}  // namespace tweed::mri

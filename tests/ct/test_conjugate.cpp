// Conjugate rays: a noiseless parallel sinogram equals its conjugate mirror (with bin N/2 on the
// axis the partner of (i, j) is (i + M/2, (N - j) mod N), not N - 1 - j), the map is an involution,
// the fan mirror is exact where partners fall on samples and close elsewhere, and flicked pairs
// have independent noise while two independent flicks do not.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "ct_test_util.hpp"
#include "expect_error.hpp"
#include "tweed/ct/conjugate.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/ct/simulate.hpp"

namespace tweed::ct {
namespace {

constexpr double kPi = std::numbers::pi;

double max_abs_diff(const Array<float>& a, const Array<float>& b) {
  double d = 0;
  for (index_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a[i] - b[i])));
  return d;
}
double max_abs(const Array<float>& a) {
  double d = 0;
  for (float v : a) d = std::max(d, double(std::abs(v)));
  return d;
}
double correlation(const Array<float>& x, const Array<float>& y, const Array<float>& mean) {
  double sxy = 0, sxx = 0, syy = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    const double a = x[i] - mean[i], b = y[i] - mean[i];
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / std::sqrt(sxx * syy);
}

// An asymmetric object (FORBILD-like head) on a 64 x 64 grid of 4 mm pixels.
Array<float> object() {
  return make_phantom(Phantom::forbild_head, 64, 256.0, 2);
}

TEST(CtConjugate, NoiselessParallelSinogramEqualsItsMirror) {
  for (index_t n : {92, 93}) {
    for (double offset : {0.0, 0.5}) {
      Geometry g = parallel_geometry(64, 64, 120, 4.0);
      g.detectors = n;
      g.detector_offset = offset;
      g.start_angle = 0.2;
      const Array<float> sino = Projector(g)(object());
      EXPECT_LT(max_abs_diff(sino, conjugate_mirror(sino, g)), 1e-5 * max_abs(sino))
          << "N " << n << " offset " << offset;
    }
  }
}

TEST(CtConjugate, CentreAtBinNOver2PairsJWithNMinusJ) {
  Geometry g = parallel_geometry(64, 64, 120, 4.0);
  g.detectors = 92;
  const std::vector<index_t> map = conjugate_map(g);
  EXPECT_EQ(map[std::size_t(0 * 92 + 5)], 60 * 92 + 87);
  EXPECT_EQ(map[std::size_t(70 * 92 + 0)], 10 * 92 + 0);
  // The tempting N - 1 - j is off by one bin: the sinogram does not match it.
  const Array<float> sino = Projector(g)(object());
  double off_by_one = 0;
  for (index_t i = 0; i < 120; ++i)
    for (index_t j = 0; j < 92; ++j)
      off_by_one =
          std::max(off_by_one, double(std::abs(sino(i, j) - sino((i + 60) % 120, 91 - j))));
  EXPECT_GT(off_by_one, 0.05 * max_abs(sino));
}

TEST(CtConjugate, MapIsAnInvolutionWithoutFixedPoints) {
  Geometry g = parallel_geometry(16, 16, 10);
  g.detectors = 8;
  const std::vector<index_t> map = conjugate_map(g);
  for (std::size_t r = 0; r < map.size(); ++r) {
    EXPECT_EQ(map[std::size_t(map[r])], index_t(r));
    EXPECT_NE(map[r], index_t(r));
  }
}

TEST(CtConjugate, FanMirrorIsExactOnSamplesAndCloseBetween) {
  // Views 2 pi / 240 apart and bins pi / 240 apart: beta + pi + 2 gamma is always a view.
  Geometry g = fan_geometry(64, 64, 240, 101, 400.0, 800.0, 4.0);
  g.detector_spacing = kPi / 240;
  ASSERT_NO_THROW(g.validate());
  const Array<float> sino = Projector(g)(object());
  EXPECT_LT(max_abs_diff(sino, conjugate_mirror(sino, g)), 1e-4 * max_abs(sino));
  // A generic spacing: interpolated partners, close but not exact.
  g.detector_spacing *= 0.93;
  const Array<float> s2 = Projector(g)(object());
  const Array<float> m2 = conjugate_mirror(s2, g);
  double num = 0, den = 0;
  for (index_t i = 0; i < s2.size(); ++i) {
    num += (s2[i] - m2[i]) * (s2[i] - m2[i]);
    den += s2[i] * s2[i];
  }
  EXPECT_LT(std::sqrt(num / den), 0.03);
  EXPECT_GT(std::sqrt(num / den), 1e-4);
}

TEST(CtConjugate, FlickedPairsHaveIndependentNoise) {
  const Geometry g = parallel_geometry(64, 64, 180, 4.0);
  const Array<float> clean = Projector(g)(object());
  DoseOptions dose;
  dose.photons = 2e3;
  dose.seed = 5;
  const Array<float> noisy = simulate_low_dose(clean, dose);
  const Array<float> mirror = conjugate_mirror(noisy, g);
  FlickOptions fo;
  fo.seed = 8;
  const FlickPair p1 = flick_pair(noisy, mirror, g, 0, fo);
  const FlickPair p2 = flick_pair(noisy, mirror, g, 1, fo);
  // S_b is exactly the mirror of S_a.
  EXPECT_EQ(max_abs_diff(p1.b, conjugate_mirror(p1.a, g)), 0.0);
  EXPECT_LT(std::abs(correlation(p1.a, p1.b, clean)), 0.02);
  const double rho = correlation(p1.a, p2.a, clean);
  EXPECT_GT(rho, 0.4);
  EXPECT_LT(rho, 0.6);
  // Swap probability 0 leaves the sinogram alone.
  fo.swap_probability = 0;
  EXPECT_TRUE(test::same_bytes(flick_pair(noisy, mirror, g, 3, fo).a, noisy));
}

TEST(CtConjugate, FlicksAreSeededAndThreadInvariant) {
  const Geometry g = parallel_geometry(32, 32, 60);
  Array<float> sino(g.sinogram_shape());
  for (index_t i = 0; i < sino.size(); ++i) sino[i] = float(i % 101);
  const Array<float> mirror = conjugate_mirror(sino, g);
  FlickOptions fo;
  fo.seed = 4;
  auto r = test::with_threads_1_and_2([&] { return flick_pair(sino, mirror, g, 2, fo).a; });
  EXPECT_TRUE(test::same_bytes(r.first, r.second));
  EXPECT_FALSE(test::same_bytes(r.first, flick_pair(sino, mirror, g, 3, fo).a));
}

TEST(CtConjugate, UnsupportedGeometriesSayWhy) {
  Geometry g = parallel_geometry(32, 32, 60);
  g.angular_range = kPi;
  EXPECT_TWEED_ERROR(conjugate_map(g), Unsupported, "conjugate_map", "full 2 pi");
  g = parallel_geometry(32, 32, 61);
  EXPECT_TWEED_ERROR(conjugate_map(g), Unsupported, "conjugate_map", "even number of views");
  g = parallel_geometry(32, 32, 60);
  g.detector_offset = 0.25;
  EXPECT_TWEED_ERROR(conjugate_map(g), Unsupported, "conjugate_map", "between bins");
  EXPECT_FALSE(has_exact_conjugates(g));
  const Geometry fan = fan_geometry(32, 32, 60, 50, 100, 200);
  EXPECT_TWEED_ERROR(conjugate_map(fan), Unsupported, "conjugate_map", "parallel beam only");
}

}  // namespace
}  // namespace tweed::ct

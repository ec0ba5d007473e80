// Simulated acquisitions: phantoms, birdcage coil maps, k-space with mask and noise.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/phantom.hpp"
#include "tweed/mri/simulate.hpp"

namespace tweed::mri {
namespace {

TEST(MriBirdcage, ShapeAndUnitSumOfSquares2D) {
  const Grid g{1, 40, 48};
  const Array<cfloat> s = birdcage_maps(8, g);
  ASSERT_EQ(s.shape(), (Shape{1, 8, 1, 40, 48}));
  for (index_t p = 0; p < g.size(); ++p) {
    double sum = 0;
    for (index_t c = 0; c < 8; ++c) sum += std::norm(s.data()[c * g.size() + p]);
    ASSERT_NEAR(sum, 1.0, 1e-5) << "pixel " << p;
  }
}

TEST(MriBirdcage, EachCoilIsStrongestOnItsOwnSide) {
  const Grid g{1, 64, 64};
  const index_t coils = 6;
  const Array<cfloat> s = birdcage_maps(coils, g);
  for (index_t c = 0; c < coils; ++c) {
    // The pixel at radius 0.8 (FOV units) in the direction of coil c: x = column, y = row.
    const double angle = 2.0 * std::numbers::pi * double(c) / double(coils);
    const index_t col = 32 + index_t(std::lround(0.8 * 32 * std::cos(angle)));
    const index_t row = 32 + index_t(std::lround(0.8 * 32 * std::sin(angle)));
    const index_t p = row * 64 + col;
    for (index_t o = 0; o < coils; ++o) {
      if (o == c) continue;
      EXPECT_GT(std::abs(s.data()[c * g.size() + p]), std::abs(s.data()[o * g.size() + p]));
    }
  }
}

TEST(MriBirdcage, ThreeDFallsOffAlongZAndStaysNormalised) {
  const Grid g{9, 24, 24};
  const Array<cfloat> s = birdcage_maps(4, g);
  ASSERT_EQ(s.shape(), (Shape{1, 4, 9, 24, 24}));
  double sum = 0;
  for (index_t c = 0; c < 4; ++c)
    sum += std::norm(s.data()[c * g.size() + (0 * 24 + 12) * 24 + 12]);
  EXPECT_NEAR(sum, 1.0, 1e-5);
  // The central slice of the 3-D maps is the 2-D map (z = 0 there).
  const Array<cfloat> s2 = birdcage_maps(4, Grid{1, 24, 24});
  for (index_t c = 0; c < 4; ++c)
    for (index_t p = 0; p < 24 * 24; ++p)
      ASSERT_NEAR(std::abs(s.data()[c * g.size() + 4 * 576 + p] - s2.data()[c * 576 + p]), 0.0,
                  1e-6);
}

TEST(MriBirdcage, RejectsBadArguments) {
  EXPECT_THROW(birdcage_maps(0, Grid{1, 8, 8}), InvalidInput);
  EXPECT_THROW(birdcage_maps(4, Grid{1, 0, 8}), InvalidInput);
  EXPECT_THROW(birdcage_maps(4, Grid{1, 8, 8}, -1.0), InvalidInput);
  EXPECT_THROW(birdcage_maps(4, Grid{1, 8, 8}, std::nan("")), InvalidInput);
}

TEST(MriPhantom, BrainIsSmoothBoundedAndHasPhase) {
  const Grid g{1, 128, 112};
  const Array<cfloat> x = brain_phantom(g);
  ASSERT_EQ(x.shape(), (Shape{1, 128, 112}));
  float mx = 0;
  for (const cfloat v : x.span()) {
    ASSERT_LE(std::abs(v), 1.0f + 1e-6f);
    mx = std::max(mx, std::abs(v));
  }
  EXPECT_GT(mx, 0.7f);
  EXPECT_LT(std::abs(x(0, 0, 0)), 1e-3f);    // corner outside the head
  EXPECT_GT(std::abs(x(0, 64, 56)), 0.05f);  // the centre is inside
  // Not piecewise constant: a slowly varying phase across the head.
  EXPECT_GT(std::abs(std::arg(x(0, 64, 84)) - std::arg(x(0, 64, 28))), 0.3f);
  // Smooth edges: no jump between neighbours of more than ~half the tissue contrast.
  float max_jump = 0;
  for (index_t i = 0; i < 128; ++i)
    for (index_t j = 1; j < 112; ++j)
      max_jump = std::max(max_jump, std::abs(std::abs(x(0, i, j)) - std::abs(x(0, i, j - 1))));
  EXPECT_LT(max_jump, 0.4f);
}

TEST(MriPhantom, BrainCentralSliceOf3DIs2D) {
  const Array<cfloat> x3 = brain_phantom(Grid{7, 32, 32});
  const Array<cfloat> x2 = brain_phantom(Grid{1, 32, 32});
  ASSERT_EQ(x3.shape(), (Shape{7, 32, 32}));
  for (index_t p = 0; p < 32 * 32; ++p) ASSERT_EQ(x3.data()[3 * 1024 + p], x2.data()[p]);
  // Outer slices differ (the head narrows along z).
  double diff = 0;
  for (index_t p = 0; p < 32 * 32; ++p) diff += std::abs(x3.data()[p] - x2.data()[p]);
  EXPECT_GT(diff, 1.0);
}

TEST(MriPhantom, SheppLoganMatchesCoreAndPadsNonSquareGrids) {
  const Array<float> ref = phantom::shepp_logan(32);
  const Array<cfloat> sq = shepp_logan_phantom(Grid{1, 32, 32});
  for (index_t p = 0; p < 1024; ++p) ASSERT_EQ(sq.data()[p], cfloat(ref.data()[p], 0.0f));
  const Array<cfloat> wide = shepp_logan_phantom(Grid{2, 32, 40});
  ASSERT_EQ(wide.shape(), (Shape{2, 32, 40}));
  for (index_t z = 0; z < 2; ++z)
    for (index_t i = 0; i < 32; ++i)
      for (index_t j = 0; j < 40; ++j) {
        const cfloat want = (j >= 4 && j < 36) ? cfloat(ref(i, j - 4), 0.0f) : cfloat{};
        ASSERT_EQ(wide(z, i, j), want);
      }
}

TEST(MriSimulate, FullySampledNoiselessInvertsToCoilImages) {
  const Grid g{1, 32, 40};
  const Array<cfloat> x = brain_phantom(g);
  const Array<cfloat> s = birdcage_maps(4, g);
  Array<cfloat> y = simulate_kspace(x, s, {}, {});
  ASSERT_EQ(y.shape(), (Shape{4, 1, 32, 40}));
  fft::ifftc(y, {2, 3});
  for (index_t c = 0; c < 4; ++c)
    for (index_t p = 0; p < g.size(); ++p)
      ASSERT_NEAR(std::abs(y.data()[c * g.size() + p] - s.data()[c * g.size() + p] * x.data()[p]),
                  0.0, 1e-5);
}

TEST(MriSimulate, ThreeDAndTwoSetsOfMaps) {
  const Grid g{6, 8, 10};
  const Array<cfloat> s1 = birdcage_maps(3, g);
  Array<cfloat> s(Shape{2, 3, 6, 8, 10});
  for (index_t i = 0; i < s1.size(); ++i) {
    s.data()[i] = s1.data()[i];
    s.data()[s1.size() + i] = 0.5f * s1.data()[i];
  }
  const Array<cfloat> x1 = brain_phantom(g);
  Array<cfloat> x(Shape{2, 6, 8, 10});
  for (index_t i = 0; i < x1.size(); ++i) {
    x.data()[i] = x1.data()[i];
    x.data()[x1.size() + i] = cfloat(0, 1) * x1.data()[i];
  }
  Array<cfloat> y = simulate_kspace(x, s, {}, {});
  fft::ifftc(y, {1, 2, 3});
  for (index_t c = 0; c < 3; ++c)
    for (index_t p = 0; p < g.size(); ++p) {
      const cfloat want = s1.data()[c * g.size() + p] * x1.data()[p] * cfloat(1, 0.5f);
      ASSERT_NEAR(std::abs(y.data()[c * g.size() + p] - want), 0.0, 1e-5);
    }
}

TEST(MriSimulate, MaskZerosUnsampledPointsIncludingNoise) {
  const Grid g{1, 16, 16};
  Array<float> mask(g.shape());
  for (index_t i = 0; i < 16; i += 3)
    for (index_t j = 0; j < 16; ++j) mask(0, i, j) = 1.0f;
  const Array<cfloat> y =
      simulate_kspace(brain_phantom(g), birdcage_maps(2, g), mask, {.noise_sigma = 0.1, .seed = 5});
  for (index_t c = 0; c < 2; ++c)
    for (index_t i = 0; i < 16; ++i)
      for (index_t j = 0; j < 16; ++j) {
        if (i % 3 == 0)
          ASSERT_NE(y(c, 0, i, j), cfloat{});
        else
          ASSERT_EQ(y(c, 0, i, j), cfloat{});
      }
}

TEST(MriSimulate, NoiseHasTheRequestedStandardDeviation) {
  const Grid g{1, 64, 64};
  const Array<cfloat> x(g.shape());  // zero image: the k-space is pure noise
  const double sigma = 0.3;
  const Array<cfloat> y =
      simulate_kspace(x, birdcage_maps(8, g), {}, {.noise_sigma = sigma, .seed = 11});
  double sr = 0, si = 0, mr = 0, cross = 0;
  for (const cfloat v : y.span()) {
    mr += v.real();
    sr += double(v.real()) * v.real();
    si += double(v.imag()) * v.imag();
    cross += double(v.real()) * v.imag();
  }
  const double n = double(y.size());
  EXPECT_NEAR(mr / n, 0.0, 5 * sigma / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(sr / n), sigma, 0.02 * sigma);
  EXPECT_NEAR(std::sqrt(si / n), sigma, 0.02 * sigma);
  EXPECT_NEAR(cross / n, 0.0, 5 * sigma * sigma / std::sqrt(n));
}

TEST(MriSimulate, SameSeedSameOutputForAnyThreadCount) {
  const Grid g{1, 48, 48};
  const Array<cfloat> x = brain_phantom(g);
  const Array<cfloat> s = birdcage_maps(4, g);
  const SimulationOptions o{.noise_sigma = 0.05, .seed = 42};
  set_num_threads(1);
  const Array<cfloat> a = simulate_kspace(x, s, {}, o);
  set_num_threads(2);
  const Array<cfloat> b = simulate_kspace(x, s, {}, o);
  const Array<cfloat> c = simulate_kspace(x, s, {}, {.noise_sigma = 0.05, .seed = 43});
  set_num_threads(0);
  ASSERT_EQ(a.size(), b.size());
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
  index_t differ = 0;
  for (index_t i = 0; i < a.size(); ++i) differ += a.data()[i] != c.data()[i];
  EXPECT_GT(differ, a.size() / 2);
}

TEST(MriSimulate, RejectsMismatchedShapesAndBadNoise) {
  const Grid g{1, 16, 16};
  const Array<cfloat> x = brain_phantom(g);
  const Array<cfloat> s = birdcage_maps(2, g);
  EXPECT_THROW(simulate_kspace(brain_phantom(Grid{1, 16, 8}), s, {}, {}), ShapeMismatch);
  EXPECT_THROW(simulate_kspace(x, s, Array<float>(Shape{1, 8, 16}), {}), ShapeMismatch);
  EXPECT_THROW(simulate_kspace(x, s, {}, {.noise_sigma = -1.0}), InvalidInput);
  Array<float> bad(g.shape(), 1.0f);
  bad(0, 3, 3) = -1.0f;
  EXPECT_THROW(simulate_kspace(x, s, bad, {}), InvalidInput);
  EXPECT_THROW(simulate_kspace(x, Array<cfloat>(Shape{2, 16, 16}), {}, {}), ShapeMismatch);
}

}  // namespace
}  // namespace tweed::mri

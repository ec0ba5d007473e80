// Sampling masks: achieved acceleration, fully sampled ACS, determinism per seed, the shape of each
// pattern (regular spacing, line structure, variable density, elliptical support), the mask as a
// diagonal operator, the mask from the zeros of k-space, and option errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "tweed/core/error.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/linop/diagonal.hpp"
#include "tweed/linop/testing.hpp"
#include "tweed/mri/masks.hpp"

namespace tweed::mri {
namespace {

MaskOptions options(MaskKind kind, double r, index_t cal, std::uint64_t seed = 1) {
  MaskOptions o;
  o.kind = kind;
  o.acceleration = r;
  o.calibration = cal;
  o.seed = seed;
  return o;
}

bool same(const Array<float>& a, const Array<float>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

// Lines of a 1-D mask (it must be constant along X and Z: checked here).
std::vector<int> lines_of(const Array<float>& m, const Grid& g) {
  std::vector<int> line(static_cast<std::size_t>(g.ny), 0);
  for (index_t y = 0; y < g.ny; ++y) line[static_cast<std::size_t>(y)] = m(0, y, 0) != 0 ? 1 : 0;
  for (index_t z = 0; z < g.nz; ++z)
    for (index_t y = 0; y < g.ny; ++y)
      for (index_t x = 0; x < g.nx; ++x)
        EXPECT_EQ(m(z, y, x), float(line[static_cast<std::size_t>(y)]))
            << "not a line mask at " << z << "," << y << "," << x;
  return line;
}

void expect_binary(const Array<float>& m) {
  for (float v : m.span()) ASSERT_TRUE(v == 0.0f || v == 1.0f) << v;
}

TEST(Masks, RegularSamplesEveryRthLineFromTheCentreAndTheAcs) {
  const Grid g{1, 128, 40};
  const Array<float> m = make_mask(g, options(MaskKind::regular, 4, 20));
  expect_binary(m);
  const std::vector<int> line = lines_of(m, g);
  for (index_t y = 0; y < g.ny; ++y) {
    const bool acs = y >= 64 - 10 && y < 64 + 10;
    const bool lattice = (y - 64) % 4 == 0;
    EXPECT_EQ(line[static_cast<std::size_t>(y)], acs || lattice ? 1 : 0) << "line " << y;
  }
  // Odd extents: the centre line ny/2 is still sampled.
  const Grid odd{1, 33, 8};
  const std::vector<int> l2 = lines_of(make_mask(odd, options(MaskKind::regular, 3, 0)), odd);
  EXPECT_EQ(l2[16], 1);
  EXPECT_EQ(l2[19], 1);
  EXPECT_EQ(l2[13], 1);
  EXPECT_EQ(l2[17], 0);
}

TEST(Masks, RandomLineMasksKeepExactlyNOverRLinesWithTheAcs) {
  for (MaskKind kind : {MaskKind::uniform, MaskKind::gaussian}) {
    for (double r : {2.0, 4.0, 6.5}) {
      const Grid g{2, 160, 12};
      const Array<float> m = make_mask(g, options(kind, r, 16, 7));
      expect_binary(m);
      const std::vector<int> line = lines_of(m, g);
      int count = 0;
      for (int v : line) count += v;
      EXPECT_EQ(count, std::lround(160 / r)) << to_string(kind) << " R " << r;
      for (index_t y = 80 - 8; y < 80 + 8; ++y)
        EXPECT_EQ(line[static_cast<std::size_t>(y)], 1) << "ACS line " << y;
      EXPECT_NEAR(1.0 / sampling_fraction(m), 160.0 / double(std::lround(160 / r)), 1e-9);
    }
  }
}

TEST(Masks, GaussianLinesConcentrateNearTheCentre) {
  const Grid g{1, 256, 4};
  // Mean distance of the randomly drawn (non-ACS) lines from the centre, over a few seeds.
  auto mean_distance = [&](MaskKind kind) {
    double sum = 0;
    int n = 0;
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const std::vector<int> line = lines_of(make_mask(g, options(kind, 5, 8, seed)), g);
      for (index_t y = 0; y < 256; ++y)
        if (line[static_cast<std::size_t>(y)] && std::abs(y - 128) >= 4) {
          sum += std::abs(double(y - 128));
          ++n;
        }
    }
    return sum / n;
  };
  const double gaussian = mean_distance(MaskKind::gaussian);
  const double uniform = mean_distance(MaskKind::uniform);
  // sigma = 30 lines: the drawn lines sit about 1-2 sigma away, uniform ones ~64 on average.
  EXPECT_LT(gaussian, 45);
  EXPECT_GT(uniform, 55);
}

TEST(Masks, PoissonReachesTheAccelerationWithAcsAndEllipticalSupport) {
  for (double r : {3.0, 6.0}) {
    const Grid g{1, 96, 80};  // 2-D: points in the (y, x) plane
    const Array<float> m = make_mask(g, options(MaskKind::poisson, r, 12, 3));
    expect_binary(m);
    const double achieved = 1.0 / sampling_fraction(m);
    EXPECT_NEAR(achieved / r, 1.0, 0.02) << "R " << r << " achieved " << achieved;
    for (index_t y = 48 - 6; y < 48 + 6; ++y)
      for (index_t x = 40 - 6; x < 40 + 6; ++x) EXPECT_EQ(m(0, y, x), 1.0f);
    // Corners lie outside the inscribed ellipse.
    EXPECT_EQ(m(0, 0, 0), 0.0f);
    EXPECT_EQ(m(0, 95, 79), 0.0f);
    EXPECT_EQ(m(0, 2, 77), 0.0f);
    // Variable density: the inner disc (outside the ACS) is denser than the outer ring.
    double inner = 0, inner_n = 0, outer = 0, outer_n = 0;
    for (index_t y = 0; y < 96; ++y)
      for (index_t x = 0; x < 80; ++x) {
        const double u = (y - 48) / 48.0, v = (x - 40) / 40.0, d = std::sqrt(u * u + v * v);
        if (std::abs(y - 48) < 6 && std::abs(x - 40) < 6) continue;
        if (d < 0.35) inner += m(0, y, x), ++inner_n;
        if (d > 0.7 && d < 1.0) outer += m(0, y, x), ++outer_n;
      }
    EXPECT_GT(inner / inner_n, 2 * outer / outer_n);
  }
}

TEST(Masks, Poisson3dSamplesThePhaseEncodingPlane) {
  const Grid g{40, 48, 6};
  MaskOptions o = options(MaskKind::poisson, 4, 8, 9);
  o.variable_density = false;
  o.elliptical = false;
  const Array<float> m = make_mask(g, o);
  EXPECT_NEAR(1.0 / sampling_fraction(m) / 4.0, 1.0, 0.02);
  for (index_t z = 0; z < 40; ++z)
    for (index_t y = 0; y < 48; ++y)
      for (index_t x = 1; x < 6; ++x) ASSERT_EQ(m(z, y, x), m(z, y, 0));  // whole readout lines
  // Uniform density, no ellipse: the corners are sampled as densely as the rest.
  double corner = 0;
  for (index_t z = 0; z < 10; ++z)
    for (index_t y = 0; y < 10; ++y) corner += m(z, y, 0);
  EXPECT_GT(corner / 100, 0.5 * 0.25);
}

TEST(Masks, SameSeedSameMaskOtherSeedOtherMask) {
  const Grid g{1, 64, 64};
  for (MaskKind kind : {MaskKind::uniform, MaskKind::gaussian, MaskKind::poisson}) {
    const Array<float> a = make_mask(g, options(kind, 4, 8, 11));
    const Array<float> b = make_mask(g, options(kind, 4, 8, 11));
    const Array<float> c = make_mask(g, options(kind, 4, 8, 12));
    EXPECT_TRUE(same(a, b)) << to_string(kind);
    EXPECT_FALSE(same(a, c)) << to_string(kind);
  }
  // The regular pattern has no randomness.
  EXPECT_TRUE(same(make_mask(g, options(MaskKind::regular, 4, 8, 1)),
                   make_mask(g, options(MaskKind::regular, 4, 8, 2))));
}

TEST(Masks, MaskAsDiagonalOperatorPassesTheDotTest) {
  const Grid g{1, 32, 24};
  const Array<float> m = make_mask(g, options(MaskKind::poisson, 3, 6, 5));
  const auto d = linop::diagonal<cfloat>(m, Shape{4, 1, 32, 24});  // shared by 4 coils
  EXPECT_LT(linop::dot_test(*d, 3), linop::dot_test_tolerance<cfloat>());
}

TEST(Masks, MaskFromZerosRoundTrip) {
  const Grid g{2, 20, 16};
  const Array<float> m = make_mask(g, options(MaskKind::uniform, 3, 4, 8));
  Array<cfloat> k(Shape{3, 2, 20, 16});
  fill_normal(k, CounterRng(2));
  const index_t n = g.size();
  for (index_t c = 0; c < 3; ++c)
    for (index_t p = 0; p < n; ++p) k[c * n + p] *= m[p];
  // One coil zero where the others are not: the point still counts as sampled.
  k[5 * 16] = 0;
  EXPECT_TRUE(same(mask_from_zeros(k), m));
  EXPECT_THROW(mask_from_zeros(Array<cfloat>(Shape{20, 16})), ShapeMismatch);
}

TEST(Masks, KindNamesRoundTrip) {
  for (MaskKind kind :
       {MaskKind::regular, MaskKind::uniform, MaskKind::gaussian, MaskKind::poisson})
    EXPECT_EQ(parse_mask_kind(to_string(kind)), kind);
  try {
    parse_mask_kind("radial");
    FAIL() << "no exception";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("radial"), std::string::npos);
  }
}

TEST(Masks, InvalidOptionsAreRejected) {
  const Grid g{1, 64, 48};
  EXPECT_THROW(make_mask(g, options(MaskKind::uniform, 0.5, 8)), InvalidInput);
  EXPECT_THROW(make_mask(g, options(MaskKind::uniform, std::nan(""), 8)), InvalidInput);
  EXPECT_THROW(make_mask(g, options(MaskKind::regular, 4, 65)), InvalidInput);
  EXPECT_THROW(make_mask(g, options(MaskKind::regular, 4, -1)), InvalidInput);
  EXPECT_THROW(make_mask(g, options(MaskKind::poisson, 4, 50)), InvalidInput);  // > nx
  MaskOptions o = options(MaskKind::gaussian, 4, 8);
  o.gaussian_width = 0;
  EXPECT_THROW(make_mask(g, o), InvalidInput);
  // An ellipse holds pi/4 of the plane: R = 1.1 cannot be reached inside it.
  try {
    make_mask(g, options(MaskKind::poisson, 1.1, 0));
    FAIL() << "no exception";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.subject(), "mask acceleration");
  }
  EXPECT_THROW(make_mask(Grid{1, 0, 4}, options(MaskKind::uniform, 2, 0)), InvalidInput);
  EXPECT_THROW(sampling_fraction(Array<float>()), InvalidInput);
}

TEST(Masks, FullSamplingAtAccelerationOne) {
  const Grid g{1, 30, 10};
  for (MaskKind kind : {MaskKind::regular, MaskKind::uniform, MaskKind::gaussian})
    EXPECT_DOUBLE_EQ(sampling_fraction(make_mask(g, options(kind, 1, 4))), 1.0) << to_string(kind);
  MaskOptions o = options(MaskKind::poisson, 1, 4);
  o.elliptical = false;
  EXPECT_DOUBLE_EQ(sampling_fraction(make_mask(g, o)), 1.0);
}

}  // namespace
}  // namespace tweed::mri

// Coil maps: ESPIRiT and low-resolution maps against the true (birdcage) maps of simulated data,
// and the calibration-region detection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tweed/core/parallel.hpp"
#include "tweed/mri/coil_maps.hpp"
#include "tweed/mri/simulate.hpp"

namespace tweed::mri {
namespace {

struct Case {
  Grid grid;
  Array<cfloat> image, maps, kspace;
};

// Brain phantom seen by birdcage coils; fully sampled unless a mask is given; light noise.
Case simulate(const Grid& g, index_t coils, const Array<float>& mask = {}, double noise = 1e-4) {
  Case c{g, brain_phantom(g), birdcage_maps(coils, g), {}};
  c.kspace = simulate_kspace(c.image, c.maps, mask, {.noise_sigma = noise, .seed = 3});
  return c;
}

// Mask [Z, Y, X] sampling every `r`-th line along Y plus `acs` centre lines.
Array<float> line_mask(const Grid& g, index_t r, index_t acs) {
  Array<float> m(g.shape());
  for (index_t z = 0; z < g.nz; ++z)
    for (index_t y = 0; y < g.ny; ++y) {
      const index_t first = g.ny / 2 - acs / 2;
      if (y % r == 0 || (y >= first && y < first + acs))
        for (index_t x = 0; x < g.nx; ++x) m(z, y, x) = 1.0f;
    }
  return m;
}

// |<s_est(r), s_true(r)>| over the coils at pixel p of map set m.
double coherence(const Array<cfloat>& est, index_t m, const Array<cfloat>& truth, index_t p) {
  const index_t coils = truth.dim(1);
  const index_t n = truth.size() / coils;
  std::complex<double> acc;
  for (index_t c = 0; c < coils; ++c)
    acc += std::conj(std::complex<double>(est.data()[(m * coils + c) * n + p])) *
           std::complex<double>(truth.data()[c * n + p]);
  return std::abs(acc);
}

double energy(const Array<cfloat>& maps, index_t m, index_t p) {
  const index_t coils = maps.dim(1);
  const index_t n = maps.size() / (maps.dim(0) * coils);
  double e = 0;
  for (index_t c = 0; c < coils; ++c) e += std::norm(maps.data()[(m * coils + c) * n + p]);
  return e;
}

// Pixels well inside the object: magnitude above a fraction of the maximum.
std::vector<index_t> support(const Array<cfloat>& image, float fraction = 0.05f) {
  float mx = 0;
  for (const cfloat v : image.span()) mx = std::max(mx, std::abs(v));
  std::vector<index_t> out;
  for (index_t p = 0; p < image.size(); ++p)
    if (std::abs(image.data()[p]) > fraction * mx) out.push_back(p);
  return out;
}

// Fraction of the pixels of `where` at which `pred` holds.
template <class F>
double fraction(const std::vector<index_t>& where, F pred) {
  index_t n = 0;
  for (index_t p : where) n += pred(p) ? 1 : 0;
  return double(n) / double(where.size());
}

TEST(MriEspirit, MapsMatchTrueMapsInsideTheObject2D) {
  const Case c = simulate(Grid{1, 96, 96}, 8);
  Array<float> eig;
  const Array<cfloat> s = espirit_maps(c.kspace, {}, &eig);
  ASSERT_EQ(s.shape(), (Shape{1, 8, 1, 96, 96}));
  ASSERT_EQ(eig.shape(), (Shape{1, 1, 96, 96}));
  const std::vector<index_t> in = support(c.image);
  EXPECT_GT(fraction(in, [&](index_t p) { return coherence(s, 0, c.maps, p) > 0.99; }), 0.98);
  EXPECT_GT(fraction(in, [&](index_t p) { return eig.data()[p] > 0.95f; }), 0.98);
  // Unit norm where kept, zero where cropped, and the crop follows the eigenvalue.
  for (index_t p = 0; p < c.grid.size(); ++p) {
    if (eig.data()[p] > 0.8f)
      ASSERT_NEAR(energy(s, 0, p), 1.0, 1e-4) << p;
    else
      ASSERT_EQ(energy(s, 0, p), 0.0) << p;
  }
}

TEST(MriEspirit, EigenvalueDropsBelowCropFarOutsideTheObject) {
  // Shepp-Logan fills less of the field of view; its corners see no signal.
  const Grid g{1, 96, 96};
  Case c{g, shepp_logan_phantom(g), birdcage_maps(8, g), {}};
  c.kspace = simulate_kspace(c.image, c.maps, {}, {.noise_sigma = 1e-4, .seed = 1});
  Array<float> eig;
  const Array<cfloat> s = espirit_maps(c.kspace, {}, &eig);
  const std::vector<index_t> corners = {0, 95, 95 * 96, 96 * 96 - 1, 2 * 96 + 3};
  for (index_t p : corners) {
    EXPECT_LT(eig.data()[p], 0.8f) << p;
    EXPECT_EQ(energy(s, 0, p), 0.0) << p;
  }
  const std::vector<index_t> in = support(c.image, 0.1f);
  EXPECT_GT(fraction(in, [&](index_t p) { return eig.data()[p] > 0.9f; }), 0.98);
  EXPECT_GT(fraction(in, [&](index_t p) { return coherence(s, 0, c.maps, p) > 0.99; }), 0.98);
}

TEST(MriEspirit, TwoSetsOfMapsAreOrderedAndOrthogonal) {
  const Case c = simulate(Grid{1, 64, 64}, 6);
  Array<float> eig;
  const Array<cfloat> s = espirit_maps(c.kspace, {.crop = 0.0, .maps = 2}, &eig);
  ASSERT_EQ(s.shape(), (Shape{2, 6, 1, 64, 64}));
  ASSERT_EQ(eig.shape(), (Shape{2, 1, 64, 64}));
  const index_t n = c.grid.size();
  for (index_t p = 0; p < n; ++p) {
    ASSERT_GE(eig.data()[p] + 1e-4f, eig.data()[n + p]) << p;
    if (eig.data()[n + p] > 1e-3f && eig.data()[p] - eig.data()[n + p] > 1e-2f) {
      std::complex<double> dot;
      for (index_t k = 0; k < 6; ++k)
        dot += std::conj(std::complex<double>(s.data()[k * n + p])) *
               std::complex<double>(s.data()[(6 + k) * n + p]);
      ASSERT_LT(std::abs(dot), 1e-2) << p;
    }
  }
  // The first set still matches the truth, and the second carries little energy in the object.
  const std::vector<index_t> in = support(c.image);
  EXPECT_GT(fraction(in, [&](index_t p) { return coherence(s, 0, c.maps, p) > 0.99; }), 0.98);
  EXPECT_GT(fraction(in, [&](index_t p) { return eig.data()[n + p] < 0.5f; }), 0.9);
}

TEST(MriEspirit, CalibrationRegionFromAnUndersampledMask) {
  const Grid g{1, 96, 80};
  const Array<float> mask = line_mask(g, 4, 20);
  const Case c = simulate(g, 8, mask);
  EXPECT_EQ(calibration_size(c.kspace, 24), 20);
  EXPECT_EQ(calibration_size(c.kspace, 16), 16);
  const Case full = simulate(g, 8);
  EXPECT_EQ(calibration_size(full.kspace, 24), 24);
  EXPECT_EQ(calibration_size(full.kspace, 200), 96);
  // ESPIRiT on the undersampled data still finds the maps.
  const Array<cfloat> s = espirit_maps(c.kspace);
  const std::vector<index_t> in = support(c.image);
  EXPECT_GT(fraction(in, [&](index_t p) { return coherence(s, 0, c.maps, p) > 0.98; }), 0.97);
}

TEST(MriEspirit, ThreeDMapsMatchTrueMaps) {
  const Grid g{20, 24, 24};
  const Case c = simulate(g, 4);
  Array<float> eig;
  const Array<cfloat> s = espirit_maps(c.kspace, {.calibration = 12, .kernel = 4}, &eig);
  ASSERT_EQ(s.shape(), (Shape{1, 4, 20, 24, 24}));
  const std::vector<index_t> in = support(c.image, 0.1f);
  EXPECT_GT(fraction(in, [&](index_t p) { return coherence(s, 0, c.maps, p) > 0.98; }), 0.95);
  EXPECT_GT(fraction(in, [&](index_t p) { return eig.data()[p] > 0.9f; }), 0.95);
}

TEST(MriEspirit, SameResultForAnyThreadCount) {
  const Case c = simulate(Grid{1, 48, 64}, 4, {}, 0.01);
  set_num_threads(1);
  Array<float> e1, e2;
  const Array<cfloat> a = espirit_maps(c.kspace, {.maps = 2}, &e1);
  set_num_threads(2);
  const Array<cfloat> b = espirit_maps(c.kspace, {.maps = 2}, &e2);
  set_num_threads(0);
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
  for (index_t i = 0; i < e1.size(); ++i) ASSERT_EQ(e1.data()[i], e2.data()[i]);
}

TEST(MriEspirit, RejectsDataWithoutCalibrationRegionAndBadOptions) {
  const Grid g{1, 64, 64};
  const Case none = simulate(g, 4, line_mask(g, 2, 0));
  EXPECT_THROW(espirit_maps(none.kspace), InvalidInput);
  EXPECT_THROW(lowres_maps(none.kspace), InvalidInput);
  const Case small = simulate(g, 4, line_mask(g, 4, 5));  // 5 ACS lines < kernel + 1
  EXPECT_THROW(espirit_maps(small.kspace), InvalidInput);
  const Case full = simulate(g, 2);
  EXPECT_THROW(espirit_maps(full.kspace, {.maps = 3}), InvalidInput);
  EXPECT_THROW(espirit_maps(full.kspace, {.crop = 1.5}), InvalidInput);
  EXPECT_THROW(espirit_maps(full.kspace, {.threshold = -0.1}), InvalidInput);
  EXPECT_THROW(espirit_maps(full.kspace, {.calibration = 4, .kernel = 6}), InvalidInput);
  EXPECT_THROW(espirit_maps(Array<cfloat>(Shape{2, 64, 64})), ShapeMismatch);
  EXPECT_THROW(espirit_maps(Array<cfloat>(Shape{2, 1, 64, 64})), InvalidInput);  // no signal
  const Case one = simulate(g, 1);
  EXPECT_THROW(espirit_maps(one.kspace, {.maps = 2}), InvalidInput);
}

TEST(MriLowres, MapsMatchTrueMapsUpToPhaseAndAreNormalised) {
  const Grid g{1, 96, 96};
  const Case c = simulate(g, 8, line_mask(g, 3, 24));
  const Array<cfloat> s = lowres_maps(c.kspace);
  ASSERT_EQ(s.shape(), (Shape{1, 8, 1, 96, 96}));
  const std::vector<index_t> in = support(c.image, 0.1f);
  EXPECT_GT(fraction(in, [&](index_t p) { return coherence(s, 0, c.maps, p) > 0.97; }), 0.9);
  EXPECT_GT(fraction(in, [&](index_t p) { return std::abs(energy(s, 0, p) - 1.0) < 1e-3; }), 0.99);
  // The phase left relative to the true maps varies slowly (the object's own phase): the
  // coil-combined relative phase of neighbouring pixels differs by little.
  auto rel = [&](index_t p) {
    std::complex<double> acc;
    for (index_t k = 0; k < 8; ++k)
      acc += std::conj(std::complex<double>(s.data()[k * g.size() + p])) *
             std::complex<double>(c.maps.data()[k * g.size() + p]);
    return acc;
  };
  EXPECT_GT(fraction(in,
                     [&](index_t p) {
                       return p % 96 + 1 < 96 &&
                              std::abs(std::arg(rel(p) * std::conj(rel(p + 1)))) < 0.1;
                     }),
            0.95);
}

TEST(MriLowres, RejectsBadOptions) {
  const Case c = simulate(Grid{1, 32, 32}, 2);
  EXPECT_THROW(lowres_maps(c.kspace, {.calibration = 1}), InvalidInput);
  EXPECT_THROW(lowres_maps(c.kspace, {.eps_fraction = -1.0}), InvalidInput);
}

}  // namespace
}  // namespace tweed::mri

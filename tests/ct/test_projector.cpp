// The Joseph projector: adjointness in both geometries (and as a batch), analytic chords of a
// disc, agreement with Joseph's definition and (bit for bit) with the ray table, agreement of a
// batch with single slices, byte-identical results for 1 and 2 threads, and shape errors.
//
// Built without FMA contraction, like projector.cpp (tests/ct/CMakeLists.txt), so that
// ForwardIsItsRayTableBitForBit can redo the forward's float arithmetic exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "ct_test_util.hpp"
#include "expect_error.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/linop/testing.hpp"

namespace tweed::ct {
namespace {

using test::disc_image;

constexpr double kPi = std::numbers::pi;

Geometry small_parallel() {
  Geometry g = parallel_geometry(40, 32, 36, 1.0);
  g.detector_offset = 0.25;
  g.start_angle = 0.3;
  return g;
}

Geometry small_fan() {
  Geometry g = fan_geometry(36, 40, 45, 60, 80.0, 160.0, 1.0);
  g.detector_offset = -0.4;
  return g;
}

TEST(CtProjector, DotTestParallel) {
  Projector a(small_parallel());
  EXPECT_LT(linop::dot_test(a, 1), linop::dot_test_tolerance<float>());
  EXPECT_LT(linop::dot_test(a, 2), linop::dot_test_tolerance<float>());
}

TEST(CtProjector, DotTestParallelShortScanAndPixelSize) {
  Geometry g = parallel_geometry(33, 33, 25, 0.7);
  g.angular_range = 2.0;  // any range
  g.detector_spacing = 0.9;
  EXPECT_LT(linop::dot_test(Projector(g), 3), linop::dot_test_tolerance<float>());
}

TEST(CtProjector, DotTestFan) {
  Projector a(small_fan());
  EXPECT_LT(linop::dot_test(a, 1), linop::dot_test_tolerance<float>());
  EXPECT_LT(linop::dot_test(a, 5), linop::dot_test_tolerance<float>());
}

TEST(CtProjector, DotTestBatch) {
  Projector a(small_fan(), 3);
  EXPECT_EQ(a.domain(), (Shape{3, 36, 40}));
  EXPECT_EQ(a.range(), (Shape{3, 45, 60}));
  EXPECT_LT(linop::dot_test(a, 4), linop::dot_test_tolerance<float>());
}

// Line integrals of a disc: 2 mu sqrt(rho^2 - (s - s0)^2) with s0 the centre's detector
// coordinate. Checked away from the rim (where the pixelised edge dominates) and through the
// total mass per view, mu pi rho^2 = spacing * sum_j p_j.
TEST(CtProjector, DiscMatchesAnalyticChordParallel) {
  Geometry g = parallel_geometry(96, 96, 24, 1.0);
  const double x0 = 10, y0 = -6, rho = 25, mu = 0.02;
  const Array<float> p = Projector(g)(disc_image(g, x0, y0, rho, mu));
  for (index_t i = 0; i < g.views; ++i) {
    const double th = g.view_angle(i);
    const double s0 = x0 * std::cos(th) + y0 * std::sin(th);
    double mass = 0;
    for (index_t j = 0; j < g.detectors; ++j) {
      const double d = g.bin_position(j) - s0;
      mass += p(i, j) * g.detector_spacing;
      if (std::abs(d) < rho - 3) {
        EXPECT_NEAR(p(i, j), 2 * mu * std::sqrt(rho * rho - d * d), 0.01 * 2 * mu * rho)
            << "view " << i << " bin " << j;
      }
      if (std::abs(d) > rho + 2) {
        EXPECT_EQ(p(i, j), 0.0f);
      }
    }
    EXPECT_NEAR(mass, mu * kPi * rho * rho, 2e-3 * mu * kPi * rho * rho) << "view " << i;
  }
}

TEST(CtProjector, DiscMatchesAnalyticChordFan) {
  Geometry g = fan_geometry(96, 96, 20, 240, 150.0, 300.0, 1.0);
  const double x0 = -12, y0 = 8, rho = 20, mu = 0.03, r = g.source_distance;
  const Array<float> p = Projector(g)(disc_image(g, x0, y0, rho, mu));
  for (index_t i = 0; i < g.views; ++i)
    for (index_t j = 0; j < g.detectors; ++j) {
      const double gam = g.bin_position(j), th = g.view_angle(i) + gam;
      const double d = r * std::sin(gam) - (x0 * std::cos(th) + y0 * std::sin(th));
      if (std::abs(d) < rho - 3) {
        EXPECT_NEAR(p(i, j), 2 * mu * std::sqrt(rho * rho - d * d), 0.01 * 2 * mu * rho)
            << "view " << i << " bin " << j;
      }
      if (std::abs(d) > rho + 2) {
        EXPECT_EQ(p(i, j), 0.0f);
      }
    }
}

TEST(CtProjector, BatchEqualsSlices) {
  const Geometry g = small_parallel();
  Array<float> vol(g.image_shape().prepend(2));
  fill_uniform(vol, CounterRng(9));
  const Array<float> batch = Projector(g, 2)(vol);
  Projector one(g);
  for (index_t s = 0; s < 2; ++s) {
    const Array<float> p = one(vol.slice(s).copy());
    EXPECT_EQ(std::memcmp(p.data(), batch.slice(s).data(), p.bytes()), 0) << "slice " << s;
  }
}

TEST(CtProjector, ByteIdenticalForOneAndTwoThreads) {
  for (const Geometry& g : {parallel_geometry(128, 128, 90), small_fan()}) {
    Projector a(g);
    Array<float> x(a.domain()), y(a.range());
    fill_uniform(x, CounterRng(1));
    fill_uniform(y, CounterRng(2));
    auto fwd = test::with_threads_1_and_2([&] { return a(x); });
    auto adj = test::with_threads_1_and_2([&] { return a.adjoint(y); });
    EXPECT_TRUE(test::same_bytes(fwd.first, fwd.second));
    EXPECT_TRUE(test::same_bytes(adj.first, adj.second));
  }
}

// Joseph's projection of the ray (theta, s), straight from its definition (projector.hpp) in
// double precision, bounds checked: the reference for the vectorised forward kernels.
double joseph_reference(const Array<float>& img, const Geometry& g, double theta, double s) {
  const double cx = 0.5 * double(g.cols - 1), cy = 0.5 * double(g.rows - 1), ps = g.pixel_size;
  const double c = std::cos(theta), sn = std::sin(theta);
  const bool by_column = std::abs(sn) >= std::abs(c);
  const index_t major = by_column ? g.cols : g.rows, minor = by_column ? g.rows : g.cols;
  auto pixel = [&](index_t k, index_t m) -> double {
    if (m < 0 || m >= minor) return 0.0;
    return by_column ? img(m, k) : img(k, m);
  };
  double acc = 0;
  for (index_t k = 0; k < major; ++k) {
    // Column-driven: row of the ray at column k; row-driven: column of the ray at row k.
    const double t = by_column ? cy - (s - (double(k) - cx) * ps * c) / sn / ps
                               : cx + (s - (cy - double(k)) * ps * sn) / c / ps;
    const double fl = std::floor(t), f = t - fl;
    const auto m = static_cast<index_t>(fl);
    acc += (1 - f) * pixel(k, m) + f * pixel(k, m + 1);
  }
  return acc * ps / std::max(std::abs(sn), std::abs(c));
}

// The forward (8 rays at a time with in-register permutes where neighbouring rays are close, with
// gathers where they are not, scalar where a group mixes orientations) against the definition:
// bins much finer and much coarser than the pixels, odd sizes, both geometries.
TEST(CtProjector, ForwardMatchesJosephDefinition) {
  Geometry fine = parallel_geometry(37, 45, 30, 1.0);
  fine.detector_spacing = 0.3;
  fine.detectors = 211;
  Geometry coarse = parallel_geometry(37, 45, 30, 1.0);
  coarse.detector_spacing = 3.1;  // 8 rays span > 16 pixels: the gather path
  coarse.detectors = 21;
  coarse.start_angle = 0.05;
  Geometry fan = small_fan();
  for (const Geometry& g : {fine, coarse, small_parallel(), fan}) {
    Array<float> x(g.image_shape());
    fill_uniform(x, CounterRng(5));
    const Array<float> p = Projector(g)(x);
    double worst = 0, peak = 0;
    for (index_t i = 0; i < g.views; ++i)
      for (index_t j = 0; j < g.detectors; ++j) {
        const double pos = g.bin_position(j), beta = g.view_angle(i);
        const double theta = g.beam == Beam::fan ? beta + pos : beta;
        const double s = g.beam == Beam::fan ? g.source_distance * std::sin(pos) : pos;
        const double ref = joseph_reference(x, g, theta, s);
        worst = std::max(worst, std::abs(p(i, j) - ref));
        peak = std::max(peak, std::abs(ref));
      }
    ASSERT_GT(peak, 1.0);
    // Float samples (t rounded to ~1e-4 of a pixel) and float sums over ~50 samples.
    EXPECT_LT(worst, 5e-6 * peak) << to_string(g.beam) << " spacing " << g.detector_spacing;
  }
}

// The forward is, bit for bit, the float sum its ray table describes (projector.hpp): per ray,
// over k in [k_begin, k_end) in order, t = a + b k in float, the interpolated sample added to a
// float sum, times the weight - whichever kernel (AVX-512, AVX2, scalar) the CPU runs, and so
// exactly what the adjoint transposes. (This file is built without FMA contraction, see below.)
TEST(CtProjector, ForwardIsItsRayTableBitForBit) {
  for (const Geometry& g : {parallel_geometry(64, 48, 40), small_fan()}) {
    Projector a(g);
    Array<float> x(g.image_shape());
    fill_uniform(x, CounterRng(8));
    const Array<float> p = a(x);
    index_t mismatches = 0;
    for (index_t i = 0; i < g.views; ++i)
      for (index_t j = 0; j < g.detectors; ++j) {
        const Projector::Ray ray = a.ray(i, j);
        const index_t minor = ray.by_column ? g.rows : g.cols;
        float acc = 0.0f;
        for (index_t k = ray.k_begin; k < ray.k_end; ++k) {
          const float t = ray.a + ray.b * static_cast<float>(k);
          const float fl = std::floor(t), f = t - fl;
          const auto m = static_cast<index_t>(fl);
          auto pixel = [&](index_t q) {
            if (q < 0 || q >= minor) return 0.0f;
            return ray.by_column ? x(q, k) : x(k, q);
          };
          acc += (1.0f - f) * pixel(m) + f * pixel(m + 1);
        }
        mismatches += p(i, j) != ray.weight * acc;
      }
    EXPECT_EQ(mismatches, 0) << to_string(g.beam);
  }
}

TEST(CtProjector, DotTestCoarseBins) {
  Geometry g = parallel_geometry(37, 45, 30, 1.0);
  g.detector_spacing = 3.1;
  g.detectors = 21;
  EXPECT_LT(linop::dot_test(Projector(g), 6), linop::dot_test_tolerance<float>());
}

TEST(CtProjector, ShapeAndGeometryErrors) {
  Projector a(small_parallel());
  Array<float> wrong(Shape{3, 3}), out;
  EXPECT_TWEED_ERROR(a.apply(wrong, out), ShapeMismatch, "ct_projector", "[3, 3]");
  Geometry g = small_parallel();
  g.detectors = 0;
  EXPECT_TWEED_ERROR(Projector{g}, InvalidInput, "detectors", "at least 1");
}

}  // namespace
}  // namespace tweed::ct

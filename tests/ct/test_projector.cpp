// The Joseph projector: adjointness in both geometries (and as a batch), analytic chords of a
// disc, agreement of a batch with single slices, byte-identical results for 1 and 2 threads,
// and shape errors.
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

#include <gtest/gtest.h>

#include "tweed/core/error.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/phantom.hpp"

namespace tweed {
namespace {

TEST(Phantom, SheppLoganValuesAtKnownPoints) {
  const index_t n = 256;
  Array<float> p = phantom::shepp_logan(n, 1);
  auto at = [&](double x, double y) {
    const index_t col = static_cast<index_t>((x + 1.0) / 2.0 * n);
    const index_t row = static_cast<index_t>((1.0 - y) / 2.0 * n);
    return p(row, col);
  };
  EXPECT_NEAR(at(0.95, 0.95), 0.0, 1e-6);  // outside the head
  EXPECT_NEAR(at(0.0, 0.88), 1.0, 1e-6);   // skull: 1 inside the outer, outside the inner ellipse
  EXPECT_NEAR(at(0.0, 0.7), 0.2, 1e-6);    // brain: 1 - 0.8
  EXPECT_NEAR(at(0.22, 0.0), 0.0, 1e-6);   // right ventricle: 0.2 - 0.2
  EXPECT_NEAR(at(0.0, 0.35), 0.3, 1e-6);   // the 0.1 ellipse at y = 0.35
  // Left-right symmetry of the outer ellipses: the skull row mirrors.
  EXPECT_FLOAT_EQ(p(10, 128), p(10, 127));
}

TEST(Phantom, SupersamplingAveragesEdges) {
  Array<float> p = phantom::shepp_logan(64, 4);
  EXPECT_GT(max_abs(p), 0.99);
  bool has_fractional = false;
  for (float v : p)
    if (v > 0.2f && v < 1.0f && v != 0.3f && v != 0.4f) has_fractional = true;
  EXPECT_TRUE(has_fractional);
  EXPECT_THROW(phantom::shepp_logan(0), InvalidInput);
}

// rasterise() against its definition: a linear function's pixel means are its values at the pixel
// centres (supersampling is exact for it), and a half-plane's edge pixel is the fraction of its
// sub-samples inside.
TEST(Phantom, RasteriseSamplesPixelCentresAndAveragesSubSamples) {
  const double half = 3.0;
  const index_t n = 6;  // pixels 1 unit wide; centres at -2.5 ... 2.5
  const Array<float> linear =
      phantom::rasterise(n, 3, half, [](double x, double y) { return 2 * x + y; });
  for (index_t r = 0; r < n; ++r)
    for (index_t c = 0; c < n; ++c) {
      const double x = -2.5 + double(c), y = 2.5 - double(r);
      EXPECT_NEAR(linear(r, c), 2 * x + y, 1e-5) << r << ", " << c;
    }
  // x > 0.2 in pixel column 3 (x in [0, 1]): 2 of the 3 sub-columns (x = 1/6, 1/2, 5/6) lie inside.
  const Array<float> edge =
      phantom::rasterise(n, 3, half, [](double x, double) { return x > 0.2 ? 1.0 : 0.0; });
  EXPECT_NEAR(edge(0, 3), 2.0 / 3.0, 1e-6);
  EXPECT_EQ(edge(0, 2), 0.0f);
  EXPECT_EQ(edge(0, 4), 1.0f);
  EXPECT_THROW(phantom::rasterise(0, 1, 1.0, [](double, double) { return 0.0; }), InvalidInput);
}

}  // namespace
}  // namespace tweed

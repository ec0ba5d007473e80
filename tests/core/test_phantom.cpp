#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tweed

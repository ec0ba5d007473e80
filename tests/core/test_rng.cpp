#include <gtest/gtest.h>

#include <cmath>

#include "tweed/core/ops.hpp"
#include "tweed/core/rng.hpp"

namespace tweed {
namespace {

// Known-answer test of the Philox-4x32-10 block function, from the Random123 distribution's
// kat_vectors (counter 0, key 0 and counter/key all ones).
TEST(Rng, PhiloxKnownAnswers) {
  // Through CounterRng: counter = {index lo, index hi, draw, stream}, key = {seed lo, seed hi}.
  auto b = CounterRng(0, 0).block(0, 0);
  EXPECT_EQ(b[0], 0x6627e8d5u);
  EXPECT_EQ(b[1], 0xe169c58du);
  EXPECT_EQ(b[2], 0xbc57ac4cu);
  EXPECT_EQ(b[3], 0x9b00dbd8u);
  auto c = CounterRng(0xffffffffffffffffull, 0xffffffffu).block(0xffffffffffffffffull, 0xffffffffu);
  EXPECT_EQ(c[0], 0x408f276du);
  EXPECT_EQ(c[1], 0x41c83b0eu);
  EXPECT_EQ(c[2], 0xa20bc7c6u);
  EXPECT_EQ(c[3], 0x6d5451fdu);
}

TEST(Rng, SameSeedSameValuesAnyThreadCountDifferentStreamsDiffer) {
  Array<double> a(Shape{100000}), b(Shape{100000}), c(Shape{100000});
  set_num_threads(1);
  fill_normal(a, CounterRng(7, 1));
  set_num_threads(2);
  fill_normal(b, CounterRng(7, 1));
  fill_normal(c, CounterRng(7, 2));
  set_num_threads(0);
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]);
  EXPECT_NE(a[0], c[0]);
}

TEST(Rng, UniformAndNormalMoments) {
  Array<double> u(Shape{400000}), n(Shape{400000});
  fill_uniform(u, CounterRng(1), 2.0, 4.0);
  fill_normal(n, CounterRng(2), 1.0, 3.0);
  const double mu = sum(u) / double(u.size());
  EXPECT_NEAR(mu, 3.0, 0.01);
  for (double v : u) ASSERT_TRUE(v > 2.0 && v < 4.0);
  const double mn = sum(n) / double(n.size());
  EXPECT_NEAR(mn, 1.0, 0.02);
  double var = 0;
  for (double v : n) var += (v - mn) * (v - mn);
  EXPECT_NEAR(std::sqrt(var / double(n.size())), 3.0, 0.02);
}

TEST(Rng, ComplexNormalHasRequestedPower) {
  Array<cfloat> z(Shape{200000});
  fill_normal(z, CounterRng(3), 0.0, 2.0);
  EXPECT_NEAR(norm2_squared(z) / double(z.size()), 4.0, 0.05);
  // Real and imaginary parts are uncorrelated.
  double cross = 0;
  for (auto v : z) cross += double(v.real()) * double(v.imag());
  EXPECT_NEAR(cross / double(z.size()), 0.0, 0.03);
}

TEST(Rng, PoissonMeanAndVarianceSmallAndLargeRates) {
  for (double lambda : {0.5, 4.0, 30.0, 5000.0}) {
    Array<double> lam(Shape{200000}, lambda), k(Shape{200000});
    fill_poisson(k, lam, CounterRng(11));
    const double m = sum(k) / double(k.size());
    double var = 0;
    for (double v : k) {
      ASSERT_GE(v, 0.0);
      ASSERT_EQ(v, std::floor(v));
      var += (v - m) * (v - m);
    }
    var /= double(k.size());
    EXPECT_NEAR(m / lambda, 1.0, 0.01 + 3.0 / std::sqrt(lambda * 200000.0)) << lambda;
    EXPECT_NEAR(var / lambda, 1.0, 0.03) << lambda;
  }
  EXPECT_THROW(CounterRng(1).poisson(-1.0, 0), InvalidInput);
}

TEST(Rng, BernoulliAndBelow) {
  Array<float> b(Shape{100000});
  fill_bernoulli(b, CounterRng(5), 0.25);
  EXPECT_NEAR(sum(b) / double(b.size()), 0.25, 0.01);
  CounterRng r(9);
  std::vector<int> hist(7, 0);
  for (std::uint64_t i = 0; i < 70000; ++i) hist[r.below(7, i)]++;
  for (int h : hist) EXPECT_NEAR(h, 10000, 400);
}

}  // namespace
}  // namespace tweed

// Exact 1-D TV against an independent exact solver (active set on the dual QP) and the KKT
// conditions.
#include <gtest/gtest.h>

#include <numeric>

#include "reference.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::priors {
namespace {

using testing::Vec;

Vec ours(const Vec& y, double lam) {
  Vec x(y.size());
  tv1d_denoise<double>(y, lam, x);
  return x;
}

TEST(Tv1d, MatchesActiveSetReferenceOnRandomSignals) {
  int cases = 0;
  for (index_t n : {2, 3, 4, 5, 7, 10, 31, 100, 257, 1000}) {
    for (double lam : {1e-3, 0.05, 0.3, 1.0, 4.0, 50.0}) {
      for (int kind = 0; kind < 2; ++kind) {
        const std::uint64_t seed = std::uint64_t(1000 * n + 10 * kind) + std::uint64_t(lam * 1000);
        const Vec y =
            kind == 0 ? testing::random_vector(n, seed) : testing::steps_plus_noise(n, seed);
        const auto ref = testing::tv1d_reference(y, lam);
        ASSERT_LT(ref.kkt, 1e-9) << "reference did not converge: n=" << n << " lam=" << lam;
        const Vec x = ours(y, lam);
        EXPECT_LT(testing::max_diff(x, ref.x), 1e-9)
            << "n=" << n << " lam=" << lam << " kind=" << kind;
        // And it is no worse than the reference in objective.
        EXPECT_LE(testing::tv1d_objective(x, y, lam),
                  testing::tv1d_objective(ref.x, y, lam) + 1e-9);
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 120);
}

TEST(Tv1d, SatisfiesKktDirectly) {
  // x = y - D^T u with u_i = lam sign(x_{i+1} - x_i) where x jumps and |u_i| <= lam where flat:
  // recover u by the cumulative sum u_k = sum_{i<=k} (x_i - y_i) and check.
  const Vec y = testing::steps_plus_noise(500, 42);
  const double lam = 0.7;
  const Vec x = ours(y, lam);
  double u = 0;
  for (std::size_t k = 0; k + 1 < y.size(); ++k) {
    u += x[k] - y[k];
    const double jump = x[k + 1] - x[k];
    EXPECT_LE(std::abs(u), lam + 1e-9);
    if (jump > 1e-9) {
      EXPECT_NEAR(u, lam, 1e-9);
    }
    if (jump < -1e-9) {
      EXPECT_NEAR(u, -lam, 1e-9);
    }
  }
  u += x.back() - y.back();
  EXPECT_NEAR(u, 0.0, 1e-9);  // the sum is preserved
}

TEST(Tv1d, EdgeCases) {
  // N = 1: nothing to couple.
  EXPECT_EQ(ours({3.5}, 10.0), Vec{3.5});
  // N = 2: closed form. Jump d = y1 - y0; if |d| <= 2 lam both go to the mean, else each moves
  // by lam towards the other.
  EXPECT_NEAR(ours({0.0, 10.0}, 1.0)[0], 1.0, 1e-12);
  EXPECT_NEAR(ours({0.0, 10.0}, 1.0)[1], 9.0, 1e-12);
  EXPECT_NEAR(ours({0.0, 10.0}, 5.0)[0], 5.0, 1e-12);
  EXPECT_NEAR(ours({0.0, 10.0}, 7.0)[1], 5.0, 1e-12);
  EXPECT_NEAR(ours({4.0, -2.0}, 1.0)[0], 3.0, 1e-12);
  // Constant signal: unchanged for any lambda.
  const Vec c(17, 2.25);
  EXPECT_LT(testing::max_diff(ours(c, 3.0), c), 1e-12);
  // Huge lambda: the mean everywhere.
  const Vec y = testing::random_vector(300, 5);
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / double(y.size());
  const Vec x = ours(y, 1e6);
  for (double v : x) EXPECT_NEAR(v, mean, 1e-9);
  // lambda = 0: identity.
  EXPECT_LT(testing::max_diff(ours(y, 0.0), y), 0.0 + 1e-15);
  // Monotone staircase with small lambda: only the end steps move (by lam / width).
  const Vec stair{0, 0, 1, 1, 2, 2};
  const Vec xs = ours(stair, 0.1);
  EXPECT_NEAR(xs[0], 0.05, 1e-12);
  EXPECT_NEAR(xs[2], 1.0, 1e-12);
  EXPECT_NEAR(xs[5], 1.95, 1e-12);
}

TEST(Tv1d, ShiftAndScaleEquivariance) {
  // prox_{lam TV}(a y + b) = a prox_{lam/a TV}(y) + b for a > 0: checks the mean removal and
  // that nothing depends on the signal's level.
  const Vec y = testing::steps_plus_noise(400, 9);
  const double a = 1e3, b = -7e4, lam = 0.4;
  Vec yt(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) yt[i] = a * y[i] + b;
  const Vec x1 = ours(yt, lam * a);
  const Vec x2 = ours(y, lam);
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(x1[i], a * x2[i] + b, 1e-7);
}

TEST(Tv1d, InPlaceAndFloat) {
  const Vec y = testing::steps_plus_noise(777, 3);
  const double lam = 0.5;
  const auto ref = testing::tv1d_reference(y, lam);
  ASSERT_LT(ref.kkt, 1e-9);
  Vec inplace = y;
  tv1d_denoise<double>(inplace, lam, inplace);
  EXPECT_LT(testing::max_diff(inplace, ref.x), 1e-9);
  std::vector<float> yf(y.begin(), y.end()), xf(y.size());
  tv1d_denoise<float>(yf, lam, xf);
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(xf[i], ref.x[i], 2e-5);
  EXPECT_THROW(tv1d_denoise<double>(y, -1.0, inplace), InvalidInput);
  Vec shorter(3);
  EXPECT_THROW(tv1d_denoise<double>(y, 1.0, shorter), ShapeMismatch);
}

TEST(Tv1d, RowsAreIndependentAndThreadCountDoesNotMatter) {
  const index_t rows = 37, n = 301;
  Array<double> y(Shape{rows, n});
  for (index_t r = 0; r < rows; ++r) {
    const Vec row = testing::steps_plus_noise(n, std::uint64_t(r + 100));
    std::copy(row.begin(), row.end(), y.data() + r * n);
  }
  const double lam = 0.8;
  Array<double> out;
  tv1d_denoise_rows(y, lam, out);
  for (index_t r = 0; r < rows; r += 6) {
    const Vec row(y.data() + r * n, y.data() + (r + 1) * n);
    const auto ref = testing::tv1d_reference(row, lam);
    const Vec got(out.data() + r * n, out.data() + (r + 1) * n);
    EXPECT_LT(testing::max_diff(got, ref.x), 1e-9) << "row " << r;
  }
  // The same through tv_denoise / TvProx with spatial_dims = 1, and with one thread.
  TvOptions o;
  o.spatial_dims = 1;
  Array<double> out2;
  tv_denoise(y, lam, out2, o);
  const int threads = num_threads();
  set_num_threads(1);
  Array<double> out1;
  TvProx<double>(lam / 2, o).prox(y, 2.0, out1);
  set_num_threads(threads);
  for (index_t i = 0; i < y.size(); ++i) {
    EXPECT_EQ(out[i], out2[i]);
    EXPECT_EQ(out[i], out1[i]);
  }
  // 3-D array: rows along the last axis.
  Array<double> y3 = Array<double>(y).reshaped(Shape{1, rows, n});
  Array<double> out3;
  tv1d_denoise_rows(y3, lam, out3);
  for (index_t i = 0; i < y.size(); ++i) EXPECT_EQ(out[i], out3[i]);
}

TEST(Tv1d, RankOneTvProxIsExactAndHasValue) {
  const Vec y = testing::random_vector(64, 11);
  Array<double> x = Array<double>::from(Shape{64}, y);
  TvProx<double> prox(0.25);
  Array<double> out;
  prox.prox(x, 2.0, out);  // lambda * tau = 0.5
  const auto ref = testing::tv1d_reference(y, 0.5);
  EXPECT_LT(testing::max_diff(Vec(out.begin(), out.end()), ref.x), 1e-9);
  double tv = 0;
  for (std::size_t i = 0; i + 1 < y.size(); ++i) tv += std::abs(y[i + 1] - y[i]);
  EXPECT_NEAR(prox.value(x), 0.25 * tv, 1e-12);
}

}  // namespace
}  // namespace tweed::priors

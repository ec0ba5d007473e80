// rROF: optimality of the smooth objective (its gradient, computed here from the definition,
// vanishes) and convergence to exact TV as beta -> 0.
#include <gtest/gtest.h>

#include "reference.hpp"
#include "tweed/priors/rrof.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::priors {
namespace {

using testing::Grid;
using testing::Vec;

/// grad F for F(u) = 1/2||u - f||^2 + lam sum_i sqrt((D u)_i^2 + beta), 1-D (N-1 differences).
Vec gradient_1d(const Vec& u, const Vec& f, double lam, double beta) {
  Vec g(u.size());
  for (std::size_t k = 0; k < u.size(); ++k) g[k] = u[k] - f[k];
  for (std::size_t i = 0; i + 1 < u.size(); ++i) {
    const double d = u[i + 1] - u[i];
    const double w = lam * d / std::sqrt(d * d + beta);
    g[i + 1] += w;
    g[i] -= w;
  }
  return g;
}

/// grad F for the 2-D rROF: sum over pixels of sqrt(|grad u|^2 + beta), Neumann gradient.
Vec gradient_2d(const Grid& grid, const Vec& u, const Vec& f, double lam, double beta) {
  auto gr = testing::gradient(grid, u);
  for (std::size_t j = 0; j < u.size(); ++j) {
    const double s = std::sqrt(gr[0][j] * gr[0][j] + gr[1][j] * gr[1][j] + beta);
    gr[0][j] *= lam / s;
    gr[1][j] *= lam / s;
  }
  Vec g = testing::gradient_adjoint(grid, gr);
  for (std::size_t j = 0; j < u.size(); ++j) g[j] += u[j] - f[j];
  return g;
}

Vec run(const Vec& f, Shape shape, double lam, double beta, RrofOptions o = {}) {
  Array<double> out;
  const RrofReport rep = rrof_denoise(Array<double>::from(shape, f), lam, beta, out, o);
  EXPECT_TRUE(rep.converged);
  return Vec(out.begin(), out.end());
}

TEST(Rrof, OneDimensionalGradientVanishes) {
  for (index_t n : {2, 3, 10, 200, 2000}) {
    for (double lam : {0.05, 0.5, 5.0}) {
      for (double beta : {1.0, 1e-2, 1e-5, 1e-9}) {
        const Vec f = testing::steps_plus_noise(n, std::uint64_t(n) + 3);
        const Vec u = run(f, Shape{n}, lam, beta);
        EXPECT_LT(testing::norm(gradient_1d(u, f, lam, beta)), 2e-8 * testing::norm(f))
            << "n=" << n << " lam=" << lam << " beta=" << beta;
      }
    }
  }
}

TEST(Rrof, TwoDimensionalGradientVanishes) {
  const Grid grid{{12, 17}};
  const Vec f = testing::random_vector(grid.size(), 77);
  for (double lam : {0.1, 1.0}) {
    for (double beta : {1e-1, 1e-4}) {
      const Vec u = run(f, Shape{12, 17}, lam, beta);
      EXPECT_LT(testing::norm(gradient_2d(grid, u, f, lam, beta)), 2e-8 * testing::norm(f));
    }
  }
}

TEST(Rrof, TendsToExactTvAsBetaVanishes1d) {
  // ||u_beta - u*||^2 <= 2 lam (N - 1) sqrt(beta) (strong convexity and TV <= TV_beta <= TV +
  // (N-1) sqrt(beta)); in practice the error is much smaller and falls steadily with beta.
  for (double lam : {0.2, 1.0}) {
    const Vec f = testing::steps_plus_noise(400, 12);
    const auto ref = testing::tv1d_reference(f, lam);
    ASSERT_LT(ref.kkt, 1e-9);
    double previous = 1e300;
    for (double beta : {1e-2, 1e-4, 1e-6}) {
      const Vec u = run(f, Shape{400}, lam, beta);
      Vec diff(u.size());
      for (std::size_t i = 0; i < u.size(); ++i) diff[i] = u[i] - ref.x[i];
      const double err = testing::norm(diff);
      EXPECT_LT(err, std::sqrt(2 * lam * 399 * std::sqrt(beta))) << "beta " << beta;
      EXPECT_LT(err, 0.5 * previous) << "beta " << beta;
      previous = err;
    }
    EXPECT_LT(previous, 5e-3 * testing::norm(f));  // beta = 1e-6: within 0.5% of exact TV
  }
}

TEST(Rrof, TendsToExactTvAsBetaVanishes2d) {
  const Grid grid{{16, 16}};
  const Vec f = testing::random_vector(grid.size(), 5);
  const double lam = 0.3;
  // Exact TV from the certified FGP solver, which its own tests check against independent methods.
  TvOptions o;
  o.tolerance = 1e-10;
  o.max_iterations = 1000000;
  Array<double> tv;
  ASSERT_TRUE(tv_denoise(Array<double>::from(Shape{16, 16}, f), lam, tv, o).converged);
  double previous = 1e300;
  for (double beta : {1e-2, 1e-4, 1e-6}) {
    const Vec u = run(f, Shape{16, 16}, lam, beta);
    Vec diff(u.size());
    for (std::size_t i = 0; i < u.size(); ++i) diff[i] = u[i] - tv[static_cast<index_t>(i)];
    const double err = testing::norm(diff);
    EXPECT_LT(err, std::sqrt(2 * lam * 256 * std::sqrt(beta)));
    EXPECT_LT(err, 0.5 * previous);
    previous = err;
  }
  EXPECT_LT(previous, 5e-3 * testing::norm(f));
}

TEST(Rrof, ProxValueBatchFloatAndErrors) {
  const Vec f = testing::steps_plus_noise(50, 8);
  RrofProx<double> prox(0.25, 1e-3);
  Array<double> x = Array<double>::from(Shape{50}, f), out;
  prox.prox(x, 2.0, out);  // lambda tau = 0.5
  EXPECT_LT(testing::norm(gradient_1d(Vec(out.begin(), out.end()), f, 0.5, 1e-3)), 1e-7);
  double tvb = 0;
  for (std::size_t i = 0; i + 1 < f.size(); ++i)
    tvb += std::sqrt((f[i + 1] - f[i]) * (f[i + 1] - f[i]) + 1e-3);
  EXPECT_NEAR(prox.value(x), 0.25 * tvb, 1e-12 * tvb);
  // In place gives the same.
  Array<double> inplace = x;
  prox.prox(inplace, 2.0, inplace);
  for (index_t i = 0; i < x.size(); ++i) EXPECT_EQ(inplace[i], out[i]);
  // Rows of a batch are independent problems.
  Array<double> rows(Shape{3, 50});
  for (index_t r = 0; r < 3; ++r)
    for (index_t i = 0; i < 50; ++i) rows(r, i) = f[static_cast<std::size_t>(i)] * double(r + 1);
  RrofOptions o;
  o.spatial_dims = 1;
  Array<double> rout;
  rrof_denoise(rows, 0.5, 1e-3, rout, o);
  for (index_t r = 0; r < 3; ++r) {
    Vec row(50), res(50);
    for (index_t i = 0; i < 50; ++i) {
      row[static_cast<std::size_t>(i)] = rows(r, i);
      res[static_cast<std::size_t>(i)] = rout(r, i);
    }
    EXPECT_LT(testing::norm(gradient_1d(res, row, 0.5, 1e-3)), 1e-7 * double(r + 1));
  }
  // float data is computed in double and rounded.
  Array<float> xf(Shape{50});
  for (index_t i = 0; i < 50; ++i) xf[i] = float(f[static_cast<std::size_t>(i)]);
  Array<float> of;
  rrof_denoise(xf, 0.5, 1e-3, of);
  for (index_t i = 0; i < 50; ++i) EXPECT_NEAR(of[i], out[i], 1e-5);
  EXPECT_THROW(rrof_denoise(x, 0.5, 0.0, out), InvalidInput);
  EXPECT_THROW(rrof_denoise(x, -0.5, 1.0, out), InvalidInput);
  EXPECT_THROW(RrofProx<double>(1.0, -1.0), InvalidInput);
  Array<double> cube(Shape{2, 2, 2});
  EXPECT_THROW(rrof_denoise(cube, 0.5, 1e-3, out), InvalidInput);
}

}  // namespace
}  // namespace tweed::priors

// 2-D and 3-D TV: against a long run of an independent primal-dual method (Chambolle-Pock with
// acceleration) with a duality-gap certificate, against exact 1-D TV on images that vary along
// one axis, and against a transcription of scikit-image's denoise_tv_chambolle loop.
#include <gtest/gtest.h>

#include "reference.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::priors {
namespace {

using testing::Grid;
using testing::Vec;

Vec random_image(const Grid& g, std::uint64_t seed, bool blocks) {
  CounterRng rng(seed);
  Vec v(static_cast<std::size_t>(g.size()));
  for (index_t j = 0; j < g.size(); ++j) {
    double base = 0;
    if (blocks) {  // a few constant blocks: TV has edges to keep
      index_t key = 0;
      for (std::size_t a = 0; a < g.dims.size(); ++a)
        key = key * 3 + (2 * g.coord(j, a)) / g.dims[a];
      base = std::sin(1.7 * double(key));
    }
    v[static_cast<std::size_t>(j)] = base + (blocks ? 0.3 : 1.0) * rng.normal(std::uint64_t(j));
  }
  return v;
}

Array<double> to_array(const Grid& g, const Vec& v) {
  return Array<double>::from(Shape(g.dims), v);
}

struct Case {
  std::vector<index_t> dims;
  double lam;
  bool iso;
  bool blocks;
};

class TvNdAgainstPrimalDual : public ::testing::TestWithParam<std::tuple<Case, TvAlgorithm>> {};

/// Checks from first principles that `p` is a feasible dual for (iso/aniso) TV on grid g and
/// returns sqrt(2 (P(u) - D(lambda p))), an upper bound on ||u - u*|| by weak duality.
double certified_error(const Grid& g, const Vec& f, const Vec& u, const std::vector<Vec>& p,
                       double lam, bool iso) {
  const std::size_t nd = g.dims.size();
  EXPECT_EQ(p.size(), nd);
  std::vector<Vec> q(nd, Vec(f.size()));
  for (index_t j = 0; j < g.size(); ++j) {
    const auto jj = static_cast<std::size_t>(j);
    double n2 = 0;
    for (std::size_t a = 0; a < nd; ++a) {
      if (g.coord(j, a) + 1 == g.dims[a]) {
        EXPECT_EQ(p[a][jj], 0.0);
      }
      EXPECT_LE(std::abs(p[a][jj]), 1 + 1e-12);
      n2 += p[a][jj] * p[a][jj];
      q[a][jj] = lam * p[a][jj];
    }
    if (iso) {
      EXPECT_LE(std::sqrt(n2), 1 + 1e-12);
    }
  }
  // u = f + lam div p = f - D^T (lam p); D(q) = 1/2||f||^2 - 1/2||f - D^T q||^2.
  const double gap = testing::tv_nd_objective(g, u, f, lam, iso) - testing::tv_nd_dual(g, q, f);
  EXPECT_GE(gap, -1e-12);
  return std::sqrt(2 * std::max(0.0, gap));
}

TEST_P(TvNdAgainstPrimalDual, MatchesAndIsCertified) {
  const auto& [c, alg] = GetParam();
  const Grid g{c.dims};
  const Vec f = random_image(g, std::uint64_t(c.dims.size() * 100 + c.dims[0]), c.blocks);

  // FGP reaches the rounding floor of the gap (~1e-7 relative) quickly; Chambolle's projection
  // converges much more slowly, so it is held to a looser (still certified) tolerance.
  const bool fgp = alg == TvAlgorithm::kFgp;
  TvOptions o;
  o.isotropic = c.iso;
  o.algorithm = alg;
  o.tolerance = fgp ? 1e-9 : 1e-6;
  o.max_iterations = 2000000;
  Array<double> out;
  TvDual<double> dual;
  const TvReport rep = tv_denoise(to_array(g, f), c.lam, out, o, &dual);
  EXPECT_TRUE(rep.converged);
  const Vec u(out.begin(), out.end());
  std::vector<Vec> p;
  for (const auto& a : dual.p) p.emplace_back(a.begin(), a.end());
  // A dual certificate checked here from the definitions (weak duality), not by the solver.
  EXPECT_LT(certified_error(g, f, u, p, c.lam, c.iso), (fgp ? 3e-6 : 1.01e-6) * testing::norm(f));

  // And a long run of an independent method (accelerated Chambolle-Pock) agrees.
  const auto ref = testing::tv_nd_reference(g, f, c.lam, c.iso, 100000);
  EXPECT_LT(ref.primal - ref.dual, 1e-7);
  EXPECT_LT(testing::max_diff(u, ref.u), 1e-4);
  if (fgp) {
    EXPECT_LE(testing::tv_nd_objective(g, u, f, c.lam, c.iso), ref.primal * (1 + 1e-12));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Grids, TvNdAgainstPrimalDual,
    ::testing::Combine(
        ::testing::Values(Case{{7, 6}, 0.3, true, false}, Case{{7, 6}, 0.3, false, false},
                          Case{{5, 9}, 1.5, true, true}, Case{{5, 9}, 1.5, false, true},
                          Case{{1, 8}, 0.5, true, false}, Case{{8, 1}, 0.5, false, false},
                          Case{{4, 5, 3}, 0.4, true, false}, Case{{4, 5, 3}, 0.4, false, true},
                          Case{{3, 4, 6}, 2.0, true, true}),
        ::testing::Values(TvAlgorithm::kFgp, TvAlgorithm::kChambolle)));

TEST(TvNd, IsotropicAndAnisotropicDiffer) {
  const Grid g{{6, 6}};
  const Vec f = random_image(g, 3, false);
  Array<double> iso, aniso;
  TvOptions o;
  o.tolerance = 1e-8;
  o.max_iterations = 100000;
  tv_denoise(to_array(g, f), 0.5, iso, o);
  o.isotropic = false;
  tv_denoise(to_array(g, f), 0.5, aniso, o);
  EXPECT_GT(testing::max_diff(Vec(iso.begin(), iso.end()), Vec(aniso.begin(), aniso.end())), 1e-3);
  // Each is optimal for its own TV, not for the other's.
  const Vec vi(iso.begin(), iso.end()), va(aniso.begin(), aniso.end());
  EXPECT_LT(testing::tv_nd_objective(g, vi, f, 0.5, true),
            testing::tv_nd_objective(g, va, f, 0.5, true));
  EXPECT_LT(testing::tv_nd_objective(g, va, f, 0.5, false),
            testing::tv_nd_objective(g, vi, f, 0.5, false));
}

TEST(TvNd, ImagesVaryingAlongOneAxisReduceToExact1d) {
  // u(r, c) = s(c) for every row: the vertical differences vanish and 2-D TV (either kind) is
  // rows x TV_1d, so the prox is the exact 1-D prox of s on every row; same in 3-D.
  const Vec s = testing::steps_plus_noise(40, 17);
  const double lam = 0.6;
  const auto ref = testing::tv1d_reference(s, lam);
  ASSERT_LT(ref.kkt, 1e-9);
  for (bool iso : {true, false}) {
    for (int nd : {2, 3}) {
      Shape shape = nd == 2 ? Shape{5, 40} : Shape{3, 4, 40};
      Array<double> f(shape);
      for (index_t j = 0; j < f.size(); ++j) f[j] = s[static_cast<std::size_t>(j % 40)];
      TvOptions o;
      o.isotropic = iso;
      o.tolerance = 1e-8;
      o.max_iterations = 200000;
      Array<double> out;
      EXPECT_TRUE(tv_denoise(f, lam, out, o).converged);
      for (index_t j = 0; j < f.size(); ++j)
        ASSERT_NEAR(out[j], ref.x[static_cast<std::size_t>(j % 40)], 1e-6)
            << "iso=" << iso << " nd=" << nd;
    }
  }
}

/// scikit-image's _denoise_tv_chambolle_nd, written out with loops from its description: p is
/// the dual (its sign), out = image + div-like d, E = (||d||^2 + w TV(out)) / N, stop when
/// |E_prev - E| < eps E_0, tau = 1 / (2 ndim). Returns (out, number of energy evaluations).
std::pair<Vec, int> skimage_transcription(const Grid& g, const Vec& image, double weight,
                                          double eps, int max_num_iter) {
  const std::size_t nd = g.dims.size(), n = image.size();
  std::vector<Vec> p(nd, Vec(n, 0.0));
  Vec out = image;
  double e_init = 0, e_prev = 0;
  int i = 0;
  for (; i < max_num_iter; ++i) {
    Vec d(n, 0.0);
    if (i > 0) {
      // d = -sum_a p_a, then d[j] += p_a[j - e_a] where j_a >= 1.
      for (std::size_t a = 0; a < nd; ++a)
        for (index_t j = 0; j < g.size(); ++j) {
          d[static_cast<std::size_t>(j)] -= p[a][static_cast<std::size_t>(j)];
          if (g.coord(j, a) >= 1)
            d[static_cast<std::size_t>(j)] += p[a][static_cast<std::size_t>(j - g.stride(a))];
        }
      for (std::size_t j = 0; j < n; ++j) out[j] = image[j] + d[j];
    } else {
      out = image;
    }
    double e = 0;
    for (double v : d) e += v * v;
    const auto gr = testing::gradient(g, out);
    Vec norm(n, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t a = 0; a < nd; ++a) norm[j] += gr[a][j] * gr[a][j];
      norm[j] = std::sqrt(norm[j]);
      e += weight * norm[j];
    }
    const double tau = 1.0 / (2.0 * double(nd));
    for (std::size_t j = 0; j < n; ++j) {
      const double denom = 1 + tau / weight * norm[j];
      for (std::size_t a = 0; a < nd; ++a) p[a][j] = (p[a][j] - tau * gr[a][j]) / denom;
    }
    e /= double(n);
    if (i == 0) {
      e_init = e_prev = e;
    } else if (std::abs(e_prev - e) < eps * e_init) {
      break;
    } else {
      e_prev = e;
    }
  }
  return {out, std::min(i + 1, max_num_iter)};
}

TEST(TvNd, SkimageModeReproducesDenoiseTvChambolle) {
  for (const auto& dims : {std::vector<index_t>{24, 19}, std::vector<index_t>{6, 7, 5}}) {
    const Grid g{dims};
    const Vec f = random_image(g, 23, true);
    for (double weight : {0.05, 0.2, 1.0}) {
      for (auto [eps, iters] : {std::pair{2e-4, 200}, std::pair{1e-6, 50}}) {
        const auto [sk, sk_iters] = skimage_transcription(g, f, weight, eps, iters);
        Array<double> out;
        const TvReport rep =
            tv_denoise(to_array(g, f), weight, out, TvOptions::skimage(eps, iters));
        EXPECT_EQ(rep.iterations, sk_iters) << "weight " << weight << " eps " << eps;
        EXPECT_LT(testing::max_diff(Vec(out.begin(), out.end()), sk), 1e-12);
      }
    }
  }
}

TEST(TvNd, ThreadCountDoesNotChangeTheResult) {
  for (const Shape& shape : {Shape{64, 33}, Shape{9, 8, 7}}) {
    Array<double> f(shape);
    fill_normal(f, CounterRng(5));
    for (auto alg : {TvAlgorithm::kFgp, TvAlgorithm::kChambolle}) {
      TvOptions o;
      o.algorithm = alg;
      o.max_iterations = 37;
      o.check_every = 5;
      o.tolerance = 1e-12;
      const int threads = num_threads();
      set_num_threads(1);
      Array<double> a;
      const TvReport ra = tv_denoise(f, 0.3, a, o);
      set_num_threads(std::max(2, threads));
      Array<double> b;
      const TvReport rb = tv_denoise(f, 0.3, b, o);
      set_num_threads(threads);
      EXPECT_EQ(ra.iterations, rb.iterations);
      EXPECT_EQ(ra.gap, rb.gap);
      for (index_t i = 0; i < f.size(); ++i) ASSERT_EQ(a[i], b[i]);
    }
  }
}

TEST(TvNd, BatchInPlaceFloatAndValue) {
  const Grid g{{9, 10}};
  Array<double> batch(Shape{3, 9, 10});
  for (index_t b = 0; b < 3; ++b) {
    const Vec f = random_image(g, std::uint64_t(40 + b), true);
    std::copy(f.begin(), f.end(), batch.data() + b * 90);
  }
  TvOptions o;
  o.spatial_dims = 2;
  o.tolerance = 1e-8;
  o.max_iterations = 1000000;
  Array<double> out;
  tv_denoise(batch, 0.4, out, o);
  TvDual<double> dual;
  tv_denoise(batch, 0.4, out, o, &dual);
  for (index_t b = 0; b < 3; ++b) {
    const auto slice = [b](const Array<double>& a) {
      return Vec(a.data() + b * 90, a.data() + (b + 1) * 90);
    };
    const Vec f = slice(batch);
    EXPECT_LT(certified_error(g, f, slice(out), {slice(dual.p[0]), slice(dual.p[1])}, 0.4, true),
              3e-6 * testing::norm(f));
  }
  // A warm start from the converged dual converges at once to the same point.
  Array<double> again;
  const TvReport warm = tv_denoise(batch, 0.4, again, o, &dual);
  EXPECT_LE(warm.iterations, 2 * o.check_every);
  for (index_t i = 0; i < batch.size(); ++i) EXPECT_NEAR(again[i], out[i], 1e-8);
  tv_denoise(batch, 0.4, out, o);
  // In place through the prox (tau * lambda = 0.4), identical to the out-of-place result.
  TvProx<double> prox(0.2, o);
  Array<double> inplace = batch;
  prox.prox(inplace, 2.0, inplace);
  for (index_t i = 0; i < batch.size(); ++i) EXPECT_EQ(inplace[i], out[i]);
  // value(): lambda * TV summed over the batch.
  double tv = 0;
  for (index_t b = 0; b < 3; ++b)
    tv += testing::tv_nd(g, Vec(batch.data() + b * 90, batch.data() + (b + 1) * 90), true);
  EXPECT_NEAR(prox.value(batch), 0.2 * tv, 1e-10 * tv);
  TvProx<double> aniso3(1.0, TvOptions{.isotropic = false});
  const Grid g3{{3, 9, 10}};
  EXPECT_NEAR(aniso3.value(batch), testing::tv_nd(g3, Vec(batch.begin(), batch.end()), false),
              1e-9);
  // float: close to double.
  Array<float> bf(batch.shape());
  for (index_t i = 0; i < batch.size(); ++i) bf[i] = float(batch[i]);
  TvOptions of = o;
  of.tolerance = 1e-5;
  Array<float> outf;
  tv_denoise(bf, 0.4, outf, of);
  for (index_t i = 0; i < batch.size(); ++i) EXPECT_NEAR(outf[i], out[i], 1e-4);
}

TEST(TvNd, ConvergesWithDefaultsAndRejectsBadInput) {
  Array<float> f(Shape{128, 128});
  fill_normal(f, CounterRng(8), 0.5, 0.2);
  Array<float> out;
  const TvReport rep = tv_denoise(f, 0.1f, out);
  EXPECT_TRUE(rep.converged);
  EXPECT_LT(rep.iterations, 500);
  EXPECT_THROW(tv_denoise(f, -1.0, out), InvalidInput);
  Array<float> f4(Shape{2, 2, 2, 2});
  EXPECT_THROW(tv_denoise(f4, 1.0, out), InvalidInput);
  Array<float> wrong(Shape{3});
  EXPECT_THROW(tv_denoise(f, 1.0, wrong), ShapeMismatch);
  // Constant image and lambda = 0 are fixed points.
  Array<double> c(Shape{5, 6}, 1.5), oc;
  EXPECT_TRUE(tv_denoise(c, 3.0, oc).converged);
  for (double v : oc) EXPECT_NEAR(v, 1.5, 1e-12);
  Array<double> z;
  Array<double> r(Shape{4, 4});
  fill_normal(r, CounterRng(1));
  tv_denoise(r, 0.0, z);
  for (index_t i = 0; i < r.size(); ++i) EXPECT_EQ(z[i], r[i]);
}

}  // namespace
}  // namespace tweed::priors

namespace tweed::priors {
namespace {

TEST(TvNd, ProxWarmStartCutsIterationsAndKeepsTheCertificate) {
  Array<double> x(Shape{96, 80});
  fill_normal(x, CounterRng(12), 0.5, 0.2);
  TvOptions o;
  o.tolerance = 1e-3;
  o.max_iterations = 100000;
  TvProx<double> cold(0.1, o);
  o.warm_start = true;
  TvProx<double> warm(0.1, o);
  Array<double> a, b;
  cold.prox(x, 1.0, a);
  warm.prox(x, 1.0, b);
  EXPECT_EQ(warm.last_report().iterations, cold.last_report().iterations);  // nothing to reuse
  // A slightly different input, as from one outer iteration to the next.
  Array<double> noise(x.shape()), x2 = x;
  fill_normal(noise, CounterRng(13), 0.0, 1e-3);
  axpy(1.0, noise, x2);
  cold.prox(x2, 1.0, a);
  warm.prox(x2, 1.0, b);
  EXPECT_TRUE(warm.last_report().converged);
  EXPECT_LT(warm.last_report().iterations, cold.last_report().iterations / 2);
  // Both outputs are certified to 1e-3 ||x2||, so they agree to twice that.
  double d = 0, n = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    n += x2[i] * x2[i];
  }
  EXPECT_LT(std::sqrt(d), 2e-3 * std::sqrt(n));
}

}  // namespace
}  // namespace tweed::priors

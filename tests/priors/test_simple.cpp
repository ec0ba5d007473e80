// l1, box, l2 ball, wavelet-l1, the plug-and-play adapters and the Tweedie score, each against its
// definition: a brute-force minimisation of 1/2|z - x|^2 + tau g(z), or the optimality condition.
#include <gtest/gtest.h>

#include <complex>
#include <type_traits>

#include "reference.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/linop/linear_operator.hpp"
#include "tweed/priors/priors.hpp"

namespace tweed::priors {
namespace {

/// Minimises a convex function of one variable on [a, b] by ternary search.
double argmin_1d(const std::function<double(double)>& f, double a, double b) {
  for (int it = 0; it < 300; ++it) {
    const double m1 = a + (b - a) / 3, m2 = b - (b - a) / 3;
    if (f(m1) < f(m2))
      b = m2;
    else
      a = m1;
  }
  return 0.5 * (a + b);
}

TEST(L1, RealProxIsTheBruteForceMinimiser) {
  const auto x = testing::random_vector(200, 1, 2.0);
  const auto w = testing::random_vector(200, 2, 1.0);
  Array<double> weights(Shape{200});
  for (index_t i = 0; i < 200; ++i) weights[i] = std::abs(w[static_cast<std::size_t>(i)]);
  const double lam = 0.7, tau = 1.3;
  L1Prox<double> plain(lam), weighted(lam, weights);
  Array<double> xa = Array<double>::from(Shape{200}, x), a, b;
  plain.prox(xa, tau, a);
  weighted.prox(xa, tau, b);
  for (index_t i = 0; i < 200; ++i) {
    const double xi = x[static_cast<std::size_t>(i)], wi = weights[i];
    const double za =
        argmin_1d([&](double z) { return 0.5 * (z - xi) * (z - xi) + tau * lam * std::abs(z); },
                  xi - 10, xi + 10);
    const double zb = argmin_1d(
        [&](double z) { return 0.5 * (z - xi) * (z - xi) + tau * lam * wi * std::abs(z); }, xi - 10,
        xi + 10);
    EXPECT_NEAR(a[i], za, 1e-7);  // a quadratic minimum is flat to rounding within ~1e-8
    EXPECT_NEAR(b[i], zb, 1e-7);
  }
  double v = 0, vw = 0;
  for (index_t i = 0; i < 200; ++i) {
    v += std::abs(x[static_cast<std::size_t>(i)]);
    vw += weights[i] * std::abs(x[static_cast<std::size_t>(i)]);
  }
  EXPECT_NEAR(plain.value(xa), lam * v, 1e-10);
  EXPECT_NEAR(weighted.value(xa), lam * vw, 1e-10);
  // float, in place
  Array<float> xf(Shape{200});
  for (index_t i = 0; i < 200; ++i) xf[i] = float(x[static_cast<std::size_t>(i)]);
  L1Prox<float>(lam).prox(xf, tau, xf);
  for (index_t i = 0; i < 200; ++i) EXPECT_NEAR(xf[i], a[i], 1e-6);
  EXPECT_THROW(L1Prox<double>(-1.0), InvalidInput);
  Array<double> negative(Shape{200}, -1.0);
  EXPECT_THROW(L1Prox<double>(1.0, negative), InvalidInput);
}

TEST(L1, ComplexProxShrinksTheModulusAndIsOptimal) {
  CounterRng rng(3);
  Array<cdouble> x(Shape{64});
  fill_normal(x, rng, 0.0, 2.0);
  x[5] = 0;  // the origin
  const double t = 0.9;
  Array<cdouble> z;
  L1Prox<cdouble>(0.3).prox(x, 3.0, z);  // tau * lambda = 0.9
  for (index_t i = 0; i < x.size(); ++i) {
    // Brute force over the plane (convex in z), then the subgradient condition.
    const auto obj = [&](const testing::Vec& p) {
      const cdouble zz(p[0], p[1]);
      return 0.5 * std::norm(zz - x[i]) + t * std::abs(zz);
    };
    const auto bf = testing::nelder_mead(obj, {x[i].real(), x[i].imag()}, 0.5);
    EXPECT_NEAR(z[i].real(), bf[0], 1e-6);
    EXPECT_NEAR(z[i].imag(), bf[1], 1e-6);
    if (std::abs(z[i]) > 0) {
      const cdouble r = x[i] - z[i] - t * z[i] / std::abs(z[i]);
      EXPECT_LT(std::abs(r), 1e-12);
    } else {
      EXPECT_LE(std::abs(x[i]), t);
    }
  }
  // complex<float>
  Array<cfloat> xf(Shape{64});
  for (index_t i = 0; i < 64; ++i) xf[i] = cfloat(x[i]);
  Array<cfloat> zf;
  soft_threshold(xf, t, zf);
  for (index_t i = 0; i < 64; ++i) EXPECT_LT(std::abs(cdouble(zf[i]) - z[i]), 1e-5);
}

TEST(Box, ProjectionAndValue) {
  const auto x = testing::random_vector(100, 4, 3.0);
  BoxProx<double> box(-1.0, 2.0);
  Array<double> xa = Array<double>::from(Shape{100}, x), z;
  box.prox(xa, 5.0, z);
  for (index_t i = 0; i < 100; ++i) {
    const double xi = x[static_cast<std::size_t>(i)];
    EXPECT_NEAR(z[i], argmin_1d([&](double v) { return (v - xi) * (v - xi); }, -1.0, 2.0), 1e-7);
  }
  EXPECT_EQ(box.value(z), 0.0);
  EXPECT_TRUE(std::isinf(box.value(xa)));
  NonNegativeProx<float> nn;
  Array<float> xf(Shape{3});
  xf[0] = -1;
  xf[1] = 0.5f;
  xf[2] = std::numeric_limits<float>::max();
  nn.prox(xf, 1.0, xf);
  EXPECT_EQ(xf[0], 0.0f);
  EXPECT_EQ(xf[1], 0.5f);
  EXPECT_EQ(xf[2], std::numeric_limits<float>::max());
  EXPECT_EQ(nn.value(xf), 0.0);
  EXPECT_THROW(BoxProx<double>(1.0, 0.0), InvalidInput);
}

template <class T>
void check_ball(std::uint64_t seed, bool centred) {
  Array<T> x(Shape{7, 5}), c(Shape{7, 5});
  fill_normal(x, CounterRng(seed), 0.0, 2.0);
  fill_normal(c, CounterRng(seed + 1), 0.0, 1.0);
  for (double eps : {0.5, 3.0, 50.0}) {
    const L2BallProx<T> ball = centred ? L2BallProx<T>(c, eps) : L2BallProx<T>(eps);
    Array<T> z;
    ball.prox(x, 1.0, z);
    auto dist = [&](const Array<T>& a) {
      double s = 0;
      for (index_t i = 0; i < a.size(); ++i)
        s += std::norm(std::complex<double>(a[i]) - (centred ? std::complex<double>(c[i]) : 0.0));
      return std::sqrt(s);
    };
    EXPECT_LE(dist(z), eps * (1 + 1e-6));
    EXPECT_EQ(ball.value(z), 0.0);
    if (dist(x) <= eps) {
      for (index_t i = 0; i < x.size(); ++i) EXPECT_EQ(z[i], x[i]);
    } else {
      EXPECT_TRUE(std::isinf(ball.value(x)));
      // Projection: Re<x - z, w - z> <= 0 for every w in the ball (sampled), on the boundary.
      EXPECT_NEAR(dist(z), eps, 1e-5 * eps);
      for (int k = 0; k < 50; ++k) {
        Array<T> w(x.shape());
        fill_normal(w, CounterRng(seed + 100 + std::uint64_t(k)), 0.0, 1.0);
        double wn = dist(w);
        const double scale = eps * std::sqrt(double(k + 1) / 51.0) / wn;
        double ip = 0;
        for (index_t i = 0; i < x.size(); ++i) {
          const std::complex<double> ci = centred ? std::complex<double>(c[i]) : 0.0;
          const std::complex<double> wi = ci + (std::complex<double>(w[i]) - ci) * scale;
          ip += std::real(std::conj(std::complex<double>(x[i]) - std::complex<double>(z[i])) *
                          (wi - std::complex<double>(z[i])));
        }
        EXPECT_LE(ip, 1e-5 * eps * eps);
      }
    }
  }
}

TEST(L2Ball, ProjectionSatisfiesTheVariationalInequality) {
  check_ball<double>(10, false);
  check_ball<double>(20, true);
  check_ball<cdouble>(30, true);
  check_ball<cfloat>(40, false);
  check_ball<float>(50, true);
}

/// A random orthogonal (unitary) matrix as an operator: Gram-Schmidt on Gaussian columns.
template <class T>
class RandomUnitary final : public linop::LinearOperator<T> {
 public:
  RandomUnitary(index_t n, std::uint64_t seed)
      : linop::LinearOperator<T>(Shape{n}, Shape{n}, "unitary"), m_(Shape{n, n}) {
    fill_normal(m_, CounterRng(seed));
    for (index_t j = 0; j < n; ++j) {  // column j
      for (index_t k = 0; k < j; ++k) {
        T d{};
        for (index_t i = 0; i < n; ++i) d += conj(m_(i, k)) * m_(i, j);
        for (index_t i = 0; i < n; ++i) m_(i, j) -= d * m_(i, k);
      }
      double nn = 0;
      for (index_t i = 0; i < n; ++i) nn += std::norm(std::complex<double>(m_(i, j)));
      for (index_t i = 0; i < n; ++i) m_(i, j) /= real_t<T>(std::sqrt(nn));
    }
  }

 protected:
  static T conj(T v) {
    if constexpr (is_complex_v<T>)
      return std::conj(v);
    else
      return v;
  }
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    const index_t n = x.size();
    for (index_t i = 0; i < n; ++i) {
      T s{};
      for (index_t j = 0; j < n; ++j) s += m_(i, j) * x[j];
      y[i] = s;
    }
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    const index_t n = x.size();
    for (index_t j = 0; j < n; ++j) {
      T s{};
      for (index_t i = 0; i < n; ++i) s += conj(m_(i, j)) * y[i];
      x[j] = s;
    }
  }

 private:
  Array<T> m_;
};

template <class T>
void check_wavelet_l1() {
  const index_t n = 24;
  auto w = std::make_shared<const RandomUnitary<T>>(n, 8);
  Array<T> x(Shape{n});
  fill_normal(x, CounterRng(9), 0.0, 1.0);
  const double lam = 0.4, tau = 1.5, t = lam * tau;
  Array<real_t<T>> weights(Shape{n}, real_t<T>(1));
  weights[0] = 0;  // an unpenalised coefficient
  for (bool weighted : {false, true}) {
    const WaveletL1Prox<T> prox =
        weighted ? WaveletL1Prox<T>(w, lam, weights) : WaveletL1Prox<T>(w, lam);
    Array<T> z;
    prox.prox(x, tau, z);
    // Optimality: 0 in z - x + t W^H d||.||_1(W z), i.e. with c = W z and r = W (x - z):
    // r_k = t w_k c_k / |c_k| where c_k != 0, |r_k| <= t w_k where c_k = 0.
    Array<T> diff(Shape{n});
    for (index_t i = 0; i < n; ++i) diff[i] = x[i] - z[i];
    const Array<T> c = (*w)(z), r = (*w)(diff);
    int zeros = 0;
    for (index_t k = 0; k < n; ++k) {
      const double tk = t * (weighted ? double(weights[k]) : 1.0);
      const double ck = std::abs(std::complex<double>(c[k]));
      if (ck > 1e-6) {
        EXPECT_LT(std::abs(std::complex<double>(r[k]) - tk * std::complex<double>(c[k]) / ck),
                  2e-5);
      } else {
        EXPECT_LE(std::abs(std::complex<double>(r[k])), tk + 2e-5);
        ++zeros;
      }
    }
    EXPECT_GT(zeros, 2);  // the threshold bites
    const Array<T> cx = (*w)(x);
    double v = 0;
    for (index_t k = 0; k < n; ++k)
      v += (weighted ? double(weights[k]) : 1.0) * std::abs(std::complex<double>(cx[k]));
    EXPECT_NEAR(prox.value(x), lam * v, 1e-5 * v);
  }
}

/// A non-square operator (a row selection) to check that WaveletL1Prox refuses it.
class Selection final : public linop::LinearOperator<double> {
 public:
  Selection() : linop::LinearOperator<double>(Shape{4}, Shape{2}, "selection") {}

 protected:
  void forward_impl(const Array<double>& x, Array<double>& y) const override {
    y[0] = x[0];
    y[1] = x[1];
  }
  void adjoint_impl(const Array<double>& y, Array<double>& x) const override {
    fill(x, 0.0);
    x[0] = y[0];
    x[1] = y[1];
  }
};

TEST(WaveletL1, ProxOfUnitaryAnalysisSatisfiesOptimality) {
  check_wavelet_l1<double>();
  check_wavelet_l1<float>();
  check_wavelet_l1<cdouble>();
  check_wavelet_l1<cfloat>();
  EXPECT_THROW(WaveletL1Prox<double>(std::make_shared<const Selection>(), 1.0), InvalidInput);
  EXPECT_THROW(WaveletL1Prox<double>(nullptr, 1.0), InvalidInput);
}

/// The MMSE (and MAP) denoiser for the prior z ~ N(0, s^2): D(x, sigma) = x s^2 / (s^2 + sigma^2).
template <class T>
class GaussianShrink final : public Denoiser<T> {
 public:
  explicit GaussianShrink(double s) : s2_(s * s) {}
  void denoise(const Array<T>& x, double sigma, Array<T>& out) const override {
    if (out.empty()) out = Array<T>(x.shape());
    for (index_t i = 0; i < x.size(); ++i) out[i] = x[i] * real_t<T>(s2_ / (s2_ + sigma * sigma));
  }
  std::string name() const override { return "gaussian"; }

 private:
  double s2_;
};

TEST(DenoiserProx, SigmaFromTauIsTheMapReading) {
  // With D the MAP denoiser for R(z) = ||z||^2 / 2 (s = 1), prox_{tau lambda R}(x) = x / (1 + tau
  // lambda) must come out of D(x, sqrt(tau lambda)) = x / (1 + sigma^2).
  auto d = std::make_shared<const GaussianShrink<double>>(1.0);
  DenoiserProx<double> pnp(d, SigmaRule::from_tau(0.8));
  Array<double> x(Shape{10}), z;
  fill_normal(x, CounterRng(3));
  for (double tau : {0.1, 1.0, 7.0}) {
    pnp.prox(x, tau, z);
    for (index_t i = 0; i < 10; ++i) EXPECT_NEAR(z[i], x[i] / (1 + tau * 0.8), 1e-14);
    EXPECT_NEAR(pnp.rule()(tau), std::sqrt(tau * 0.8), 1e-15);
  }
  DenoiserProx<double> fixed(d, SigmaRule::fixed(0.5));
  fixed.prox(x, 123.0, z);
  for (index_t i = 0; i < 10; ++i) EXPECT_NEAR(z[i], x[i] / 1.25, 1e-14);
  EXPECT_FALSE(fixed.has_value());
  EXPECT_THROW(fixed.value(x), Unsupported);
  EXPECT_EQ(fixed.name(), "pnp(gaussian)");
  // complex data through the same adapter
  auto dc = std::make_shared<const GaussianShrink<cfloat>>(1.0);
  Array<cfloat> xc(Shape{4}), zc;
  fill_normal(xc, CounterRng(4));
  DenoiserProx<cfloat>(dc, SigmaRule::from_tau(1.0)).prox(xc, 3.0, zc);
  for (index_t i = 0; i < 4; ++i) EXPECT_LT(std::abs(zc[i] - xc[i] / 4.0f), 1e-6);
}

TEST(TvDenoiser, LambdaIsFactorTimesSigmaAndScalesWithTheData) {
  Array<double> x(Shape{20, 24});
  fill_normal(x, CounterRng(6), 0.5, 0.2);
  TvOptions o;
  o.tolerance = 1e-9;
  o.max_iterations = 100000;
  TvDenoiser<double> d(1.5, o);
  EXPECT_DOUBLE_EQ(d.lambda_for(0.2), 0.3);
  Array<double> a, b, c;
  d.denoise(x, 0.2, a);
  tv_denoise(x, 0.3, b, o);
  for (index_t i = 0; i < x.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12);
  // Homogeneity (why lambda is linear in sigma): D(k x, k sigma) = k D(x, sigma).
  Array<double> kx = x;
  scale(kx, 3.0);
  d.denoise(kx, 0.6, c);
  for (index_t i = 0; i < x.size(); ++i) EXPECT_NEAR(c[i], 3 * a[i], 1e-6);
}

TEST(Score, TweedieOnAGaussianPriorIsTheExactScore) {
  // z ~ N(0, s^2), x = z + N(0, sigma^2): p_sigma = N(0, s^2 + sigma^2), whose score is
  // -x / (s^2 + sigma^2); the MMSE denoiser is GaussianShrink.
  const double s = 1.7, sigma = 0.6;
  GaussianShrink<double> d(s);
  Array<double> x(Shape{30});
  fill_normal(x, CounterRng(2), 0.0, 2.0);
  const Array<double> sc = score(d, x, sigma);
  for (index_t i = 0; i < 30; ++i) EXPECT_NEAR(sc[i], -x[i] / (s * s + sigma * sigma), 1e-12);
  GaussianShrink<cdouble> dc(s);
  Array<cdouble> xc(Shape{8});
  fill_normal(xc, CounterRng(5));
  const Array<cdouble> scc = score(dc, xc, sigma);
  for (index_t i = 0; i < 8; ++i)
    EXPECT_LT(std::abs(scc[i] + xc[i] / (s * s + sigma * sigma)), 1e-12);
  EXPECT_THROW(score(d, x, 0.0), InvalidInput);
}

TEST(Adapters, SolverCallablesCallThePriors) {
  auto l1 = std::make_shared<L1Prox<float>>(0.5);
  auto f = as_prox_function(l1);  // T deduced from the subclass
  static_assert(
      std::is_same_v<decltype(f), std::function<void(const Array<float>&, double, Array<float>&)>>);
  Array<float> x(Shape{5}), out(Shape{5});
  fill_normal(x, CounterRng(1));
  f(x, 2.0, out);
  Array<float> ref;
  soft_threshold(x, 1.0, ref);
  for (index_t i = 0; i < 5; ++i) EXPECT_EQ(out[i], ref[i]);
  auto v = as_value_function(l1);
  EXPECT_NEAR(v(x), 0.5 * norm1(x), 1e-6);
  auto d = as_denoiser_function(std::make_shared<TvDenoiser<float>>());
  static_assert(std::is_same_v<decltype(d), DenoiserFunction<float>>);
  d(x, 0.1, out);
  ProxPtr<float> pnp = std::make_shared<DenoiserProx<float>>(std::make_shared<TvDenoiser<float>>(),
                                                             SigmaRule::fixed(0.1));
  EXPECT_THROW(as_value_function(pnp), InvalidInput);
  EXPECT_THROW(as_prox_function(ProxPtr<float>()), InvalidInput);
}

}  // namespace
}  // namespace tweed::priors

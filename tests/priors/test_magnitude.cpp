// MagnitudePrior against brute-force minimisation of 1/2|z - x|^2 + tau g(|z|) over magnitude and
// phase on small complex inputs.
#include <gtest/gtest.h>

#include <numbers>

#include "reference.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/priors/priors.hpp"

namespace tweed::priors {
namespace {

using testing::Vec;

TEST(MagnitudePrior, L1OnTheModulusMatchesBruteForceOverMagnitudeAndPhase) {
  Array<cdouble> x(Shape{12});
  fill_normal(x, CounterRng(1), 0.0, 1.5);
  const double lam = 0.4, tau = 1.25, t = lam * tau;
  MagnitudePrior<cdouble> prior(std::make_shared<const L1Prox<double>>(lam));
  Array<cdouble> z;
  prior.prox(x, tau, z);
  for (index_t i = 0; i < x.size(); ++i) {
    // Grid over (r, phi) in [0, |x| + 1] x [-pi, pi], then zoom in around the best cell.
    auto obj = [&](double r, double phi) {
      return 0.5 * std::norm(std::polar(r, phi) - x[i]) + t * r;
    };
    double r0 = 0, r1 = std::abs(x[i]) + 1, p0 = -std::numbers::pi, p1 = std::numbers::pi;
    double br = 0, bp = 0;
    for (int level = 0; level < 40; ++level) {
      double best = 1e300;
      for (int a = 0; a <= 40; ++a)
        for (int b = 0; b <= 40; ++b) {
          const double r = r0 + (r1 - r0) * a / 40.0, p = p0 + (p1 - p0) * b / 40.0;
          if (obj(r, p) < best) {
            best = obj(r, p);
            br = r;
            bp = p;
          }
        }
      const double dr = (r1 - r0) / 10, dp = (p1 - p0) / 10;
      r0 = std::max(0.0, br - dr);
      r1 = br + dr;
      p0 = bp - dp;
      p1 = bp + dp;
    }
    EXPECT_LT(std::abs(z[i] - std::polar(br, bp)), 1e-7) << i;
  }
  // It is the complex soft threshold, the prox of lam ||z||_1.
  Array<cdouble> st;
  L1Prox<cdouble>(lam).prox(x, tau, st);
  for (index_t i = 0; i < x.size(); ++i) EXPECT_LT(std::abs(z[i] - st[i]), 1e-14);
  EXPECT_NEAR(prior.value(x), lam * norm1(x), 1e-12);
  EXPECT_EQ(prior.name(), "magnitude(l1)");
}

TEST(MagnitudePrior, TvOfTheModulusMatchesBruteForceOnThreeEntries) {
  // g(z) = lam TV(|z|) on C^3 is not convex in z, so search globally: many Nelder-Mead starts
  // over the six real coordinates.
  for (std::uint64_t seed : {3u, 4u, 5u}) {
    Array<cdouble> x(Shape{3});
    fill_normal(x, CounterRng(seed), 0.0, 1.5);
    const double lam = 0.35, tau = 1.0;
    MagnitudePrior<cdouble> prior(std::make_shared<const TvProx<double>>(lam));
    Array<cdouble> z;
    prior.prox(x, tau, z);
    auto obj = [&](const Vec& p) {
      double fid = 0, mag[3];
      for (int k = 0; k < 3; ++k) {
        const cdouble zk(p[2 * k], p[2 * k + 1]);
        fid += 0.5 * std::norm(zk - x[k]);
        mag[k] = std::abs(zk);
      }
      return fid + tau * lam * (std::abs(mag[1] - mag[0]) + std::abs(mag[2] - mag[1]));
    };
    Vec ours(6);
    for (int k = 0; k < 3; ++k) {
      ours[2 * k] = z[k].real();
      ours[2 * k + 1] = z[k].imag();
    }
    Vec best;
    double best_value = 1e300;
    CounterRng rng(seed + 10);
    for (int start = 0; start < 40; ++start) {
      Vec p0(6);
      for (int k = 0; k < 6; ++k)
        p0[static_cast<std::size_t>(k)] = 3 * rng.normal(std::uint64_t(start * 6 + k));
      const Vec p = testing::nelder_mead(obj, p0, 0.5);
      if (obj(p) < best_value) {
        best_value = obj(p);
        best = p;
      }
    }
    EXPECT_LE(obj(ours), best_value + 1e-12) << "seed " << seed;
    EXPECT_LT(testing::max_diff(ours, best), 1e-5) << "seed " << seed;
    // The magnitudes are the exact 1-D TV prox of |x|, the phases those of x.
    const auto ref =
        testing::tv1d_reference({std::abs(x[0]), std::abs(x[1]), std::abs(x[2])}, lam * tau);
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(std::abs(z[k]), ref.x[static_cast<std::size_t>(k)], 1e-12);
      EXPECT_NEAR(std::arg(z[k]), std::arg(x[k]), 1e-12);
    }
  }
}

/// Phi(u) = lam sum u_i (linear), prox u - tau lam: goes negative below tau lam.
class Linear final : public Prox<float> {
 public:
  explicit Linear(double lam) : lam_(lam) {}
  void prox(const Array<float>& x, double tau, Array<float>& out) const override {
    if (out.empty()) out = Array<float>(x.shape());
    for (index_t i = 0; i < x.size(); ++i) out[i] = x[i] - float(tau * lam_);
  }
  std::string name() const override { return "linear"; }

 private:
  double lam_;
};

TEST(MagnitudePrior, ClampingNegativeMagnitudes) {
  // Phi(|z|) = lam sum |z_i| = lam ||z||_1: with the clamp the wrapper returns its exact prox (the
  // complex soft threshold); without it, entries below the threshold come back phase-flipped.
  Array<cfloat> x(Shape{40});
  fill_normal(x, CounterRng(8), 0.0, 1.0);
  x[3] = 0;
  auto phi = std::make_shared<const Linear>(0.5);
  Array<cfloat> clamped, raw, st;
  MagnitudePrior<cfloat>(phi).prox(x, 1.0, clamped);
  MagnitudePrior<cfloat>(phi, false).prox(x, 1.0, raw);
  soft_threshold(x, 0.5, st);
  int flipped = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    EXPECT_LT(std::abs(clamped[i] - st[i]), 1e-6);
    if (std::abs(x[i]) < 0.5 && std::abs(x[i]) > 0) {
      EXPECT_LT(std::real(std::conj(raw[i]) * x[i]), 0.0f);
      ++flipped;
    }
  }
  EXPECT_GT(flipped, 3);
  EXPECT_FLOAT_EQ(clamped[3].real(), 0.0f);  // zero input: zero output, no NaN from the phase
  EXPECT_FALSE(MagnitudePrior<cfloat>(phi).has_value());
}

TEST(MagnitudePrior, DenoisersOnTheModulus) {
  Array<cdouble> x(Shape{16, 18});
  fill_normal(x, CounterRng(4), 0.0, 1.0);
  for (index_t i = 0; i < x.size(); i += 3) x[i] += cdouble(2, 1);
  TvOptions o;
  o.tolerance = 1e-9;
  o.max_iterations = 100000;
  auto tv = std::make_shared<const TvDenoiser<double>>(1.0, o);
  Array<cdouble> a, b;
  MagnitudeDenoiser<cdouble>(tv).denoise(x, 0.3, a);
  // Same as the prox slot with a fixed sigma, and as TV on |x| with the phase put back.
  MagnitudePrior<cdouble>(tv, SigmaRule::fixed(0.3)).prox(x, 17.0, b);
  Array<double> m(x.shape()), mt;
  for (index_t i = 0; i < x.size(); ++i) m[i] = std::abs(x[i]);
  tv_denoise(m, 0.3, mt, o);
  for (index_t i = 0; i < x.size(); ++i) {
    EXPECT_LT(std::abs(a[i] - b[i]), 1e-12);
    EXPECT_LT(std::abs(a[i] - std::polar(mt[i], std::arg(x[i]))), 1e-12);
    EXPECT_GE(mt[i], 0.0);
  }
}

}  // namespace
}  // namespace tweed::priors

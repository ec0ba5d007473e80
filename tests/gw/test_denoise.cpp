// rROF / TV denoising: agreement of the solvers and with exact TV, the optimality condition,
// the iterative variants and their stopping rules, the noise level and the lambda calibration.
#include <gtest/gtest.h>

#include <cmath>

#include "tweed/core/rng.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/denoise.hpp"
#include "tweed/gw/psd.hpp"
#include "tweed/gw/tweed_gw.h"
#include "tweed/gw/waveforms.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::gw {
namespace {

// A whitened-strain-like test series: a sine-Gaussian burst in unit white noise.
struct Case {
  Array<double> clean, noisy;
};
Case burst(index_t n, double amplitude, std::uint64_t seed) {
  Case c;
  SineGaussianParams p{60, 6, 1, 0.5 * static_cast<double>(n) / 4096, 0.4};
  c.clean = sine_gaussian(p, n, 4096);
  double peak = 0;
  for (double v : c.clean) peak = std::max(peak, std::abs(v));
  for (double& v : c.clean) v *= amplitude / peak;
  c.noisy = Array<double>(Shape{n});
  fill_normal(c.noisy, CounterRng(seed), 0.0, 1.0);
  for (index_t i = 0; i < n; ++i) c.noisy[i] += c.clean[i];
  return c;
}

double rel_diff(const Array<double>& a, const Array<double>& b) {
  double d = 0, s = 0;
  for (index_t i = 0; i < a.size(); ++i) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    s += b[i] * b[i];
  }
  return std::sqrt(d / s);
}

// ||grad F(u)|| / ||f|| for F = 1/2 ||u - f||^2 + lambda TV_beta(u): zero at the minimiser.
double gradient_norm(const Array<double>& u, const Array<double>& f, double lambda, double beta) {
  const index_t n = u.size();
  std::vector<double> p(static_cast<std::size_t>(n - 1));
  for (index_t i = 0; i + 1 < n; ++i) {
    const double d = u[i + 1] - u[i];
    p[static_cast<std::size_t>(i)] = d / std::sqrt(d * d + beta);
  }
  double g2 = 0, f2 = 0;
  for (index_t i = 0; i < n; ++i) {
    const double right = i + 1 < n ? p[static_cast<std::size_t>(i)] : 0.0;
    const double left = i > 0 ? p[static_cast<std::size_t>(i - 1)] : 0.0;
    const double g = u[i] - f[i] + lambda * (left - right);
    g2 += g * g;
    f2 += f[i] * f[i];
  }
  return std::sqrt(g2 / f2);
}

TEST(GwDenoise, RrofTendsToExactTvAsBetaVanishes) {
  const Case c = burst(2048, 4.0, 1);
  for (double lambda : {0.5, 3.0}) {
    Array<double> tv(c.noisy.shape());
    priors::tv1d_denoise<double>(c.noisy.span(), lambda, tv.span());
    RrofSolveOptions o;
    o.tolerance = 1e-10;
    const Array<double> u = rrof_solve(c.noisy, lambda, 1e-12, o);
    EXPECT_LT(rel_diff(u, tv), 1e-4) << "lambda " << lambda;
    // Larger beta (the default) departs further from TV.
    const Array<double> d = rrof_solve(c.noisy, lambda, kDefaultBeta, o);
    EXPECT_LT(rel_diff(d, tv), 0.1);
    EXPECT_GT(rel_diff(d, tv), rel_diff(u, tv));
  }
}

TEST(GwDenoise, EverySolverReachesTheSameMinimiser) {
  const Case c = burst(512, 4.0, 2);
  const double lambda = 1.5;
  // Smoothed TV (beta > 0): Newton, FISTA and PDHG.
  {
    const double beta = 1e-2;
    RrofSolveOptions o;
    o.tolerance = 1e-11;
    const Array<double> newton = rrof_solve(c.noisy, lambda, beta, o);
    EXPECT_LT(gradient_norm(newton, c.noisy, lambda, beta), 1e-9);
    o.solver = RrofSolver::kFista;
    o.tolerance = 1e-12;
    o.max_iterations = 100000;
    RrofSolveReport rf;
    const Array<double> fista = rrof_solve(c.noisy, lambda, beta, o, &rf);
    EXPECT_LT(rel_diff(fista, newton), 1e-6) << rf.iterations << " FISTA iterations";
    o.solver = RrofSolver::kPdhg;
    o.tolerance = 1e-10;
    RrofSolveReport rp;
    const Array<double> pdhg = rrof_solve(c.noisy, lambda, beta, o, &rp);
    EXPECT_LT(rel_diff(pdhg, newton), 1e-6) << rp.iterations << " PDHG iterations";
    EXPECT_THROW(rrof_solve(c.noisy, lambda, beta, {RrofSolver::kSplitBregman, 1e-8, 0}),
                 InvalidInput);
  }
  // Exact TV (beta = 0): taut string, PDHG with the soft threshold, split Bregman.
  {
    const Array<double> exact = rrof_solve(c.noisy, lambda, 0.0);
    Array<double> tv(c.noisy.shape());
    priors::tv1d_denoise<double>(c.noisy.span(), lambda, tv.span());
    EXPECT_EQ(rel_diff(exact, tv), 0.0);
    RrofSolveOptions o;
    o.solver = RrofSolver::kPdhg;
    o.tolerance = 1e-10;
    o.max_iterations = 100000;
    EXPECT_LT(rel_diff(rrof_solve(c.noisy, lambda, 0.0, o), exact), 1e-4);
    o.solver = RrofSolver::kSplitBregman;
    EXPECT_LT(rel_diff(rrof_solve(c.noisy, lambda, 0.0, o), exact), 1e-4);
  }
}

TEST(GwDenoise, IterativeVariantsAndTheirStoppingRules) {
  const Case c = burst(4096, 3.0, 3);
  DenoiseOptions o;
  o.lambda = 2.0;
  const Array<double> single = denoise(c.noisy, o);
  for (auto m : {DenoiseMethod::kIterativeRrof, DenoiseMethod::kBregmanRrof}) {
    DenoiseOptions one = o;
    one.method = m;
    EXPECT_EQ(rel_diff(denoise(c.noisy, one), single), 0.0);
  }
  // Forward scale space removes more at every pass; Bregman returns detail at every pass.
  DenoiseOptions fw = o, br = o;
  fw.method = DenoiseMethod::kIterativeRrof;
  br.method = DenoiseMethod::kBregmanRrof;
  fw.iterations = br.iterations = 6;
  DenoiseReport rf, rb;
  denoise(c.noisy, fw, &rf);
  denoise(c.noisy, br, &rb);
  ASSERT_EQ(rf.residual_norms.size(), 6u);
  ASSERT_EQ(rb.residual_norms.size(), 6u);
  for (std::size_t k = 1; k < 6; ++k) {
    EXPECT_GT(rf.residual_norms[k], rf.residual_norms[k - 1]);
    EXPECT_LT(rb.residual_norms[k], rb.residual_norms[k - 1]);
  }
  EXPECT_EQ(rf.passes, 6);
  // Discrepancy principle with the true sigma = 1: Bregman stops at the first pass inside
  // sqrt(N) sigma; the forward iteration keeps the last pass inside it.
  br.stop = fw.stop = IterationStop::kDiscrepancy;
  br.iterations = fw.iterations = 50;
  br.noise_sigma = fw.noise_sigma = 1.0;
  br.lambda = 20;  // a heavy weight, so that Bregman needs several passes
  fw.lambda = 1.0;
  denoise(c.noisy, br, &rb);
  denoise(c.noisy, fw, &rf);
  const double bound = std::sqrt(4096.0);
  ASSERT_GE(rb.residual_norms.size(), 2u);
  EXPECT_LE(rb.residual_norms.back(), bound);
  EXPECT_GT(rb.residual_norms[rb.residual_norms.size() - 2], bound);
  EXPECT_LT(rb.passes, 50);
  ASSERT_GE(rf.residual_norms.size(), 2u);
  EXPECT_LE(rf.residual_norms.back(), bound);
  EXPECT_EQ(rf.passes, static_cast<int>(rf.residual_norms.size()) + 1);  // the rejected pass
}

TEST(GwDenoise, NoiseLevelAndAutomaticLambda) {
  Array<double> x(Shape{100000});
  fill_normal(x, CounterRng(4), 0.3, 2.5);
  EXPECT_NEAR(estimate_noise_sigma(x), 2.5, 0.03);
  for (index_t i = 0; i < 200; ++i) x[i * 500] += 1e3;  // 0.2 % glitches
  EXPECT_NEAR(estimate_noise_sigma(x), 2.5, 0.05);
  EXPECT_DOUBLE_EQ(auto_lambda(0.5, 4096), 0.5 * kAutoLambdaPerSigma);
  EXPECT_DOUBLE_EQ(auto_lambda(0.5, 16384), 2.0 * kAutoLambdaPerSigma);
  const Case c = burst(4096, 3.0, 5);
  DenoiseOptions o;  // lambda <= 0: automatic
  DenoiseReport r;
  denoise(c.noisy, o, &r);
  EXPECT_NEAR(r.noise_sigma, 1.0, 0.05);
  EXPECT_DOUBLE_EQ(r.lambda, auto_lambda(r.noise_sigma, 4096));
}

TEST(GwDenoise, CalibrationFindsAWeightThatHelps) {
  const Case c = burst(8192, 2.0, 6);
  const Window w{4096 - 600, 4096 + 600};
  const auto grid = log_grid(0.1, 100, 4);
  ASSERT_EQ(grid.size(), 13u);
  EXPECT_NEAR(grid.back(), 100, 1e-9);
  DenoiseOptions base;
  base.method = DenoiseMethod::kTv;
  const Calibration cal = calibrate_lambda(c.noisy, c.clean, w, 40, grid, base);
  const double before = window_match(c.noisy, c.clean, w, 40).match;
  EXPECT_GT(cal.best_match, before + 0.2);
  EXPECT_GT(cal.best_lambda, grid.front());  // an interior optimum: too much TV flattens it
  EXPECT_LT(cal.best_lambda, grid.back());
  const Calibration again = calibrate_lambda(c.noisy, c.clean, w, 40, grid, base);
  EXPECT_EQ(again.best_lambda, cal.best_lambda);
  EXPECT_EQ(again.best_match, cal.best_match);
  DenoiseOptions zero;
  zero.iterations = 0;
  EXPECT_THROW(denoise(c.noisy, zero), InvalidInput);
}

TEST(GwCApi, RunsTheLibraryPipeline) {
  // Whitening by the buffer's median Welch PSD, band-pass, then rROF with the automatic weight.
  const Case c = burst(8 * 4096, 3.0, 8);
  tweed_gw_params p;
  tweed_gw_default_params(&p);
  p.whiten = 1;
  p.band_low = 20;
  p.band_high = 1000;
  p.method = TWEED_GW_BREGMAN_RROF;
  p.iterations = 2;
  std::vector<double> out(static_cast<std::size_t>(c.noisy.size()));
  ASSERT_EQ(tweed_gw_denoise(c.noisy.data(), out.data(), out.size(), 4096, &p), TWEED_GW_OK)
      << tweed_gw_last_error();
  WelchOptions w;
  w.average = WelchAverage::kMedian;
  w.segment_length = 8192;  // min(4 s, a quarter of the 8 s buffer)
  const Array<double> f = bandpass(whiten(c.noisy, welch_psd(c.noisy, 4096, w)), 4096, 20, 1000, 4);
  DenoiseOptions o;
  o.method = DenoiseMethod::kBregmanRrof;
  o.iterations = 2;
  const Array<double> u = denoise(f, o);
  for (index_t i = 0; i < u.size(); ++i) ASSERT_EQ(out[static_cast<std::size_t>(i)], u[i]) << i;
}

}  // namespace
}  // namespace tweed::gw

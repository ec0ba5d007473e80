// Reconstructions: the noise estimator, the TV baselines improving on FBP, the half-scan pairs of
// the image-domain flicking (their mean is the full FBP, their noise independent), the flicking
// and ZS-N2N pipelines end to end on a small scan (deterministic for a seed), and the method
// names.
#include <gtest/gtest.h>

#include <cmath>

#include "ct_test_util.hpp"
#include "expect_error.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/ct/reconstruct.hpp"
#include "tweed/ct/simulate.hpp"

namespace tweed::ct {
namespace {

struct Scan {
  Geometry g;
  Array<float> truth, clean, noisy, ref;
};

// A 48^2 Shepp-Logan of 3 mm pixels, 120 views over 2 pi, very low dose (I0 = 300).
const Scan& small_scan() {
  static const Scan s = [] {
    Scan r;
    r.g = parallel_geometry(48, 48, 120, 3.0);
    r.truth = make_phantom(Phantom::shepp_logan, 48, 144.0);
    r.clean = Projector(r.g)(r.truth);
    DoseOptions d;
    d.photons = 300;
    d.seed = 2;
    r.noisy = simulate_low_dose(r.clean, d);
    r.ref = fbp(r.clean, r.g);
    return r;
  }();
  return s;
}

double psnr(const Array<float>& x) {
  const Scan& s = small_scan();
  double lo = s.ref[0], hi = s.ref[0];
  for (float v : s.ref) lo = std::min(lo, double(v)), hi = std::max(hi, double(v));
  return metrics::psnr(s.ref, x, hi - lo);
}

TEST(CtReconstruct, NoiseEstimateOfWhiteNoise) {
  Array<float> x(Shape{200, 200});
  fill_normal(x, CounterRng(3), 1.0, 0.25);
  EXPECT_NEAR(estimate_noise_sigma(x), 0.25, 0.01);
}

TEST(CtReconstruct, FbpMethodIsFbp) {
  const Scan& s = small_scan();
  ReconOptions o;
  o.fbp.filter = Filter::hamming;
  EXPECT_TRUE(test::same_bytes(reconstruct(s.noisy, s.g, Method::fbp, o),
                               fbp(s.noisy, s.g, {Filter::hamming, 1.0})));
}

TEST(CtReconstruct, TvBaselinesBeatFbp) {
  const Scan& s = small_scan();
  ReconOptions o;
  const double base = psnr(reconstruct(s.noisy, s.g, Method::fbp, o));
  EXPECT_GT(psnr(reconstruct(s.noisy, s.g, Method::tv_fbp, o)), base + 1.0);
  o.tv.iterations = 30;
  EXPECT_GT(psnr(reconstruct(s.noisy, s.g, Method::tv, o)), base + 1.0);
}

TEST(CtReconstruct, TvReconstructionConvergesOnNoiselessData) {
  // lambda = 0 and exact data from a zero start: PDHG drives the data residual ||A x - p|| / ||p||
  // of the least-squares problem down, steadily.
  const Scan& s = small_scan();
  const Array<float> zero(s.g.image_shape());
  const Projector a(s.g);
  auto residual = [&](int iterations) {
    TvReconOptions o;
    o.iterations = iterations;
    solvers::SolveReport rep;
    const Array<float> x = tv_reconstruct(s.clean, s.g, 0.0, o, zero, &rep);
    EXPECT_EQ(rep.iterations, iterations);
    const Array<float> ax = a(x);
    double r = 0, n = 0;
    for (index_t i = 0; i < ax.size(); ++i) {
      r += (ax[i] - s.clean[i]) * (ax[i] - s.clean[i]);
      n += s.clean[i] * s.clean[i];
    }
    return std::sqrt(r / n);
  };
  const double r10 = residual(10), r30 = residual(30);
  EXPECT_LT(r30, 0.6 * r10);
  EXPECT_LT(r30, 0.25);
  TvReconOptions o;
  EXPECT_TWEED_ERROR(tv_reconstruct(s.clean, s.g, -1.0, o, zero), InvalidInput, "tv weight",
                     ">= 0");
}

TEST(CtReconstruct, HalfScanPairsAverageToTheFullFbpWithIndependentNoise) {
  const Scan& s = small_scan();
  FlickOptions fo;
  fo.seed = 1;
  const HalfScanPairs p = half_scan_pairs(s.noisy, s.g, 2, fo);
  ASSERT_EQ(p.a.shape(), (Shape{2, 48, 48}));
  const Array<float> full = fbp(s.noisy, s.g);
  const index_t plane = 48 * 48;
  double sab = 0, saa = 0, sbb = 0, dev = 0, scale = 0;
  for (index_t k = 0; k < 2; ++k)
    for (index_t i = 0; i < plane; ++i) {
      const double a = p.a[k * plane + i], b = p.b[k * plane + i];
      dev = std::max(dev, std::abs(0.5 * (a + b) - full[i]));
      scale = std::max(scale, std::abs(double(full[i])));
      const double na = a - s.ref[i], nb = b - s.ref[i];
      sab += na * nb;
      saa += na * na;
      sbb += nb * nb;
    }
  EXPECT_LT(dev, 1e-4 * scale);
  EXPECT_LT(std::abs(sab / std::sqrt(saa * sbb)), 0.05);
  // Different flicks give different pairs.
  EXPECT_FALSE(std::equal(p.a.data(), p.a.data() + plane, p.a.data() + plane));
}

learned::TrainOptions quick_training() {
  learned::TrainOptions t;
  t.iterations = 15;
  t.width = 8;
  t.depth = 3;
  t.batch = 2;
  t.patch = 32;
  t.seed = 7;
  return t;
}

TEST(CtReconstruct, FlickingRunsAndIsDeterministic) {
  const Scan& s = small_scan();
  for (FlickDomain d : {FlickDomain::image, FlickDomain::sinogram}) {
    ReconOptions o;
    o.flicking.domain = d;
    o.flicking.pairs = 3;
    o.flicking.inference_flicks = 2;
    o.flicking.train = quick_training();
    const Array<float> x1 = reconstruct(s.noisy, s.g, Method::flicker, o);
    const Array<float> x2 = reconstruct(s.noisy, s.g, Method::flicker, o);
    ASSERT_EQ(x1.shape(), s.g.image_shape());
    EXPECT_TRUE(test::same_bytes(x1, x2)) << to_string(d);
    // Even a briefly trained network keeps the image: close to the reference in scale.
    EXPECT_GT(psnr(x1), 15.0) << to_string(d);
  }
}

TEST(CtReconstruct, ZsN2nRunsOnOddSizes) {
  Scan s;
  s.g = parallel_geometry(33, 35, 60, 2.0);
  const Array<float> mu = test::disc_image(s.g, 5, 0, 20, 0.02);
  DoseOptions d;
  d.seed = 1;
  const Array<float> noisy = simulate_low_dose(Projector(s.g)(mu), d);
  ReconOptions o;
  o.zsn2n = quick_training();
  const Array<float> x = reconstruct(noisy, s.g, Method::zsn2n, o);
  EXPECT_EQ(x.shape(), (Shape{33, 35}));
  for (float v : x) ASSERT_TRUE(std::isfinite(v));
}

TEST(CtReconstruct, OptionErrors) {
  const Scan& s = small_scan();
  ReconOptions o;
  o.flicking.pairs = 2;
  o.flicking.inference_flicks = 3;
  EXPECT_TWEED_ERROR(reconstruct(s.noisy, s.g, Method::flicker, o), InvalidInput,
                     "inference flicks", "[1, pairs");
  Geometry short_scan = s.g;
  short_scan.angular_range = 4.0;
  EXPECT_TWEED_ERROR(reconstruct(s.noisy, short_scan, Method::flicker, ReconOptions{}),
                     InvalidInput, "flicking", "full 2 pi");
  const Geometry fan = fan_geometry(48, 48, 120, 100, 200.0, 400.0, 3.0);
  o = ReconOptions{};
  EXPECT_TWEED_ERROR(reconstruct(Array<float>(fan.sinogram_shape()), fan, Method::flicker, o),
                     Unsupported, "flicking", "sinogram variant");
  EXPECT_TWEED_ERROR(parse_method("sart"), InvalidInput, "method", "sart");
  EXPECT_TWEED_ERROR(parse_flick_domain("k-space"), InvalidInput, "flick domain", "k-space");
  EXPECT_TWEED_ERROR(reconstruct(Array<float>(Shape{3, 3}), s.g, Method::fbp), ShapeMismatch,
                     "reconstruct", "[3, 3]");
}

}  // namespace
}  // namespace tweed::ct

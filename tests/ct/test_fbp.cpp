// Filtered backprojection: the Shepp-Logan reconstruction quality of the Done-when, the
// absolute scale (a disc's attenuation comes back in 1/mm) for full and short scans in both
// geometries, Parker weights summing to one over conjugate rays, the filters' responses, thread
// invariance, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "ct_test_util.hpp"
#include "expect_error.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/core/phantom.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/ct/fbp.hpp"
#include "tweed/ct/projector.hpp"

namespace tweed::ct {
namespace {

constexpr double kPi = std::numbers::pi;

// Mean of `img` over the pixels whose centre lies within `radius` mm of (x0, y0).
double mean_inside(const Array<float>& img, const Geometry& g, double x0, double y0,
                   double radius) {
  const double cx = 0.5 * double(g.cols - 1), cy = 0.5 * double(g.rows - 1);
  double sum = 0;
  int count = 0;
  for (index_t r = 0; r < g.rows; ++r)
    for (index_t c = 0; c < g.cols; ++c) {
      const double x = (double(c) - cx) * g.pixel_size - x0,
                   y = (cy - double(r)) * g.pixel_size - y0;
      if (x * x + y * y <= radius * radius) {
        sum += img(r, c);
        ++count;
      }
    }
  return sum / count;
}

TEST(CtFbp, SheppLogan256FullScanReaches30dB) {
  const Geometry g = parallel_geometry(256, 256, 720);
  const Array<float> phantom = phantom::shepp_logan(256);
  const Array<float> rec = fbp(Projector(g)(phantom), g);
  const double psnr = metrics::psnr(phantom, rec, 1.0);
  RecordProperty("psnr_db", std::to_string(psnr));
  EXPECT_GE(psnr, 30.0);
}

TEST(CtFbp, SheppLoganFanBeamFullAndShortScans) {
  Geometry g = fan_geometry(128, 128, 360, 256, 300.0, 600.0);
  const Array<float> phantom = phantom::shepp_logan(128);
  EXPECT_GE(metrics::psnr(phantom, fbp(Projector(g)(phantom), g), 1.0), 30.0);
  // Parker-weighted short scan over pi + fan angle + 10 degrees.
  g.angular_range = kPi + 2 * g.half_fan_angle() + 0.175;
  g.views = 240;
  EXPECT_GE(metrics::psnr(phantom, fbp(Projector(g)(phantom), g), 1.0), 30.0);
}

struct ScaleCase {
  const char* name;
  Geometry g;
};

TEST(CtFbp, DiscAttenuationComesBackInPerMm) {
  Geometry par = parallel_geometry(96, 96, 360, 0.5);
  Geometry par_half = par;
  par_half.views = 180;
  par_half.angular_range = kPi;
  Geometry fan = fan_geometry(96, 96, 360, 200, 120.0, 240.0, 0.5);
  Geometry fan_short = fan;
  fan_short.angular_range = kPi + 2 * fan.half_fan_angle() + 0.1;
  fan_short.views = 240;
  par_half.start_angle = fan_short.start_angle = 0.7;
  for (const ScaleCase& sc : {ScaleCase{"parallel", par}, ScaleCase{"parallel-pi", par_half},
                              ScaleCase{"fan", fan}, ScaleCase{"fan-short", fan_short}}) {
    const double mu = 0.02, x0 = 4, y0 = -3, rho = 12;
    const Array<float> img = test::disc_image(sc.g, x0, y0, rho, mu);
    const Array<float> rec = fbp(Projector(sc.g)(img), sc.g);
    EXPECT_NEAR(mean_inside(rec, sc.g, x0, y0, rho - 2), mu, 0.01 * mu) << sc.name;
    // Outside the disc the image is (nearly) empty.
    EXPECT_NEAR(mean_inside(rec, sc.g, -12, 12, 3), 0.0, 0.01 * mu) << sc.name;
  }
}

TEST(CtFbp, ParkerWeightsAddToOneOverConjugates) {
  // dbeta = 2 dgamma and pi / dbeta integral: the conjugate (beta + pi + 2 gamma, -gamma) of
  // (i, j) is the sample (i + 100 + (j - 20), 40 - j).
  Geometry g;
  g.beam = Beam::fan;
  g.rows = g.cols = 32;
  g.detectors = 41;
  g.detector_spacing = kPi / 200;
  g.views = 124;
  g.angular_range = 124 * kPi / 100;
  g.source_distance = 100;
  g.detector_distance = 200;
  const Array<float> w = redundancy_weights(g);
  int pairs = 0;
  for (index_t i = 0; i < g.views; ++i)
    for (index_t j = 0; j < g.detectors; ++j) {
      const index_t ci = i + 100 + (j - 20), cj = 40 - j;
      const index_t ci_back = i - 100 + (j - 20);  // the conjugate on the other side
      if (ci < g.views) {
        EXPECT_NEAR(w(i, j) + w(ci, cj), 1.0, 1e-6) << i << "," << j;
        ++pairs;
      } else if (ci_back < 0) {
        EXPECT_NEAR(w(i, j), 1.0, 1e-6) << "single ray " << i << "," << j;
      }
    }
  EXPECT_GT(pairs, 100);
  Geometry full = g;
  full.views = 200;
  full.angular_range = 2 * kPi;
  const Array<float> half = redundancy_weights(full);
  for (float v : half) ASSERT_EQ(v, 0.5f);
}

TEST(CtFbp, FilterResponsesFollowTheirDefinitions) {
  const index_t p = 512;
  const std::vector<double> ramp = filter_response(p, {Filter::ram_lak, 1.0});
  // The sampled-kernel ramp has a small positive DC (no offset) and follows |w| / 2 pi.
  EXPECT_GT(ramp[0], 0.0);
  EXPECT_LT(ramp[0], 1e-3);
  for (index_t k = 16; k <= p / 2; k += 16)
    EXPECT_NEAR(ramp[std::size_t(k)], double(k) / double(p), 2e-3) << k;
  const std::vector<double> hann = filter_response(p, {Filter::hann, 1.0});
  const std::vector<double> cosine = filter_response(p, {Filter::cosine, 0.5});
  for (index_t k = 1; k <= p / 2; ++k) {
    const double w = 2 * kPi * double(k) / double(p);
    EXPECT_NEAR(hann[std::size_t(k)], ramp[std::size_t(k)] * 0.5 * (1 + std::cos(w)), 1e-12);
    EXPECT_NEAR(cosine[std::size_t(k)], w > 0.5 * kPi ? 0.0 : ramp[std::size_t(k)] * std::cos(w),
                1e-12);
  }
}

TEST(CtFbp, FiltersTradeNoiseForResolution) {
  const Geometry g = parallel_geometry(64, 64, 180);
  const Array<float> img = phantom::shepp_logan(64);
  const Array<float> sino = Projector(g)(img);
  // Smoother windows keep less of the high frequencies: the reconstruction's total variation
  // decreases from ram-lak to hann.
  auto roughness = [&](Filter f) {
    const Array<float> r = fbp(sino, g, {f, 1.0});
    double tv = 0;
    for (index_t i = 0; i < 64; ++i)
      for (index_t j = 0; j + 1 < 64; ++j) tv += std::abs(r(i, j + 1) - r(i, j));
    return tv;
  };
  EXPECT_GT(roughness(Filter::ram_lak), roughness(Filter::shepp_logan));
  EXPECT_GT(roughness(Filter::shepp_logan), roughness(Filter::hamming));
  EXPECT_GT(roughness(Filter::hamming), roughness(Filter::hann));
}

TEST(CtFbp, ByteIdenticalForOneAndTwoThreads) {
  for (const Geometry& g :
       {parallel_geometry(64, 64, 120), fan_geometry(64, 64, 120, 100, 100, 200)}) {
    const Array<float> sino = Projector(g)(phantom::shepp_logan(64));
    auto r = test::with_threads_1_and_2([&] { return fbp(sino, g, {Filter::hamming, 1.0}); });
    EXPECT_TRUE(test::same_bytes(r.first, r.second));
  }
}

TEST(CtFbp, BatchEqualsSlices) {
  const Geometry g = parallel_geometry(32, 32, 60);
  Array<float> vol(Shape{2, 32, 32});
  for (index_t s = 0; s < 2; ++s) {
    const Array<float> ph = phantom::shepp_logan(32);
    for (index_t k = 0; k < ph.size(); ++k) vol[s * ph.size() + k] = ph[k] * float(s + 1);
  }
  const Array<float> rec = fbp(Projector(g, 2)(vol), g);
  ASSERT_EQ(rec.shape(), (Shape{2, 32, 32}));
  const Array<float> one = fbp(Projector(g)(vol.slice(1).copy()), g);
  EXPECT_EQ(std::memcmp(one.data(), rec.slice(1).data(), one.bytes()), 0);
}

// backproject() against its definition (fbp.hpp step 3) for parallel beam, in double:
//   f(x, y) = dtheta * sum_i q_i(t), t = (x cos theta_i + y sin theta_i) / spacing + N/2 - offset,
// q_i linearly interpolated and zero off the detector. A half scan (no conjugate merging), odd
// sizes (vector tails), pixels as large as the bins (the permute path) and 2.6 times larger (the
// gather path).
TEST(CtFbp, BackprojectionMatchesItsDefinition) {
  for (const double pixel : {1.0, 2.6}) {
    Geometry g = parallel_geometry(29, 43, 50, pixel);
    g.angular_range = kPi;
    g.detector_spacing = 1.0;
    g.detectors = 141;
    g.detector_offset = 0.3;
    g.start_angle = 0.2;
    Array<float> q(g.sinogram_shape());
    fill_uniform(q, CounterRng(3));
    const Array<float> f = backproject(q, g);
    const double cx = 0.5 * double(g.cols - 1), cy = 0.5 * double(g.rows - 1);
    double worst = 0, peak = 0;
    for (index_t r = 0; r < g.rows; ++r)
      for (index_t c = 0; c < g.cols; ++c) {
        const double x = (double(c) - cx) * pixel, y = (cy - double(r)) * pixel;
        double acc = 0;
        for (index_t i = 0; i < g.views; ++i) {
          const double th = g.view_angle(i);
          const double t = (x * std::cos(th) + y * std::sin(th)) / g.detector_spacing +
                           double(g.detectors / 2) - g.detector_offset;
          const double fl = std::floor(t), w = t - fl;
          const auto j = static_cast<index_t>(fl);
          auto at = [&](index_t k) { return k >= 0 && k < g.detectors ? double(q(i, k)) : 0.0; };
          acc += (1 - w) * at(j) + w * at(j + 1);
        }
        acc *= g.view_step();
        worst = std::max(worst, std::abs(f(r, c) - acc));
        peak = std::max(peak, std::abs(acc));
      }
    ASSERT_GT(peak, 0.1);
    EXPECT_LT(worst, 1e-5 * peak) << "pixel " << pixel;
  }
}

// fbp() of a parallel full scan whose conjugate mirror maps the detector onto itself merges the
// conjugate views before filtering; it must agree with filtering every view, then backprojecting.
TEST(CtFbp, MergingConjugatesBeforeFilteringChangesNothing) {
  const Geometry g = parallel_geometry(64, 64, 120);
  ASSERT_EQ(g.detectors % 2, 1);
  const Array<float> sino = Projector(g)(phantom::shepp_logan(64));
  for (Filter filter : {Filter::ram_lak, Filter::hann}) {
    const Array<float> a = fbp(sino, g, {filter, 1.0});
    const Array<float> b = backproject(filter_sinogram(sino, g, {filter, 1.0}), g);
    double worst = 0, peak = 0;
    for (index_t k = 0; k < a.size(); ++k) {
      worst = std::max(worst, double(std::abs(a[k] - b[k])));
      peak = std::max(peak, double(std::abs(b[k])));
    }
    EXPECT_LT(worst, 2e-6 * peak) << to_string(filter);
  }
}

TEST(CtFbp, Errors) {
  Geometry g = parallel_geometry(32, 32, 60);
  EXPECT_TWEED_ERROR(fbp(Array<float>(Shape{59, g.detectors}), g), ShapeMismatch, "fbp", "[59,");
  g.angular_range = 2.5;
  EXPECT_TWEED_ERROR(fbp(Array<float>(g.sinogram_shape()), g), InvalidInput, "fbp",
                     "not enough data");
  EXPECT_TWEED_ERROR(parse_filter("lanczos"), InvalidInput, "filter", "lanczos");
  EXPECT_TWEED_ERROR(filter_response(64, {Filter::hann, 1.5}), InvalidInput, "cutoff", "(0, 1]");
}

}  // namespace
}  // namespace tweed::ct

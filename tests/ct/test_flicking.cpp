// Sinogram flicking's training choices (flicking.hpp): recorrupted pairs (train.alpha) and the
// held-out blocks that pick the weights (train.holdout). Both must keep the run deterministic,
// change what is learned, and still denoise: on a small low-dose scan the image-domain flicking
// must beat the FBP it starts from by a wide margin.
#include <gtest/gtest.h>

#include <algorithm>

#include "ct_test_util.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/ct/fbp.hpp"
#include "tweed/ct/flicking.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/ct/simulate.hpp"

namespace tweed::ct {
namespace {

struct Scan {
  Geometry g;
  Array<float> noisy, ref;
};

// A 64^2 Shepp-Logan of 2 mm pixels, 180 views over 2 pi, I0 = 200 (very noisy).
const Scan& scan() {
  static const Scan s = [] {
    Scan r;
    r.g = parallel_geometry(64, 64, 180, 2.0);
    const Array<float> clean = Projector(r.g)(make_phantom(Phantom::shepp_logan, 64, 128.0));
    DoseOptions d;
    d.photons = 200;
    d.seed = 3;
    r.noisy = simulate_low_dose(clean, d);
    r.ref = fbp(clean, r.g);
    return r;
  }();
  return s;
}

double psnr(const Array<float>& x) {
  const Scan& s = scan();
  const auto [lo, hi] = std::minmax_element(s.ref.begin(), s.ref.end());
  return metrics::psnr(s.ref, x, double(*hi) - double(*lo));
}

FlickingOptions quick(double alpha, double holdout) {
  FlickingOptions o;
  o.pairs = 4;
  o.inference_flicks = 2;
  o.train.iterations = 120;
  o.train.width = 16;
  o.train.depth = 4;
  o.train.batch = 2;
  o.train.patch = 32;
  o.train.learning_rate = 3e-3;
  o.train.alpha = alpha;
  o.train.holdout = holdout;
  o.train.seed = 11;
  return o;
}

TEST(CtFlicking, RecorruptedPairsAndHoldoutAreDeterministicAndDenoise) {
  const Scan& s = scan();
  const double ramp = psnr(fbp(s.noisy, s.g));
  const Array<float> plain = flicking_reconstruct(s.noisy, s.g, quick(1.0, 0.0));
  const Array<float> chosen = flicking_reconstruct(s.noisy, s.g, quick(0.5, 0.125));
  EXPECT_TRUE(test::same_bytes(chosen, flicking_reconstruct(s.noisy, s.g, quick(0.5, 0.125))));
  EXPECT_FALSE(test::same_bytes(plain, chosen));
  EXPECT_FALSE(test::same_bytes(chosen, flicking_reconstruct(s.noisy, s.g, quick(0.5, 0.0))));
  // Both beat the ramp-filtered FBP by far (it keeps all the high-frequency noise).
  EXPECT_GT(psnr(plain), ramp + 3) << "ramp FBP " << ramp;
  EXPECT_GT(psnr(chosen), ramp + 3) << "ramp FBP " << ramp;
}

TEST(CtFlicking, SinogramDomainUsesTheSameRecorruption) {
  const Scan& s = scan();
  FlickingOptions o = quick(0.5, 0.125);
  o.domain = FlickDomain::sinogram;
  const Array<float> x = flicking_reconstruct(s.noisy, s.g, o);
  EXPECT_TRUE(test::same_bytes(x, flicking_reconstruct(s.noisy, s.g, o)));
  EXPECT_GT(psnr(x), psnr(fbp(s.noisy, s.g)) + 2);
}

}  // namespace
}  // namespace tweed::ct

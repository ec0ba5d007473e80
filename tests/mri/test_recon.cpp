// Reconstructions on a small simulated problem (smooth normalised coil maps, a piecewise-constant
// image): exact recovery from full data, CG-SENSE against zero filling, l1-wavelet and TV against
// CG-SENSE on noisy undersampled data, BART's data scale against a hand computation, coil images
// and RSS, determinism over thread counts, and input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "tweed/core/error.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/recon.hpp"
#include "tweed/mri/sense.hpp"

namespace tweed::mri {
namespace {

constexpr double kPi = std::numbers::pi;

// Gaussian coil profiles around the object, each with its own phase ramp, normalised so that
// sum_c |S_c|^2 = 1 at every pixel (as ESPIRiT's maps are inside the object).
Array<cfloat> coil_maps(index_t c, index_t ny, index_t nx) {
  Array<cfloat> maps(Shape{1, c, 1, ny, nx});
  const index_t n = ny * nx;
  for (index_t p = 0; p < n; ++p) {
    const double x = double(p % nx) / double(nx) - 0.5, y = double(p / nx) / double(ny) - 0.5;
    double sum = 0;
    for (index_t k = 0; k < c; ++k) {
      const double a = 2 * kPi * double(k) / double(c);
      const double dx = x - 0.7 * std::cos(a), dy = y - 0.7 * std::sin(a);
      const double g = std::exp(-(dx * dx + dy * dy) / 0.25);
      maps[k * n + p] = std::polar(float(g), float(2 * x * std::sin(a) - y * std::cos(a)));
      sum += g * g;
    }
    for (index_t k = 0; k < c; ++k) maps[k * n + p] /= float(std::sqrt(sum));
  }
  return maps;
}

// A piecewise-constant image [1, 1, ny, nx]: an ellipse with two inner blocks, constant phase.
Array<cfloat> phantom(index_t ny, index_t nx) {
  Array<cfloat> img(Shape{1, 1, ny, nx});
  const cfloat phase = std::polar(3.0f, 0.4f);  // amplitude 3: the data scale is then not 1
  for (index_t y = 0; y < ny; ++y)
    for (index_t x = 0; x < nx; ++x) {
      const double u = (double(y) - ny / 2.0) / (0.42 * ny),
                   v = (double(x) - nx / 2.0) / (0.36 * nx);
      float val = 0;
      if (u * u + v * v < 1) val = 1.0f;
      if (y > ny / 4 && y < ny / 2 && x > nx / 3 && x < nx / 2) val = 2.0f;
      if (y > ny / 2 + 2 && y < 3 * ny / 4 && x > nx / 2 && x < 2 * nx / 3) val = 0.4f;
      img(0, 0, y, x) = val * phase;
    }
  return img;
}

struct Problem {
  Array<cfloat> truth, maps, kspace;  // kspace already multiplied by the mask
  Array<float> mask;
};

Problem make_problem(index_t n, index_t coils, const Array<float>& mask, double noise,
                     std::uint64_t seed = 3) {
  Problem p;
  p.truth = phantom(n, n);
  p.maps = coil_maps(coils, n, n);
  p.mask = mask;
  p.kspace = (*sense(p.maps, {}))(p.truth);
  if (noise > 0) {
    Array<cfloat> e(p.kspace.shape());
    fill_normal(e, CounterRng(seed, 1), 0.0, noise);
    axpy(cfloat(1), e, p.kspace);
  }
  const index_t np = n * n;
  if (!mask.empty())
    for (index_t i = 0; i < p.kspace.size(); ++i) p.kspace[i] *= mask[i % np];
  return p;
}

double error(const ReconResult& r, const Array<cfloat>& truth) {
  return metrics::nrmse(truth, r.image);
}

ReconOptions method(ReconMethod m) {
  ReconOptions o;
  o.method = m;
  return o;
}

TEST(Recon, FullSamplingRecoversTheImage) {
  const Problem p = make_problem(32, 4, {}, 0);
  ReconOptions o = method(ReconMethod::cgsense);
  o.lambda = 1e-7;
  const ReconResult r = reconstruct(p.kspace, p.maps, {}, o);
  EXPECT_LT(error(r, p.truth), 1e-4);
  EXPECT_EQ(r.image.shape(), (Shape{1, 1, 32, 32}));
  EXPECT_GT(r.scale, 0);
  EXPECT_NE(r.scale, 1.0);  // the data were scaled and the image scaled back
  EXPECT_EQ(r.iterations, 30);
  EXPECT_DOUBLE_EQ(r.lambda, 1e-7);
  // With normalised maps, zero filling of full data is exact too.
  EXPECT_LT(error(reconstruct(p.kspace, p.maps, {}, method(ReconMethod::zero_filled)), p.truth),
            1e-5);
}

TEST(Recon, CgSenseBeatsZeroFillingOnUndersampledData) {
  for (double r : {2.0, 3.0}) {
    // Regular undersampling (as GRAPPA/SENSE protocols do): with random lines the gaps can exceed
    // what these smooth maps resolve.
    MaskOptions mo;
    mo.kind = MaskKind::regular;
    mo.acceleration = r;
    mo.calibration = 8;
    const Array<float> mask = make_mask(Grid{1, 48, 48}, mo);
    const Problem p = make_problem(48, 6, mask, 0);
    const double zf =
        error(reconstruct(p.kspace, p.maps, mask, method(ReconMethod::zero_filled)), p.truth);
    const ReconResult cg = reconstruct(p.kspace, p.maps, mask, method(ReconMethod::cgsense));
    EXPECT_LT(error(cg, p.truth), 0.25 * zf) << "R " << r << " zf " << zf;
    // The empty mask is taken from the zeros of the k-space: the same reconstruction.
    const ReconResult cg0 = reconstruct(p.kspace, p.maps, {}, method(ReconMethod::cgsense));
    EXPECT_EQ(std::memcmp(cg.image.data(), cg0.image.data(), cg.image.bytes()), 0);
  }
}

// Noisy, undersampled data of a piecewise-constant image: the sparsity priors beat plain CG-SENSE
// (whose error is dominated by noise amplification).
TEST(Recon, SparsityPriorsReduceTheErrorOfCgSense) {
  MaskOptions mo;
  mo.kind = MaskKind::uniform;
  mo.acceleration = 3;
  mo.calibration = 8;
  mo.seed = 5;
  const Array<float> mask = make_mask(Grid{1, 32, 32}, mo);
  const Problem p = make_problem(32, 6, mask, 0.08);
  const double cg =
      error(reconstruct(p.kspace, p.maps, mask, method(ReconMethod::cgsense)), p.truth);
  ReconOptions l1 = method(ReconMethod::l1wavelet);
  l1.lambda = 0.05;
  const double e_l1 = error(reconstruct(p.kspace, p.maps, mask, l1), p.truth);
  ReconOptions tv = method(ReconMethod::tv);
  tv.lambda = 0.05;
  const double e_tv = error(reconstruct(p.kspace, p.maps, mask, tv), p.truth);
  tv.tv_solver = "pdhg";
  tv.iterations = 150;
  const double e_pdhg = error(reconstruct(p.kspace, p.maps, mask, tv), p.truth);
  EXPECT_LT(e_l1, 0.85 * cg) << "cg " << cg;
  EXPECT_LT(e_tv, 0.7 * cg) << "cg " << cg;
  EXPECT_LT(e_pdhg, 0.7 * cg) << "cg " << cg;
}

// BART's scale by hand: the RSS image of the centred calibration block, its 90th percentile or
// its maximum, in units of the full grid. The block here is found by growing a centred block of
// fully sampled k-space (30 ACS lines of a 48-line grid, readout capped at 32).
TEST(Recon, DataScaleFollowsBartsRule) {
  const index_t ny = 48, nx = 40, nc = 3;
  // Constant, fully sampled k-space c: the 32 x 32 block image is one pixel of 32 c per coil and
  // zeros, so median = p90 = 0 and the maximum rule gives 32 c sqrt(nc), in full-grid units.
  {
    const float c = 0.25f;
    const Array<cfloat> k(Shape{nc, 1, ny, nx}, cfloat(c, 0));
    const double rescale = std::sqrt(double(nx) / 32.0) * std::sqrt(double(ny) / 32.0);
    EXPECT_NEAR(data_scale(k), 32 * c * std::sqrt(double(nc)) / rescale, 1e-6);
  }
  // The hand computation on a random line-sampled k-space: naive DFT of the block.
  {
    Array<cfloat> k(Shape{nc, 1, ny, nx});
    fill_normal(k, CounterRng(9));
    // 10 fully sampled lines around ny/2, and every 4th line far from them; the readout is
    // sampled in x = 4 .. 35 only, so the block (capped at 32 along x) sits there.
    const index_t acs0 = ny / 2 - 5, acs1 = ny / 2 + 5, xs0 = 4, xs1 = 36;
    for (index_t c = 0; c < nc; ++c)
      for (index_t y = 0; y < ny; ++y)
        for (index_t x = 0; x < nx; ++x) {
          const bool line = (y >= acs0 && y < acs1) || (y % 4 == 0 && std::abs(y - ny / 2) > 8);
          if (!line || x < xs0 || x >= xs1) k(c, 0, y, x) = 0;
        }
    const index_t by = 10, bx = 32, y0 = acs0, x0 = xs0;
    std::vector<double> v;
    for (index_t py = 0; py < by; ++py)
      for (index_t px = 0; px < bx; ++px) {
        double s = 0;
        for (index_t c = 0; c < nc; ++c) {
          std::complex<double> acc = 0;
          for (index_t qy = 0; qy < by; ++qy)
            for (index_t qx = 0; qx < bx; ++qx)
              acc += std::complex<double>(k(c, 0, y0 + qy, x0 + qx)) *
                     std::polar(1.0, 2 * kPi * (double(qy * py) / by + double(qx * px) / bx));
          s += std::norm(acc) / double(by * bx);
        }
        v.push_back(std::sqrt(s));
      }
    std::sort(v.begin(), v.end());
    const double rescale = std::sqrt(double(nx) / bx) * std::sqrt(double(ny) / by);
    const double median = v[v.size() / 2] / rescale, p90 = v[v.size() * 9 / 10] / rescale,
                 max = v.back() / rescale;
    const double want = (max - p90) < 2 * (p90 - median) ? p90 : max;
    EXPECT_NEAR(data_scale(k), want, 1e-5 * want);
  }
  EXPECT_EQ(data_scale(Array<cfloat>(Shape{2, 1, 8, 8})), 1.0);  // all zero
}

TEST(Recon, CoilImagesAndRss) {
  const Problem p = make_problem(24, 4, {}, 0);
  const Array<cfloat> imgs = coil_images(p.kspace);
  ASSERT_EQ(imgs.shape(), (Shape{4, 1, 24, 24}));
  // Coil image c is S_c x; with sum |S_c|^2 = 1 the RSS is |x|.
  const Array<float> r = rss(imgs);
  ASSERT_EQ(r.shape(), (Shape{1, 24, 24}));
  for (index_t i = 0; i < r.size(); ++i) EXPECT_NEAR(r[i], std::abs(p.truth[i]), 1e-5);
  const index_t n = 24 * 24;
  for (index_t i = 0; i < n; ++i)
    EXPECT_LT(std::abs(imgs[2 * n + i] - p.maps[2 * n + i] * p.truth[i]), 1e-5);
}

TEST(Recon, TwoMapSetsGiveTwoImages) {
  const Problem p = make_problem(24, 4, {}, 0);
  Array<cfloat> maps(Shape{2, 4, 1, 24, 24});
  const index_t n = 4 * 24 * 24;
  for (index_t i = 0; i < n; ++i) {
    maps[i] = p.maps[i] * 0.8f;
    maps[n + i] = p.maps[i] * cfloat(0, 0.6f);
  }
  ReconOptions o = method(ReconMethod::cgsense);
  o.lambda = 1e-6;
  const ReconResult r = reconstruct(p.kspace, maps, {}, o);
  ASSERT_EQ(r.image.shape(), (Shape{2, 1, 24, 24}));
  // The minimum-norm split of x between the two sets: 0.8 x and -0.6i x.
  const index_t np = 24 * 24;
  double err = 0, ref = 0;
  for (index_t i = 0; i < np; ++i) {
    err += std::norm(r.image[i] - 0.8f * p.truth[i]) +
           std::norm(r.image[np + i] - cfloat(0, -0.6f) * p.truth[i]);
    ref += std::norm(p.truth[i]);
  }
  EXPECT_LT(std::sqrt(err / ref), 1e-3);
}

TEST(Recon, ResultsDoNotDependOnTheThreadCount) {
  MaskOptions mo;
  mo.kind = MaskKind::poisson;
  mo.acceleration = 3;
  mo.calibration = 6;
  const Array<float> mask = make_mask(Grid{1, 32, 32}, mo);
  const Problem p = make_problem(32, 4, mask, 0.05);
  const int saved = num_threads();
  for (ReconMethod m : {ReconMethod::cgsense, ReconMethod::l1wavelet, ReconMethod::tv}) {
    ReconOptions o = method(m);
    o.iterations = 10;
    set_num_threads(1);
    const ReconResult a = reconstruct(p.kspace, p.maps, mask, o);
    set_num_threads(2);
    const ReconResult b = reconstruct(p.kspace, p.maps, mask, o);
    EXPECT_EQ(std::memcmp(a.image.data(), b.image.data(), a.image.bytes()), 0) << to_string(m);
  }
  set_num_threads(saved);
}

TEST(Recon, CycleSpinningIsSeeded) {
  const Array<float> mask = make_mask(Grid{1, 32, 32}, MaskOptions{});
  const Problem p = make_problem(32, 4, mask, 0.05);
  ReconOptions o = method(ReconMethod::l1wavelet);
  o.iterations = 5;
  const ReconResult a = reconstruct(p.kspace, p.maps, mask, o);
  const ReconResult b = reconstruct(p.kspace, p.maps, mask, o);
  o.seed = 9;
  const ReconResult c = reconstruct(p.kspace, p.maps, mask, o);
  EXPECT_EQ(std::memcmp(a.image.data(), b.image.data(), a.image.bytes()), 0);
  EXPECT_NE(std::memcmp(a.image.data(), c.image.data(), a.image.bytes()), 0);
}

TEST(Recon, MethodNamesRoundTrip) {
  for (ReconMethod m :
       {ReconMethod::zero_filled, ReconMethod::cgsense, ReconMethod::l1wavelet, ReconMethod::tv})
    EXPECT_EQ(parse_recon_method(to_string(m)), m);
  EXPECT_THROW(parse_recon_method("sense"), InvalidInput);
}

TEST(Recon, BadInputsGiveClearErrors) {
  const Problem p = make_problem(16, 3, {}, 0);
  // Coil counts differ.
  Array<cfloat> k2(Shape{2, 1, 16, 16});
  try {
    reconstruct(k2, p.maps, {}, ReconOptions{});
    FAIL() << "no exception";
  } catch (const ShapeMismatch& e) {
    EXPECT_EQ(e.subject(), "k-space");
    EXPECT_NE(std::string(e.what()).find("maps"), std::string::npos);
  }
  // Grids differ.
  EXPECT_THROW(reconstruct(Array<cfloat>(Shape{3, 1, 16, 15}), p.maps, {}, ReconOptions{}),
               ShapeMismatch);
  // Mask of the wrong size.
  EXPECT_THROW(reconstruct(p.kspace, p.maps, Array<float>(Shape{1, 16, 8}), ReconOptions{}),
               ShapeMismatch);
  ReconOptions o;
  o.method = ReconMethod::tv;
  o.tv_solver = "sgd";
  EXPECT_THROW(reconstruct(p.kspace, p.maps, {}, o), InvalidInput);
  o = ReconOptions{};
  o.iterations = -2;
  EXPECT_THROW(reconstruct(p.kspace, p.maps, {}, o), InvalidInput);
  Array<cfloat> bad(p.kspace);
  bad[7] = cfloat(std::nanf(""), 0);
  EXPECT_THROW(reconstruct(bad, p.maps, {}, ReconOptions{}), InvalidInput);
  // Odd grids have no wavelet transform.
  const Problem odd = make_problem(15, 2, {}, 0);
  EXPECT_THROW(reconstruct(odd.kspace, odd.maps, {}, method(ReconMethod::l1wavelet)), Unsupported);
}

}  // namespace
}  // namespace tweed::mri

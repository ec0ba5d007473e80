// Reconstructions of Cartesian multi-coil k-space (see recon.hpp): zero-filled, CG-SENSE,
// l1-wavelet (FISTA) and TV (ADMM or PDHG), all on the SENSE operator and the shared solvers.
#include "tweed/mri/recon.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/linop/combinators.hpp"
#include "tweed/linop/finite_difference.hpp"
#include "tweed/linop/wavelet.hpp"
#include "tweed/linop/wavelet_filter.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/sense.hpp"
#include "tweed/priors/wavelet_l1.hpp"
#include "tweed/solvers/admm.hpp"
#include "tweed/solvers/cg.hpp"
#include "tweed/solvers/fista.hpp"
#include "tweed/solvers/pdhg.hpp"

namespace tweed::mri {

namespace {

// BART's defaults (pics -l2 / -l1 / -R T; italgo.c, iter.c).
constexpr double kLambdaCg = 0.001, kLambdaL1 = 0.01, kLambdaTv = 0.01;
constexpr int kItersCg = 30, kItersL1 = 100, kItersTv = 50;
constexpr double kFistaStep = 0.95;  // BART's FISTA step, in units of 1 / ||A||^2
constexpr double kAdmmRho = 0.5;
constexpr int kAdmmCg = 10;
constexpr double kAdmmRelTol = 1e-3, kAdmmAbsTol = 1e-4;
// BART's data scale looks at a centred k-space block of at most this many points per axis.
constexpr index_t kScaleBlock = 32;
// Wavelet levels: at most this many, and the coarse band keeps at least kWaveletMinSize points
// per axis where the grid allows (BART: minsize 16).
constexpr int kMaxWaveletLevels = 4;
constexpr index_t kWaveletMinSize = 16;

// Spatial axes of an image [M, Z, Y, X] (or of k-space [C, Z, Y, X]): Y, X for 2-D, Z, Y, X for
// 3-D.
std::vector<int> spatial_axes(const Grid& grid) {
  return grid.nz > 1 ? std::vector<int>{1, 2, 3} : std::vector<int>{2, 3};
}

void check_finite(const Array<cfloat>& a, const char* subject) {
  for (index_t i = 0; i < a.size(); ++i)
    if (!std::isfinite(a[i].real()) || !std::isfinite(a[i].imag()))
      throw InvalidInput(subject, "holds a non-finite value at index " + std::to_string(i));
}

// An upper bound of ||A||^2 = ||P F S||^2: max P^2 times the largest, over pixels, squared
// spectral norm of the C x M matrix S(pixel). Exact for M = 1 (sum_c |S_c|^2) and M = 2 (the
// larger eigenvalue of the 2 x 2 Gram matrix); the Frobenius norm for M > 2. It is 1 for maps
// normalised as ESPIRiT's and BART's are, where BART's FISTA step 0.95 is then 0.95 / L.
double lipschitz_bound(const SenseOperator& a) {
  const Array<cfloat>& s = a.maps();
  const index_t nm = a.map_sets(), nc = a.coils(), n = a.grid().size();
  double worst = 0;
  for (index_t p = 0; p < n; ++p) {
    double g00 = 0, g11 = 0, frob = 0;
    cdouble g01{};
    for (index_t c = 0; c < nc; ++c) {
      for (index_t m = 0; m < nm; ++m) frob += std::norm(cdouble(s[(m * nc + c) * n + p]));
      if (nm == 2) {
        const cdouble s0(s[c * n + p]), s1(s[(nc + c) * n + p]);
        g00 += std::norm(s0);
        g11 += std::norm(s1);
        g01 += std::conj(s0) * s1;
      }
    }
    double v = frob;
    if (nm == 2)
      v = 0.5 * (g00 + g11) + std::sqrt(0.25 * (g00 - g11) * (g00 - g11) + std::norm(g01));
    worst = std::max(worst, v);
  }
  double mask_max = 0;
  for (index_t i = 0; i < a.mask().size(); ++i)
    mask_max = std::max(mask_max, double(a.mask()[i]) * double(a.mask()[i]));
  return worst * mask_max;
}

// out = in circularly shifted by `shift` (per axis of the 4-D image [M, Z, Y, X]; negative
// allowed): out[(i + shift) mod n] = in[i].
void roll(const Array<cfloat>& in, Array<cfloat>& out, const std::array<index_t, 4>& shift) {
  const Shape& sh = in.shape();
  std::array<index_t, 4> s{};
  for (std::size_t a = 0; a < 4; ++a) {
    const index_t n = sh[static_cast<int>(a)];
    s[a] = ((shift[a] % n) + n) % n;
  }
  const index_t nx = sh[3], ny = sh[2], nz = sh[1];
  const index_t rows = in.size() / nx;
  const cfloat* src = in.data();
  cfloat* dst = out.data();
  parallel_for(
      0, rows,
      [&](index_t row) {
        const index_t y = row % ny, z = (row / ny) % nz, m = row / (ny * nz);
        const index_t to_row = (((m + s[0]) % sh[0]) * nz + (z + s[1]) % nz) * ny + (y + s[2]) % ny;
        const cfloat* from = src + row * nx;
        cfloat* to = dst + to_row * nx;
        std::copy(from, from + (nx - s[3]), to + s[3]);
        std::copy(from + (nx - s[3]), from + nx, to);
      },
      std::max<index_t>(1, 4096 / nx));
}

// Wavelet levels for the grid: `requested` when positive, else as many as every transformed axis
// allows (extent divisible by 2^l, coarse band >= kWaveletMinSize where the axis is longer than
// that), at most kMaxWaveletLevels.
int wavelet_levels(const Grid& grid, int requested) {
  if (requested > 0) return requested;
  int levels = kMaxWaveletLevels;
  for (index_t n : {grid.nz, grid.ny, grid.nx}) {
    if (n == 1) continue;
    int l = 0;
    while (l < kMaxWaveletLevels && n % (index_t{2} << l) == 0 &&
           (n >> (l + 1)) >= std::min(kWaveletMinSize, n / 2))
      ++l;
    levels = std::min(levels, l);
  }
  if (levels < 1)
    throw Unsupported("l1wav", "the grid " + grid.str() +
                                   " has an odd extent; the wavelet transform needs even extents");
  return levels;
}

// prox of lambda ||W x||_1 with random cycle spinning (BART's randshift): the image is shifted
// circularly by a random amount in [0, 2^levels) along each transformed axis, thresholded in the
// orthonormal wavelet basis, and shifted back. Shifts by multiples of 2^levels leave the
// periodic transform unchanged, so that range covers every distinct one. Call k draws its shifts
// from CounterRng(seed) at indices k * 4 + axis: the sequence is reproducible.
class CycleSpinProx {
 public:
  CycleSpinProx(std::shared_ptr<const priors::WaveletL1Prox<cfloat>> prox, std::vector<int> axes,
                int levels, bool spin, std::uint64_t seed, const Shape& shape)
      : prox_(std::move(prox)),
        axes_(std::move(axes)),
        period_(index_t{1} << levels),
        spin_(spin),
        rng_(seed, 0x5759),
        a_(shape, uninitialized),
        b_(shape, uninitialized) {}

  void operator()(const Array<cfloat>& x, double tau, Array<cfloat>& out) {
    if (!spin_) {
      prox_->prox(x, tau, out);
      return;
    }
    std::array<index_t, 4> shift{}, back{};
    for (int a : axes_) {
      const auto draw = static_cast<std::uint64_t>(calls_ * 4 + a);
      shift[static_cast<std::size_t>(a)] =
          static_cast<index_t>(rng_.below(static_cast<std::uint64_t>(period_), draw));
      back[static_cast<std::size_t>(a)] = -shift[static_cast<std::size_t>(a)];
    }
    ++calls_;
    roll(x, a_, shift);
    prox_->prox(a_, tau, b_);
    roll(b_, out, back);
  }

 private:
  std::shared_ptr<const priors::WaveletL1Prox<cfloat>> prox_;
  std::vector<int> axes_;
  index_t period_;
  bool spin_;
  CounterRng rng_;
  Array<cfloat> a_, b_;
  index_t calls_ = 0;
};

// prox of t * sum_j ||v_j||_2 where v_j = (v[0, j], ..., v[d-1, j]) are the d complex gradient
// components of pixel j (isotropic TV's group l1 norm, BART's joint threshold over the gradient
// axis): v_j * max(0, 1 - t / ||v_j||). The priors layer thresholds real TV duals and complex
// entries one by one, not complex groups, hence this local helper.
void group_soft_threshold(const Array<cfloat>& v, double t, Array<cfloat>& out, index_t groups) {
  const index_t n = v.size() / groups;
  const cfloat* pv = v.data();
  cfloat* po = out.data();
  parallel_for(0, n, [&](index_t j) {
    double norm2 = 0;
    for (index_t a = 0; a < groups; ++a) norm2 += std::norm(cdouble(pv[a * n + j]));
    const double norm = std::sqrt(norm2);
    const auto f = static_cast<float>(norm > t ? 1.0 - t / norm : 0.0);
    for (index_t a = 0; a < groups; ++a) po[a * n + j] = pv[a * n + j] * f;
  });
}

// Projection of every group onto the l2 ball of radius r (the prox of the conjugate of
// r * sum_j ||v_j||, for PDHG).
void group_project(const cfloat* v, cfloat* out, index_t n, index_t groups, double r) {
  parallel_for(0, n, [&](index_t j) {
    double norm2 = 0;
    for (index_t a = 0; a < groups; ++a) norm2 += std::norm(cdouble(v[a * n + j]));
    const double norm = std::sqrt(norm2);
    const auto f = static_cast<float>(norm > r ? r / norm : 1.0);
    for (index_t a = 0; a < groups; ++a) out[a * n + j] = v[a * n + j] * f;
  });
}

solvers::SolveReport solve_cgsense(const SenseOperator& a, const Array<cfloat>& y, double lambda,
                                   int iters, Array<cfloat>& x, const solvers::Monitor& monitor,
                                   const CgSenseSolver& solver) {
  solvers::CgOptions o;
  o.max_iterations = iters;
  // BART runs the whole budget on real data; stopping at a tiny residual keeps CG from
  // amplifying rounding noise once it has converged (a nearly singular A^H A with a small lambda).
  o.tol = 1e-6;
  if (solver) return solver(a, y, lambda, o, x, monitor);
  return solvers::cg_normal(a, y, lambda, x, o, monitor);
}

solvers::SolveReport solve_l1wav(const SenseOperator& a, const Array<cfloat>& y, double lambda,
                                 int iters, const ReconOptions& options, Array<cfloat>& x,
                                 const solvers::Monitor& monitor) {
  const Grid grid = a.grid();
  const int levels = wavelet_levels(grid, options.wavelet_levels);
  std::vector<int> axes;
  for (int ax : spatial_axes(grid)) axes.push_back(ax);
  auto w = linop::wavelet<cfloat>(a.domain(), linop::wavelet_filter(options.wavelet), levels, axes);
  auto prox = std::make_shared<const priors::WaveletL1Prox<cfloat>>(w, lambda);
  auto spin = std::make_shared<CycleSpinProx>(prox, axes, levels, options.cycle_spin, options.seed,
                                              a.domain());
  solvers::FistaOptions o;
  o.max_iterations = iters;
  o.tol = 0;
  const double l = lipschitz_bound(a);
  o.lipschitz = (l > 0 ? l : 1.0) / kFistaStep;
  return solvers::fista(
      a, y,
      [spin](const Array<cfloat>& v, double tau, Array<cfloat>& out) { (*spin)(v, tau, out); }, x,
      o, monitor);
}

solvers::SolveReport solve_tv(const std::shared_ptr<const SenseOperator>& a, const Array<cfloat>& y,
                              double lambda, int iters, const ReconOptions& options,
                              Array<cfloat>& x, const solvers::Monitor& monitor) {
  const std::vector<int> axes = spatial_axes(a->grid());
  const auto groups = static_cast<index_t>(axes.size());
  auto d = linop::finite_difference<cfloat>(a->domain(), axes);
  if (options.tv_solver == "admm") {
    solvers::AdmmOptions o;
    o.max_iterations = iters;
    o.rho = kAdmmRho;
    o.cg_iterations = kAdmmCg;
    o.tol = kAdmmRelTol;
    o.abs_tol = kAdmmAbsTol;
    auto prox = [lambda, groups](const Array<cfloat>& v, double tau, Array<cfloat>& out) {
      group_soft_threshold(v, tau * lambda, out, groups);
    };
    return solvers::admm<cfloat>(*a, y, *d, prox, x, o, monitor);
  }
  if (options.tv_solver == "pdhg") {
    // min_x F(K x), K = [A; D], F(u, v) = 1/2 ||u - y||^2 + lambda sum_j ||v_j||, G = 0.
    // prox of sigma F*: (u - sigma y) / (1 + sigma) on the data block, and the projection onto
    // the lambda-ball of every gradient group on the TV block.
    auto k =
        linop::stack<cfloat>({std::static_pointer_cast<const linop::LinearOperator<cfloat>>(a), d});
    const index_t ny = y.size();
    const index_t npix = d->range().size() / groups;
    auto prox_g = [](const Array<cfloat>& v, double, Array<cfloat>& out) { copy(v, out); };
    auto prox_fc = [&y, ny, npix, groups, lambda](const Array<cfloat>& v, double sigma,
                                                  Array<cfloat>& out) {
      const cfloat* pv = v.data();
      const cfloat* py = y.data();
      cfloat* po = out.data();
      const auto s = static_cast<float>(sigma), inv = static_cast<float>(1.0 / (1.0 + sigma));
      parallel_for(0, ny, [&](index_t i) { po[i] = (pv[i] - s * py[i]) * inv; });
      group_project(pv + ny, po + ny, npix, groups, lambda);
    };
    solvers::PdhgOptions o;
    o.max_iterations = iters;
    o.tol = 0;
    // ||K||^2 <= ||A||^2 + ||D||^2 and ||D||^2 <= 4 per differentiated axis.
    o.operator_norm = std::sqrt(lipschitz_bound(*a) + 4.0 * static_cast<double>(groups));
    return solvers::pdhg<cfloat>(*k, prox_g, prox_fc, x, o, monitor);
  }
  throw InvalidInput("tv_solver",
                     "unknown solver '" + options.tv_solver + "' (expected admm or pdhg)");
}

}  // namespace

ReconMethod parse_recon_method(const std::string& name) {
  if (name == "zf") return ReconMethod::zero_filled;
  if (name == "cgsense") return ReconMethod::cgsense;
  if (name == "l1wav") return ReconMethod::l1wavelet;
  if (name == "tv") return ReconMethod::tv;
  throw InvalidInput("method", "unknown method '" + name + "' (expected zf, cgsense, l1wav or tv)");
}

std::string to_string(ReconMethod method) {
  switch (method) {
    case ReconMethod::zero_filled:
      return "zf";
    case ReconMethod::cgsense:
      return "cgsense";
    case ReconMethod::l1wavelet:
      return "l1wav";
    case ReconMethod::tv:
      return "tv";
  }
  return "unknown";
}

Array<cfloat> coil_images(const Array<cfloat>& kspace) {
  const Grid grid = kspace_grid(kspace);
  Array<cfloat> img(kspace);
  fft::transform(img.data(), img.shape(), spatial_axes(grid), fft::Direction::inverse,
                 fft::Norm::ortho, true);
  return img;
}

Array<float> rss(const Array<cfloat>& images) {
  if (images.rank() < 1 || images.empty())
    throw ShapeMismatch("rss",
                        "needs a non-empty [coils, ...] array, got shape " + images.shape().str());
  const index_t nc = images.dim(0);
  const index_t n = images.size() / nc;
  Array<float> out(images.shape().drop_front());
  const cfloat* p = images.data();
  parallel_for(0, n, [&](index_t i) {
    double s = 0;
    for (index_t c = 0; c < nc; ++c) s += std::norm(cdouble(p[c * n + i]));
    out[i] = static_cast<float>(std::sqrt(s));
  });
  return out;
}

double data_scale(const Array<cfloat>& kspace) {
  // BART's estimate_scaling (pics without -w): the RSS image of a calibration block of k-space.
  const Grid g = kspace_grid(kspace);
  const index_t nc = kspace.dim(0);
  const Array<float> pattern = mask_from_zeros(kspace);
  // Axes in BART's order: 0 = x (readout), 1 = y, 2 = z.
  const std::array<index_t, 3> full{g.nx, g.ny, g.nz};
  // 1. A centred block of at most kScaleBlock points along y and z, the whole readout.
  std::array<index_t, 3> tdim{}, tpos{};
  for (std::size_t i = 0; i < 3; ++i) {
    tdim[i] = i == 0 ? full[i] : std::min(kScaleBlock, full[i]);
    tpos[i] = (full[i] - tdim[i]) / 2;
  }
  auto sampled = [&](index_t x, index_t y, index_t z) {
    return pattern[((tpos[2] + z) * g.ny + tpos[1] + y) * g.nx + tpos[0] + x] != 0.0f;
  };
  // 2. Grow a centred block of that one, one step per axis in turn, while it is fully sampled,
  // up to kScaleBlock per axis.
  std::array<index_t, 3> cal{1, 1, 1}, pos{};
  for (std::size_t i = 0; i < 3; ++i) pos[i] = (tdim[i] - 1) / 2;
  std::array<bool, 3> stop{false, false, false};
  auto full_block = [&]() {
    for (index_t z = pos[2]; z < pos[2] + cal[2]; ++z)
      for (index_t y = pos[1]; y < pos[1] + cal[1]; ++y)
        for (index_t x = pos[0]; x < pos[0] + cal[0]; ++x)
          if (!sampled(x, y, z)) return false;
    return true;
  };
  while (!(stop[0] && stop[1] && stop[2])) {
    for (std::size_t i = 0; i < 3; ++i) {
      if (cal[i] == tdim[i] || cal[i] >= kScaleBlock) stop[i] = true;
      if (stop[i]) continue;
      ++cal[i];
      pos[i] = (tdim[i] - cal[i]) / 2;
      if (!full_block()) {
        --cal[i];
        pos[i] = (tdim[i] - cal[i]) / 2;
        stop[i] = true;
      }
    }
  }
  // 3. Along the readout, the block position of largest energy (the echo need not be centred).
  auto at = [&](index_t c, index_t x, index_t y, index_t z) {
    return kspace[((c * g.nz + tpos[2] + z) * g.ny + tpos[1] + y) * g.nx + tpos[0] + x];
  };
  double best = 0;
  index_t best_x = 0;
  for (index_t r = 0; r + cal[0] <= tdim[0]; ++r) {
    double e = 0;
    for (index_t c = 0; c < nc; ++c)
      for (index_t z = pos[2]; z < pos[2] + cal[2]; ++z)
        for (index_t y = pos[1]; y < pos[1] + cal[1]; ++y)
          for (index_t x = r; x < r + cal[0]; ++x) e += std::norm(cdouble(at(c, x, y, z)));
    if (e > best) {
      best = e;
      best_x = r;
    }
  }
  pos[0] = best_x;
  // 4. RSS of the block's coil images (unitary inverse FFT), rescaled to the full grid's units.
  Array<cfloat> block(Shape{nc, cal[2], cal[1], cal[0]});
  for (index_t c = 0; c < nc; ++c)
    for (index_t z = 0; z < cal[2]; ++z)
      for (index_t y = 0; y < cal[1]; ++y)
        for (index_t x = 0; x < cal[0]; ++x)
          block(c, z, y, x) = at(c, pos[0] + x, pos[1] + y, pos[2] + z);
  fft::transform(block.data(), block.shape(), {1, 2, 3}, fft::Direction::inverse, fft::Norm::ortho,
                 true);
  Array<float> r = rss(block);
  std::vector<float> v(r.begin(), r.end());
  std::sort(v.begin(), v.end());
  const auto size = static_cast<index_t>(v.size());
  const double rescale = std::sqrt(double(full[0]) / double(cal[0])) *
                         std::sqrt(double(full[1]) / double(cal[1])) *
                         std::sqrt(double(full[2]) / double(cal[2]));
  const double median = v[static_cast<std::size_t>(size / 2)] / rescale;
  const double p90 =
      v[static_cast<std::size_t>(std::trunc(static_cast<double>(size) * 0.9))] / rescale;
  const double max = v[static_cast<std::size_t>(size - 1)] / rescale;
  const double s = (max - p90) < 2 * (p90 - median) ? p90 : max;
  return s > 0 ? s : 1.0;
}

ReconResult reconstruct(const Array<cfloat>& kspace, const Array<cfloat>& maps,
                        const Array<float>& mask, const ReconOptions& options,
                        const solvers::Monitor& monitor) {
  const Grid kg = kspace_grid(kspace);
  const Grid mg = maps_grid(maps);
  if (kg != mg || kspace.dim(0) != maps.dim(1))
    throw ShapeMismatch("k-space", "shape " + kspace.shape().str() +
                                       " ([coils, z, y, x]) does not match the coil maps " +
                                       maps.shape().str() + " ([maps, coils, z, y, x])");
  check_finite(kspace, "k-space");
  if (!std::isfinite(options.lambda))
    throw InvalidInput("lambda", "must be finite, got " + std::to_string(options.lambda));
  if (options.iterations < 0)
    throw InvalidInput("iterations", "must be >= 0, got " + std::to_string(options.iterations));

  const auto a = sense(maps, mask.empty() ? mask_from_zeros(kspace) : mask);

  // The data the model sees are P y (BART multiplies the k-space by its pattern), so the scale
  // is estimated on what is actually used.
  Array<cfloat> y(kspace);
  if (!mask.empty()) {
    const index_t n = kg.size();
    const float* pm = a->mask().data();
    parallel_for(0, y.size(), [&](index_t i) { y[i] *= pm[i % n]; });
  }

  ReconResult result;
  result.scale = options.auto_scale ? data_scale(y) : 1.0;
  if (result.scale != 1.0) scale(y, cfloat(static_cast<float>(1.0 / result.scale)));

  double lambda = options.lambda;
  int iters = options.iterations;
  switch (options.method) {
    case ReconMethod::zero_filled:
      lambda = 0;
      iters = 0;
      break;
    case ReconMethod::cgsense:
      if (lambda < 0) lambda = kLambdaCg;
      if (iters == 0) iters = kItersCg;
      break;
    case ReconMethod::l1wavelet:
      if (lambda < 0) lambda = kLambdaL1;
      if (iters == 0) iters = kItersL1;
      break;
    case ReconMethod::tv:
      if (lambda < 0) lambda = kLambdaTv;
      if (iters == 0) iters = kItersTv;
      break;
  }
  result.lambda = lambda;
  result.iterations = iters;

  Array<cfloat> x(a->domain());
  switch (options.method) {
    case ReconMethod::zero_filled:
      a->apply_adjoint(y, x);
      result.report.reason = solvers::StopReason::converged;
      break;
    case ReconMethod::cgsense:
      result.report = solve_cgsense(*a, y, lambda, iters, x, monitor, options.cg_solver);
      break;
    case ReconMethod::l1wavelet:
      result.report = solve_l1wav(*a, y, lambda, iters, options, x, monitor);
      break;
    case ReconMethod::tv:
      result.report = solve_tv(a, y, lambda, iters, options, x, monitor);
      break;
  }
  if (result.scale != 1.0) scale(x, cfloat(static_cast<float>(result.scale)));
  result.image = std::move(x);
  return result;
}

}  // namespace tweed::mri

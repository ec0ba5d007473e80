// ESPIRiT coil maps (Uecker et al., MRM 71:990, 2014) with BART ecalib's conventions.
//
// Notation: d_c(k) the calibration data of coil c, kernel offsets p in [0, k)^d, K = k^d, and
// a_k0 = (d_c(k0 + p))_{c,p} one patch (one row of the calibration matrix A). The image of one
// pixel is e^{-2 pi i k.r/N} s(r) x(r) in k-space, so every patch lies (without noise) in the span
// of the vectors s(r) (x) phi(r), phi(r)_p = e^{-2 pi i p.r/N}. With P the orthogonal projector
// onto the kept "signal" eigenvectors of the patch covariance R = sum_k0 a_k0 a_k0^H (= A^T
// conj(A), eigenvalues sigma_i^2), the C x C matrix
//     G(r) = (1/K) (I (x) phi(r))^H P (I (x) phi(r))
// satisfies G(r) s(r) = s(r), has its eigenvalues in [0, 1] (||I (x) phi||^2 = K), and its
// entries are trigonometric polynomials in r:
//     G_{c1 c2}(r) = (1/K) sum_q H_{c1 c2}(q) e^{+2 pi i q.r/N},  q in (-k, k)^d,
//     H_{c1 c2}(q) = sum_p P[(c1, p), (c2, p - q)].
// So G is computed exactly on the full grid by one inverse FFT per coil pair of the (2k-1)^d
// diagonal sums of P. (BART evaluates the same polynomial on a 2k grid from the kernel images and
// interpolates it by zero-padded FFT; both are exact, since the degree is below the 2k Nyquist.)
// The maps are the leading eigenvectors of G(r), found per pixel by repeated squaring and power
// iteration with a fixed number of steps, vectorised over blocks of pixels.
#include <algorithm>
#include <cmath>
#include <string>

#include "coil_calibration.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/mri/coil_maps.hpp"

// Eigen's own OpenMP products choose their blocking from the thread count; Tweed's results must
// not depend on it, so Eigen stays single-threaded here and the threading is Tweed's.
#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Dense>

namespace tweed::mri {
namespace detail {

namespace {

// True when any coil is non-zero at (z, y, x) (BART's estimate_pattern).
bool sampled(const Array<cfloat>& k, index_t z, index_t y, index_t x) {
  const Grid g = kspace_grid(k);
  const index_t plane = g.size();
  const index_t off = (z * g.ny + y) * g.nx + x;
  for (index_t c = 0; c < k.dim(0); ++c)
    if (k.data()[c * plane + off] != cfloat{}) return true;
  return false;
}

bool block_sampled(const Array<cfloat>& k, const std::array<index_t, 3>& start,
                   const std::array<index_t, 3>& size) {
  for (index_t z = 0; z < size[0]; ++z)
    for (index_t y = 0; y < size[1]; ++y)
      for (index_t x = 0; x < size[2]; ++x)
        if (!sampled(k, start[0] + z, start[1] + y, start[2] + x)) return false;
  return true;
}

double block_energy(const Array<cfloat>& k, const std::array<index_t, 3>& start,
                    const std::array<index_t, 3>& size) {
  const Grid g = kspace_grid(k);
  double e = 0;
  for (index_t c = 0; c < k.dim(0); ++c)
    for (index_t z = 0; z < size[0]; ++z)
      for (index_t y = 0; y < size[1]; ++y) {
        const cfloat* row =
            k.data() + ((c * g.nz + start[0] + z) * g.ny + start[1] + y) * g.nx + start[2];
        for (index_t x = 0; x < size[2]; ++x) e += std::norm(row[x]);
      }
  return e;
}

}  // namespace

CalibrationRegion find_calibration_region(const Array<cfloat>& kspace, index_t cap) {
  const Grid g = kspace_grid(kspace);
  if (cap < 1)
    throw InvalidInput("calibration size", "must be at least 1, got " + std::to_string(cap));
  const std::array<index_t, 3> n{g.nz, g.ny, g.nx};
  // BART first cuts the centre (full readout, phase encodes capped) and grows the block in it;
  // the two centrings are kept separate so that odd sizes land where BART puts them.
  const std::array<index_t, 3> outer{std::min(cap, n[0]), std::min(cap, n[1]), n[2]};
  std::array<index_t, 3> outer_start{};
  for (int a = 0; a < 3; ++a) outer_start[a] = (n[a] - outer[a]) / 2;

  std::array<index_t, 3> size{1, 1, 1};
  std::array<index_t, 3> pos{};
  auto place = [&](int a) { pos[a] = (outer[a] - size[a]) / 2; };
  for (int a = 0; a < 3; ++a) place(a);
  auto absolute = [&]() {
    std::array<index_t, 3> s{};
    for (int a = 0; a < 3; ++a) s[a] = outer_start[a] + pos[a];
    return s;
  };
  // Growth order x, y, z (BART's dims 0, 1, 2), one step each per round ("diagonals first").
  const int order[3] = {2, 1, 0};
  bool stop[3] = {false, false, false};
  while (!(stop[0] && stop[1] && stop[2])) {
    for (int a : order) {
      if (size[a] == outer[a] || size[a] >= cap) stop[a] = true;
      if (stop[a]) continue;
      ++size[a];
      place(a);
      if (!block_sampled(kspace, absolute(), size)) {
        --size[a];
        place(a);
        stop[a] = true;
      }
    }
  }
  // Slide along the readout to the most energetic position (the first one on ties).
  index_t best = 0;
  double best_energy = 0;
  for (index_t r = 0; r + size[2] <= outer[2]; ++r) {
    pos[2] = r;
    const double e = block_energy(kspace, absolute(), size);
    if (e > best_energy) {
      best = r;
      best_energy = e;
    }
  }
  pos[2] = best;
  return {size, absolute()};
}

Array<cfloat> extract_region(const Array<cfloat>& kspace, const CalibrationRegion& region) {
  const Grid g = kspace_grid(kspace);
  const index_t coils = kspace.dim(0);
  const auto& s = region.size;
  const auto& o = region.start;
  Array<cfloat> out(Shape{coils, s[0], s[1], s[2]}, uninitialized);
  cfloat* dst = out.data();
  for (index_t c = 0; c < coils; ++c)
    for (index_t z = 0; z < s[0]; ++z)
      for (index_t y = 0; y < s[1]; ++y) {
        const cfloat* row = kspace.data() + ((c * g.nz + o[0] + z) * g.ny + o[1] + y) * g.nx + o[2];
        dst = std::copy(row, row + s[2], dst);
      }
  return out;
}

std::vector<cdouble> principal_coil_direction(const Array<cfloat>& calib) {
  const index_t coils = calib.dim(0);
  const index_t m = calib.size() / coils;
  Eigen::MatrixXcd cov = Eigen::MatrixXcd::Zero(coils, coils);
  for (index_t i = 0; i < coils; ++i)
    for (index_t j = 0; j <= i; ++j) {
      cdouble acc{};
      const cfloat* a = calib.data() + i * m;
      const cfloat* b = calib.data() + j * m;
      for (index_t t = 0; t < m; ++t) acc += cdouble(a[t]) * std::conj(cdouble(b[t]));
      cov(i, j) = acc;
      cov(j, i) = std::conj(acc);
    }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> es(cov);
  // An eigenvector is defined up to a phase. LAPACK's Hermitian solver (zhetrd with the upper
  // triangle, which BART calls) returns the last component real; measured on BART's phantom it is
  // positive, so that convention makes Tweed's maps carry BART's phase, not only its magnitude.
  std::vector<cdouble> u(static_cast<std::size_t>(coils));
  const cdouble last = es.eigenvectors()(coils - 1, coils - 1);
  const cdouble rot = std::abs(last) > 0 ? std::conj(last) / std::abs(last) : cdouble(1);
  for (index_t c = 0; c < coils; ++c)
    u[static_cast<std::size_t>(c)] = es.eigenvectors()(c, coils - 1) * rot;
  return u;
}

void align_phase(cfloat* s, index_t coils, index_t stride, const std::vector<cdouble>& u) {
  cdouble p{};
  for (index_t c = 0; c < coils; ++c)
    p += std::conj(u[static_cast<std::size_t>(c)]) * cdouble(s[c * stride]);
  const double a = std::abs(p);
  if (!(a > 0)) return;
  const cfloat rot(static_cast<float>(p.real() / a), static_cast<float>(-p.imag() / a));
  for (index_t c = 0; c < coils; ++c) s[c * stride] *= rot;
}

}  // namespace detail

index_t calibration_size(const Array<cfloat>& kspace, index_t cap) {
  const detail::CalibrationRegion r = detail::find_calibration_region(kspace, cap);
  const Grid g = kspace_grid(kspace);
  return g.nz > 1 ? std::min(r.size[0], r.size[1]) : r.size[1];
}

namespace {

using detail::CalibrationRegion;

void validate(const EspiritOptions& o, index_t coils) {
  if (o.kernel < 1)
    throw InvalidInput("ESPIRiT kernel", "must be at least 1, got " + std::to_string(o.kernel));
  if (o.calibration < o.kernel + 1)
    throw InvalidInput("ESPIRiT calibration",
                       "must be at least kernel + 1 = " + std::to_string(o.kernel + 1) + ", got " +
                           std::to_string(o.calibration));
  if (!(o.threshold >= 0 && o.threshold < 1))
    throw InvalidInput("ESPIRiT threshold",
                       "must lie in [0, 1), got " + std::to_string(o.threshold));
  if (!(o.crop >= 0 && o.crop < 1))
    throw InvalidInput("ESPIRiT crop", "must lie in [0, 1), got " + std::to_string(o.crop));
  if (o.maps != 1 && o.maps != 2)
    throw InvalidInput("ESPIRiT maps", "must be 1 or 2, got " + std::to_string(o.maps));
  if (o.maps > coils)
    throw InvalidInput("ESPIRiT maps", std::to_string(o.maps) + " sets of maps need at least " +
                                           std::to_string(o.maps) + " coils, the k-space has " +
                                           std::to_string(coils));
}

// Kernel extents along (z, y, x): 1 along an axis of the grid of extent 1 (2-D data).
struct Kernel {
  std::array<index_t, 3> k{1, 1, 1};
  index_t volume() const { return k[0] * k[1] * k[2]; }
  // Row of the patch covariance for coil c and offset p.
  index_t index(index_t c, index_t pz, index_t py, index_t px) const {
    return ((c * k[0] + pz) * k[1] + py) * k[2] + px;
  }
};

// Box sums of `f` (extents u) along `axis` of windows of length w starting at 0..count-1, in
// place into the leading `count` positions of that axis; other axes keep their extents.
void box_sum_axis(std::vector<cdouble>& f, std::array<index_t, 3>& u, int axis, index_t w,
                  index_t count) {
  std::array<index_t, 3> out = u;
  out[axis] = count;
  std::vector<cdouble> g(static_cast<std::size_t>(out[0] * out[1] * out[2]));
  std::array<index_t, 3> stride{u[1] * u[2], u[2], 1};
  std::array<index_t, 3> ostride{out[1] * out[2], out[2], 1};
  const int a1 = axis == 0 ? 1 : 0;
  const int a2 = axis == 2 ? 1 : 2;
  for (index_t i = 0; i < u[a1]; ++i)
    for (index_t j = 0; j < u[a2]; ++j) {
      const cdouble* src = f.data() + i * stride[a1] + j * stride[a2];
      cdouble* dst = g.data() + i * ostride[a1] + j * ostride[a2];
      const index_t s = stride[axis];
      for (index_t t = 0; t < count; ++t) {
        cdouble acc{};
        for (index_t v = 0; v < w; ++v) acc += src[(t + v) * s];
        dst[t * ostride[axis]] = acc;
      }
    }
  f.swap(g);
  u = out;
}

// The patch covariance R = sum over patches of a a^H, N x N with N = C K, in float (accumulated
// in double). Entry R[(c1, p), (c2, p + delta)] = sum over the patch origins k0 of
// d_c1(k0 + p) conj(d_c2(k0 + p + delta)): for each (c1, c2, delta) the product image is formed
// once and its box sums give every p.
Eigen::MatrixXcf patch_covariance(const Array<cfloat>& calib, const Kernel& kern) {
  const index_t coils = calib.dim(0);
  const std::array<index_t, 3> len{calib.dim(1), calib.dim(2), calib.dim(3)};
  std::array<index_t, 3> win{};
  for (int a = 0; a < 3; ++a) win[a] = len[a] - kern.k[a] + 1;
  const index_t n = coils * kern.volume();
  Eigen::MatrixXcf r(n, n);
  const index_t plane = len[0] * len[1] * len[2];

  // Tasks: c1 <= c2 and all delta; the mirrored entries are filled by conjugation. For c1 == c2
  // both delta and -delta write the same pair of entries with the same values up to rounding;
  // only delta >= 0 (lexicographically) runs so that each entry is written once.
  std::array<index_t, 3> span{};
  for (int a = 0; a < 3; ++a) span[a] = 2 * kern.k[a] - 1;
  const index_t ndelta = span[0] * span[1] * span[2];
  const index_t npairs = coils * (coils + 1) / 2;
  parallel_for(
      0, npairs * ndelta,
      [&](index_t task) {
        index_t pair = task / ndelta, di = task % ndelta;
        index_t c1 = 0;
        while (pair >= coils - c1) pair -= coils - c1++;
        const index_t c2 = c1 + pair;
        const std::array<index_t, 3> delta{di / (span[1] * span[2]) - (kern.k[0] - 1),
                                           (di / span[2]) % span[1] - (kern.k[1] - 1),
                                           di % span[2] - (kern.k[2] - 1)};
        if (c1 == c2 && delta < std::array<index_t, 3>{0, 0, 0}) return;
        // p ranges over [plo, plo + count) per axis; f is needed on plo + [0, count + win - 1).
        std::array<index_t, 3> plo{}, count{}, u{};
        for (int a = 0; a < 3; ++a) {
          plo[a] = std::max<index_t>(0, -delta[a]);
          count[a] = kern.k[a] - std::abs(delta[a]);
          u[a] = count[a] + win[a] - 1;
        }
        std::vector<cdouble> f(static_cast<std::size_t>(u[0] * u[1] * u[2]));
        const cfloat* d1 = calib.data() + c1 * plane;
        const cfloat* d2 = calib.data() + c2 * plane;
        std::size_t t = 0;
        for (index_t z = 0; z < u[0]; ++z)
          for (index_t y = 0; y < u[1]; ++y) {
            const index_t base1 = ((plo[0] + z) * len[1] + plo[1] + y) * len[2] + plo[2];
            const index_t base2 =
                ((plo[0] + z + delta[0]) * len[1] + plo[1] + y + delta[1]) * len[2] + plo[2] +
                delta[2];
            for (index_t x = 0; x < u[2]; ++x)
              f[t++] = cdouble(d1[base1 + x]) * std::conj(cdouble(d2[base2 + x]));
          }
        for (int a = 2; a >= 0; --a) box_sum_axis(f, u, a, win[a], count[a]);
        for (index_t z = 0; z < count[0]; ++z)
          for (index_t y = 0; y < count[1]; ++y)
            for (index_t x = 0; x < count[2]; ++x) {
              const index_t pz = plo[0] + z, py = plo[1] + y, px = plo[2] + x;
              const index_t i = kern.index(c1, pz, py, px);
              const index_t j = kern.index(c2, pz + delta[0], py + delta[1], px + delta[2]);
              const cdouble v = f[static_cast<std::size_t>((z * count[1] + y) * count[2] + x)];
              r(i, j) = cfloat(v);
              r(j, i) = cfloat(std::conj(v));
            }
      },
      1);
  return r;
}

// The image-domain Gram matrices G(r), upper triangle (c1 <= c2) as [pairs, Z, Y, X].
Array<cfloat> image_gram(const Eigen::MatrixXcf& kept, const Kernel& kern, index_t coils,
                         const Grid& grid) {
  const Eigen::MatrixXcf proj = kept * kept.adjoint();  // P = B B^H
  std::array<index_t, 3> span{};
  for (int a = 0; a < 3; ++a) span[a] = 2 * kern.k[a] - 1;
  const index_t npairs = coils * (coils + 1) / 2;
  const std::array<index_t, 3> n{grid.nz, grid.ny, grid.nx};
  Array<cfloat> g(Shape{npairs, grid.nz, grid.ny, grid.nx});
  // The inverse FFT below is unnormalised up to 1/N (Norm::backward); fold N / K in here.
  const double scale = static_cast<double>(grid.size()) / static_cast<double>(kern.volume());
  parallel_for(
      0, npairs,
      [&](index_t pair) {
        index_t c1 = 0, rest = pair;
        while (rest >= coils - c1) rest -= coils - c1++;
        const index_t c2 = c1 + rest;
        cfloat* out = g.data() + pair * grid.size();
        for (index_t qz = 1 - kern.k[0]; qz < kern.k[0]; ++qz)
          for (index_t qy = 1 - kern.k[1]; qy < kern.k[1]; ++qy)
            for (index_t qx = 1 - kern.k[2]; qx < kern.k[2]; ++qx) {
              cdouble h{};
              for (index_t pz = std::max<index_t>(0, qz); pz < std::min(kern.k[0], kern.k[0] + qz);
                   ++pz)
                for (index_t py = std::max<index_t>(0, qy);
                     py < std::min(kern.k[1], kern.k[1] + qy); ++py)
                  for (index_t px = std::max<index_t>(0, qx);
                       px < std::min(kern.k[2], kern.k[2] + qx); ++px)
                    h += cdouble(proj(kern.index(c1, pz, py, px),
                                      kern.index(c2, pz - qz, py - qy, px - qx)));
              // Frequency q sits at index n/2 + q of a centred axis; wrapping is exact because
              // e^{2 pi i q r / n} is n-periodic in q (grids smaller than 2k - 1 stay correct).
              const std::array<index_t, 3> q{qz, qy, qx};
              std::array<index_t, 3> at{};
              for (int a = 0; a < 3; ++a) at[a] = ((n[a] / 2 + q[a]) % n[a] + n[a]) % n[a];
              out[(at[0] * n[1] + at[1]) * n[2] + at[2]] += cfloat(h * scale);
            }
      },
      1);
  std::vector<int> axes;
  for (int a = 0; a < 3; ++a)
    if (n[a] > 1) axes.push_back(a + 1);
  fft::transform(g.data(), g.shape(), axes, fft::Direction::inverse, fft::Norm::backward, true);
  return g;
}

// Pixels processed together by the eigen-solver: every step below is an element-wise loop over
// the lanes, which the compiler vectorises.
constexpr index_t kLanes = 16;
// Leading eigenvector: B = (A / tr A)^(2^kSquarings), renormalised after each squaring, then
// kPowerSteps power steps with B from B's dominant column. The error of the eigenvector decays
// like (lambda2 / lambda1)^(2^kSquarings * (kPowerSteps + 1)) = (lambda2 / lambda1)^56, more than
// BART's 30 orthogonal iterations, for about the same arithmetic (3 C^3 + 6 C^2 vs 30 C^2 x maps).
constexpr int kSquarings = 3;
constexpr int kPowerSteps = 6;

// Split complex C x C matrices over kLanes pixels: element (i, j) of lane l at [(i C + j) L + l].
struct LaneMatrix {
  std::vector<float> re, im;
  explicit LaneMatrix(index_t c)
      : re(static_cast<std::size_t>(c * c * kLanes)),
        im(static_cast<std::size_t>(c * c * kLanes)) {}
};

// out = a * a (Hermitian a), then out /= trace(out) per lane (0 where the trace is not positive).
// The product is Hermitian too: only its upper triangle is computed, the rest mirrored.
void square_normalised(const LaneMatrix& a, LaneMatrix& out, index_t c) {
  for (index_t i = 0; i < c; ++i)
    for (index_t j = i; j < c; ++j) {
      float sr[kLanes] = {}, si[kLanes] = {};
      for (index_t k = 0; k < c; ++k) {
        const float* __restrict ar = &a.re[static_cast<std::size_t>((i * c + k) * kLanes)];
        const float* __restrict ai = &a.im[static_cast<std::size_t>((i * c + k) * kLanes)];
        const float* __restrict br = &a.re[static_cast<std::size_t>((k * c + j) * kLanes)];
        const float* __restrict bi = &a.im[static_cast<std::size_t>((k * c + j) * kLanes)];
        for (index_t l = 0; l < kLanes; ++l) {
          sr[l] += ar[l] * br[l] - ai[l] * bi[l];
          si[l] += ar[l] * bi[l] + ai[l] * br[l];
        }
      }
      float* __restrict orr = &out.re[static_cast<std::size_t>((i * c + j) * kLanes)];
      float* __restrict oi = &out.im[static_cast<std::size_t>((i * c + j) * kLanes)];
      float* __restrict tr = &out.re[static_cast<std::size_t>((j * c + i) * kLanes)];
      float* __restrict ti = &out.im[static_cast<std::size_t>((j * c + i) * kLanes)];
      for (index_t l = 0; l < kLanes; ++l) {
        orr[l] = sr[l];
        oi[l] = si[l];
      }
      if (i != j)
        for (index_t l = 0; l < kLanes; ++l) {
          tr[l] = sr[l];
          ti[l] = -si[l];
        }
    }
  float tr[kLanes] = {};
  for (index_t i = 0; i < c; ++i)
    for (index_t l = 0; l < kLanes; ++l)
      tr[l] += out.re[static_cast<std::size_t>((i * c + i) * kLanes + l)];
  float inv[kLanes];
  for (index_t l = 0; l < kLanes; ++l) inv[l] = tr[l] > 0 ? 1.0f / tr[l] : 0.0f;
  for (index_t e = 0; e < c * c; ++e)
    for (index_t l = 0; l < kLanes; ++l) {
      out.re[static_cast<std::size_t>(e * kLanes + l)] *= inv[l];
      out.im[static_cast<std::size_t>(e * kLanes + l)] *= inv[l];
    }
}

// Leading eigenpair of the Hermitian matrices `a` (eigenvalues >= 0) of every lane: v (split,
// [c][lane], unit norm or 0) and lambda = v^H a v.
void leading_eigenpair(const LaneMatrix& a, index_t c, LaneMatrix& t1, LaneMatrix& t2, float* vre,
                       float* vim, float* lambda) {
  float tr[kLanes] = {};
  for (index_t i = 0; i < c; ++i)
    for (index_t l = 0; l < kLanes; ++l)
      tr[l] += a.re[static_cast<std::size_t>((i * c + i) * kLanes + l)];
  for (index_t l = 0; l < kLanes; ++l) tr[l] = tr[l] > 0 ? 1.0f / tr[l] : 0.0f;
  for (index_t e = 0; e < c * c; ++e)
    for (index_t l = 0; l < kLanes; ++l) {
      t1.re[static_cast<std::size_t>(e * kLanes + l)] =
          a.re[static_cast<std::size_t>(e * kLanes + l)] * tr[l];
      t1.im[static_cast<std::size_t>(e * kLanes + l)] =
          a.im[static_cast<std::size_t>(e * kLanes + l)] * tr[l];
    }
  for (int s = 0; s < kSquarings; ++s) {
    square_normalised(t1, t2, c);
    std::swap(t1.re, t2.re);
    std::swap(t1.im, t2.im);
  }
  // Start from the column of B with the largest diagonal entry: B ~ s s^H, so that column is
  // s conj(s_j) with the largest |s_j|, the best-conditioned choice; deterministic per pixel.
  for (index_t l = 0; l < kLanes; ++l) {
    index_t best = 0;
    float best_d = -1;
    for (index_t i = 0; i < c; ++i) {
      const float d = t1.re[static_cast<std::size_t>((i * c + i) * kLanes + l)];
      if (d > best_d) {
        best_d = d;
        best = i;
      }
    }
    for (index_t i = 0; i < c; ++i) {
      vre[i * kLanes + l] = t1.re[static_cast<std::size_t>((i * c + best) * kLanes + l)];
      vim[i * kLanes + l] = t1.im[static_cast<std::size_t>((i * c + best) * kLanes + l)];
    }
  }
  std::vector<float> wre(static_cast<std::size_t>(c * kLanes)), wim(wre.size());
  auto normalise = [&](float* xr, float* xi) {
    float nrm[kLanes] = {};
    for (index_t i = 0; i < c; ++i)
      for (index_t l = 0; l < kLanes; ++l)
        nrm[l] += xr[i * kLanes + l] * xr[i * kLanes + l] + xi[i * kLanes + l] * xi[i * kLanes + l];
    for (index_t l = 0; l < kLanes; ++l) nrm[l] = nrm[l] > 0 ? 1.0f / std::sqrt(nrm[l]) : 0.0f;
    for (index_t i = 0; i < c; ++i)
      for (index_t l = 0; l < kLanes; ++l) {
        xr[i * kLanes + l] *= nrm[l];
        xi[i * kLanes + l] *= nrm[l];
      }
  };
  // w = m v, per lane.
  auto apply = [&](const LaneMatrix& m, const float* xr, const float* xi, float* yr, float* yi) {
    std::fill(yr, yr + c * kLanes, 0.0f);
    std::fill(yi, yi + c * kLanes, 0.0f);
    for (index_t i = 0; i < c; ++i)
      for (index_t k = 0; k < c; ++k) {
        const float* __restrict mr = &m.re[static_cast<std::size_t>((i * c + k) * kLanes)];
        const float* __restrict mi = &m.im[static_cast<std::size_t>((i * c + k) * kLanes)];
        for (index_t l = 0; l < kLanes; ++l) {
          yr[i * kLanes + l] += mr[l] * xr[k * kLanes + l] - mi[l] * xi[k * kLanes + l];
          yi[i * kLanes + l] += mr[l] * xi[k * kLanes + l] + mi[l] * xr[k * kLanes + l];
        }
      }
  };
  normalise(vre, vim);
  for (int s = 0; s < kPowerSteps; ++s) {
    apply(t1, vre, vim, wre.data(), wim.data());
    normalise(wre.data(), wim.data());
    std::copy(wre.begin(), wre.end(), vre);
    std::copy(wim.begin(), wim.end(), vim);
  }
  apply(a, vre, vim, wre.data(), wim.data());
  for (index_t l = 0; l < kLanes; ++l) lambda[l] = 0;
  for (index_t i = 0; i < c; ++i)
    for (index_t l = 0; l < kLanes; ++l)
      lambda[l] += vre[i * kLanes + l] * wre[static_cast<std::size_t>(i * kLanes + l)] +
                   vim[i * kLanes + l] * wim[static_cast<std::size_t>(i * kLanes + l)];
}

// Rayleigh-Ritz on span{v1, v2} of lane l: replaces (v1, v2) by the eigenvectors of A restricted
// to that plane, ordered by eigenvalue (lam1 >= lam2), orthonormal.
void rayleigh_ritz_pair(const LaneMatrix& a, index_t c, index_t l, std::vector<float>* vre,
                        std::vector<float>* vim, float& lam1, float& lam2) {
  using cd = std::complex<double>;
  std::vector<cd> v1(static_cast<std::size_t>(c)), v2(v1.size()), av1(v1.size()), av2(v1.size());
  for (index_t i = 0; i < c; ++i) {
    v1[static_cast<std::size_t>(i)] = cd(vre[0][i * kLanes + l], vim[0][i * kLanes + l]);
    v2[static_cast<std::size_t>(i)] = cd(vre[1][i * kLanes + l], vim[1][i * kLanes + l]);
  }
  auto dot = [&](const std::vector<cd>& x, const std::vector<cd>& y) {
    cd acc{};
    for (index_t i = 0; i < c; ++i)
      acc += std::conj(x[static_cast<std::size_t>(i)]) * y[static_cast<std::size_t>(i)];
    return acc;
  };
  // Gram-Schmidt of v2 against v1; without two independent directions there is nothing to do.
  const cd proj = dot(v1, v2);
  for (index_t i = 0; i < c; ++i)
    v2[static_cast<std::size_t>(i)] -= proj * v1[static_cast<std::size_t>(i)];
  const double n1 = std::sqrt(dot(v1, v1).real()), n2 = std::sqrt(dot(v2, v2).real());
  if (!(n1 > 0.5) || !(n2 > 1e-3)) return;
  for (cd& x : v2) x /= n2;
  for (index_t i = 0; i < c; ++i) {
    cd s1{}, s2{};
    for (index_t k = 0; k < c; ++k) {
      const auto e = static_cast<std::size_t>((i * c + k) * kLanes + l);
      const cd aik(a.re[e], a.im[e]);
      s1 += aik * v1[static_cast<std::size_t>(k)];
      s2 += aik * v2[static_cast<std::size_t>(k)];
    }
    av1[static_cast<std::size_t>(i)] = s1;
    av2[static_cast<std::size_t>(i)] = s2;
  }
  const double t11 = dot(v1, av1).real(), t22 = dot(v2, av2).real();
  const cd t12 = dot(v1, av2);
  const double mean = 0.5 * (t11 + t22), half = 0.5 * (t11 - t22);
  const double r = std::sqrt(half * half + std::norm(t12));
  // Eigenvector (x1, x2) of [[t11, t12], [conj t12, t22]] for mean + r, in the form that stays
  // well defined as t12 -> 0 on either side of t11 = t22.
  cd x1, x2;
  if (half >= 0) {
    x1 = r + half;
    x2 = std::conj(t12);
  } else {
    x1 = t12;
    x2 = r - half;
  }
  const double nx = std::sqrt(std::norm(x1) + std::norm(x2));
  if (!(nx > 0)) return;
  x1 /= nx;
  x2 /= nx;
  const cd y1 = -std::conj(x2), y2 = std::conj(x1);
  for (index_t i = 0; i < c; ++i) {
    const cd u1 = x1 * v1[static_cast<std::size_t>(i)] + x2 * v2[static_cast<std::size_t>(i)];
    const cd u2 = y1 * v1[static_cast<std::size_t>(i)] + y2 * v2[static_cast<std::size_t>(i)];
    vre[0][i * kLanes + l] = static_cast<float>(u1.real());
    vim[0][i * kLanes + l] = static_cast<float>(u1.imag());
    vre[1][i * kLanes + l] = static_cast<float>(u2.real());
    vim[1][i * kLanes + l] = static_cast<float>(u2.imag());
  }
  lam1 = static_cast<float>(mean + r);
  lam2 = static_cast<float>(mean - r);
}

}  // namespace

Array<cfloat> espirit_maps(const Array<cfloat>& kspace, const EspiritOptions& options,
                           Array<float>* eigenvalues) {
  const Grid grid = kspace_grid(kspace);
  const index_t coils = kspace.dim(0);
  if (coils < 1 || grid.size() < 1)
    throw ShapeMismatch("k-space", "is empty: shape " + kspace.shape().str());
  validate(options, coils);

  Kernel kern;
  const std::array<index_t, 3> n{grid.nz, grid.ny, grid.nx};
  for (int a = 0; a < 3; ++a) kern.k[a] = n[a] == 1 ? 1 : options.kernel;

  const CalibrationRegion region = detail::find_calibration_region(kspace, options.calibration);
  for (int a = 0; a < 3; ++a)
    if (n[a] > 1 && region.size[a] < options.kernel + 1)
      throw InvalidInput(
          "k-space", "the fully sampled centre is only " + std::to_string(region.size[0]) + " x " +
                         std::to_string(region.size[1]) + " x " + std::to_string(region.size[2]) +
                         " (z x y x x); ESPIRiT with kernel " + std::to_string(options.kernel) +
                         " needs at least " + std::to_string(options.kernel + 1) +
                         " points along every axis of extent > 1");
  const Array<cfloat> calib = detail::extract_region(kspace, region);
  for (const cfloat v : calib.span())
    if (!std::isfinite(v.real()) || !std::isfinite(v.imag()))
      throw InvalidInput("k-space", "the calibration region holds a NaN or Inf");

  // Signal subspace of the patch covariance: eigenvalues sigma_i^2 with
  // sigma_i^2 / sigma_1^2 > threshold (BART: sigma_i / sigma_1 > sqrt(threshold)).
  const Eigen::MatrixXcf cov = patch_covariance(calib, kern);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcf> es(cov);
  const Eigen::VectorXf& ev = es.eigenvalues();  // ascending
  const index_t nrow = cov.rows();
  const float top = ev(nrow - 1);
  if (!(top > 0)) throw InvalidInput("k-space", "the calibration region holds no signal");
  index_t kept = 0;
  while (kept < nrow && ev(nrow - 1 - kept) / top > static_cast<float>(options.threshold)) ++kept;
  const Eigen::MatrixXcf basis = es.eigenvectors().rightCols(kept);

  const Array<cfloat> gram = image_gram(basis, kern, coils, grid);
  const std::vector<cdouble> u = detail::principal_coil_direction(calib);

  const index_t nmaps = options.maps;
  const index_t npix = grid.size();
  Array<cfloat> maps(Shape{nmaps, coils, grid.nz, grid.ny, grid.nx});
  Array<float> eig(Shape{nmaps, grid.nz, grid.ny, grid.nx});
  const index_t nblocks = (npix + kLanes - 1) / kLanes;
  const float crop = static_cast<float>(options.crop);
  parallel_for(
      0, nblocks,
      [&](index_t b) {
        const index_t p0 = b * kLanes;
        const index_t lanes = std::min(kLanes, npix - p0);
        LaneMatrix a(coils), t1(coils), t2(coils);
        for (index_t i = 0; i < coils; ++i)
          for (index_t j = i; j < coils; ++j) {
            const index_t pair = i * coils - i * (i - 1) / 2 + (j - i);
            const cfloat* src = gram.data() + pair * npix + p0;
            for (index_t l = 0; l < lanes; ++l) {
              const auto ij = static_cast<std::size_t>((i * coils + j) * kLanes + l);
              const auto ji = static_cast<std::size_t>((j * coils + i) * kLanes + l);
              a.re[ij] = src[l].real();
              a.im[ij] = src[l].imag();
              a.re[ji] = src[l].real();
              a.im[ji] = -src[l].imag();
            }
          }
        // vecs[m]: split eigenvector of map m over the lanes; lambda[m][lane] its eigenvalue.
        std::vector<float> vre[2], vim[2];
        float lambda[2][kLanes];
        for (index_t m = 0; m < nmaps; ++m) {
          vre[m].resize(static_cast<std::size_t>(coils * kLanes));
          vim[m].resize(static_cast<std::size_t>(coils * kLanes));
        }
        leading_eigenpair(a, coils, t1, t2, vre[0].data(), vim[0].data(), lambda[0]);
        if (nmaps == 2) {
          // Deflation: A - lambda1 v1 v1^H keeps the other eigenpairs of A; its leading
          // eigenvector completes the dominant 2-D subspace, in which a Rayleigh-Ritz step then
          // separates the pair even where lambda1 ~ lambda2 (power iteration cannot).
          LaneMatrix d = a;
          for (index_t i = 0; i < coils; ++i)
            for (index_t j = 0; j < coils; ++j)
              for (index_t l = 0; l < kLanes; ++l) {
                const float xr = vre[0][i * kLanes + l], xi = vim[0][i * kLanes + l];
                const float yr = vre[0][j * kLanes + l], yi = -vim[0][j * kLanes + l];
                const auto e = static_cast<std::size_t>((i * coils + j) * kLanes + l);
                d.re[e] -= lambda[0][l] * (xr * yr - xi * yi);
                d.im[e] -= lambda[0][l] * (xr * yi + xi * yr);
              }
          leading_eigenpair(d, coils, t1, t2, vre[1].data(), vim[1].data(), lambda[1]);
          for (index_t l = 0; l < lanes; ++l)
            rayleigh_ritz_pair(a, coils, l, vre, vim, lambda[0][l], lambda[1][l]);
        }
        for (index_t m = 0; m < nmaps; ++m)
          for (index_t l = 0; l < lanes; ++l) {
            const index_t pix = p0 + l;
            const float lam = std::max(0.0f, lambda[m][l]);
            eig.data()[m * npix + pix] = lam;
            cfloat* s = maps.data() + m * coils * npix + pix;
            if (lam <= crop) continue;  // BART crops where the eigenvalue is <= c
            for (index_t c = 0; c < coils; ++c)
              s[c * npix] = cfloat(vre[m][c * kLanes + l], vim[m][c * kLanes + l]);
            detail::align_phase(s, coils, npix, u);
          }
      },
      1);
  if (eigenvalues) *eigenvalues = std::move(eig);
  return maps;
}

}  // namespace tweed::mri

// The SENSE operator A = P F S (see sense.hpp for the model).
//
// Layout of the work: the forward and adjoint transform all coils as one batched centred FFT
// (the shared fft layer threads it by fixed chunks). The normal operator works coil by coil:
//
//   w_c = F^H P^2 F (sum_m S_{m,c} x_m),   z_m = sum_c conj(S_{m,c}) w_c.
//
// Two identities make it cheaper than adjoint(forward(x)):
//  1. The centred FFT is Fc = shift F ishift (circular shifts), so Fc^H P^2 Fc =
//     shift F^H diag(ishift(P^2)) F ishift. F^H D F is a circular convolution, which commutes
//     with circular shifts, hence Fc^H P^2 Fc = F^H diag(ishift(P^2)) F: the plain (uncentred)
//     FFT with an ifftshift-ed P^2, no modulation or rotation at all (any length, odd or even).
//  2. Along an axis where P does not vary (every readout point of a sampled line is sampled),
//     the transform pair along that axis commutes with P^2 and cancels (F_a^H F_a = I), so it is
//     skipped; a 1-D line mask needs 1-D FFTs along Y only, a fully sampled mask none at all.
// Which transforms run depends on the mask only, and each coil is transformed by the same call
// whatever the thread count, so results are bit-identical for any number of threads; threads
// take whole coils when there are at least as many coils as threads, otherwise the FFT of each
// coil is threaded by the fft layer itself. The coil sum is a separate pass over pixels that adds
// the coils in index order.
#include "tweed/mri/sense.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::mri {

namespace {

constexpr const char* kName = "sense";

// The mask broadcast to the grid: `mask` may have the trailing axes of {nz, ny, nx}.
Array<float> broadcast_mask(const Array<float>& mask, const Grid& grid) {
  Array<float> out(grid.shape(), 1.0f);
  if (mask.empty()) return out;
  const Shape gs = grid.shape();
  const Shape& ms = mask.shape();
  if (ms.rank() < 1 || ms.rank() > 3)
    throw ShapeMismatch(kName, "mask has shape " + ms.str() +
                                   ", expected [z, y, x], [y, x] or [x]" + " of the grid " +
                                   grid.str());
  for (int a = 0; a < ms.rank(); ++a)
    if (ms[ms.rank() - 1 - a] != gs[2 - a])
      throw ShapeMismatch(kName, "mask has shape " + ms.str() + ", which does not match the grid " +
                                     grid.str() + " of the coil maps");
  for (index_t i = 0; i < mask.size(); ++i)
    if (!std::isfinite(mask[i]) || mask[i] < 0)
      throw InvalidInput(kName, "mask values must be finite and nonnegative, found " +
                                    std::to_string(mask[i]) + " at index " + std::to_string(i));
  const index_t n = mask.size();
  const index_t reps = grid.size() / n;
  for (index_t r = 0; r < reps; ++r) std::copy(mask.data(), mask.data() + n, out.data() + r * n);
  return out;
}

Shape image_shape(const Shape& maps) {
  return Shape{maps[0], maps[2], maps[3], maps[4]};
}
Shape kspace_shape(const Shape& maps) {
  return Shape{maps[1], maps[2], maps[3], maps[4]};
}

const Shape& checked_maps_shape(const Array<cfloat>& maps) {
  const Shape& s = maps.shape();
  if (s.rank() != 5)
    throw ShapeMismatch(kName, "coil maps must be [maps, coils, z, y, x], got shape " + s.str());
  for (int a = 0; a < 5; ++a)
    if (s[a] < 1) throw ShapeMismatch(kName, "coil maps have an empty axis: shape " + s.str());
  return s;
}

// The element-wise kernels below work on the interleaved float parts of complex<float>, which
// the compiler vectorises (std::complex products carry a NaN-recovery branch that it does not).
// Each handles the index range [lo, hi) of a block.

constexpr index_t kBlock = 8192;

// f(lo, hi) over blocks of kBlock elements of [0, n), in parallel (serially inside an active
// parallel region). Blocks are disjoint and each element is computed alone, so the result does
// not depend on the thread count.
template <class F>
void for_blocks(index_t n, F&& f) {
  const index_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(
      0, blocks, [&](index_t b) { f(b * kBlock, std::min(n, (b + 1) * kBlock)); }, 1);
}

// out[p] = sum_m S_{m,c}[p] x_m[p] for p in [lo, hi).
void combine_maps(const cfloat* maps, const cfloat* x, index_t nm, index_t nc, index_t c, index_t n,
                  index_t lo, index_t hi, cfloat* out) {
  float* o = reinterpret_cast<float*>(out);
  for (index_t m = 0; m < nm; ++m) {
    const float* sp = reinterpret_cast<const float*>(maps + (m * nc + c) * n);
    const float* xp = reinterpret_cast<const float*>(x + m * n);
    if (m == 0) {
      for (index_t p = lo; p < hi; ++p) {
        const float sr = sp[2 * p], si = sp[2 * p + 1], xr = xp[2 * p], xi = xp[2 * p + 1];
        o[2 * p] = sr * xr - si * xi;
        o[2 * p + 1] = sr * xi + si * xr;
      }
    } else {
      for (index_t p = lo; p < hi; ++p) {
        const float sr = sp[2 * p], si = sp[2 * p + 1], xr = xp[2 * p], xi = xp[2 * p + 1];
        o[2 * p] += sr * xr - si * xi;
        o[2 * p + 1] += sr * xi + si * xr;
      }
    }
  }
}

// w[p] *= r[p] for p in [lo, hi).
void scale_by_real(cfloat* w, const float* r, index_t lo, index_t hi) {
  float* o = reinterpret_cast<float*>(w);
  for (index_t p = lo; p < hi; ++p) {
    o[2 * p] *= r[p];
    o[2 * p + 1] *= r[p];
  }
}

// out[p] = y[p] r[p] for p in [lo, hi).
void copy_scaled_by_real(const cfloat* y, const float* r, index_t lo, index_t hi, cfloat* out) {
  const float* a = reinterpret_cast<const float*>(y);
  float* o = reinterpret_cast<float*>(out);
  for (index_t p = lo; p < hi; ++p) {
    o[2 * p] = a[2 * p] * r[p];
    o[2 * p + 1] = a[2 * p + 1] * r[p];
  }
}

// w[p] = conj(s[p]) w[p] for p in [lo, hi).
void conj_multiply(const cfloat* s, index_t lo, index_t hi, cfloat* w) {
  const float* sp = reinterpret_cast<const float*>(s);
  float* o = reinterpret_cast<float*>(w);
  for (index_t p = lo; p < hi; ++p) {
    const float sr = sp[2 * p], si = sp[2 * p + 1], wr = o[2 * p], wi = o[2 * p + 1];
    o[2 * p] = sr * wr + si * wi;
    o[2 * p + 1] = sr * wi - si * wr;
  }
}

// out[p] = sum_c conj(s_c[p]) w_c[p], coils added in index order, for p in [lo, hi); s and w hold
// nc arrays of n elements each.
void coil_sum(const cfloat* s, const cfloat* w, index_t nc, index_t n, index_t lo, index_t hi,
              cfloat* out) {
  float* o = reinterpret_cast<float*>(out);
  for (index_t p = lo; p < hi; ++p) o[2 * p] = o[2 * p + 1] = 0;
  for (index_t c = 0; c < nc; ++c) {
    const float* sp = reinterpret_cast<const float*>(s + c * n);
    const float* wp = reinterpret_cast<const float*>(w + c * n);
    for (index_t p = lo; p < hi; ++p) {
      const float sr = sp[2 * p], si = sp[2 * p + 1], wr = wp[2 * p], wi = wp[2 * p + 1];
      o[2 * p] += sr * wr + si * wi;
      o[2 * p + 1] += sr * wi - si * wr;
    }
  }
}

// out[p] = sum_c w_c[p], coils added in index order, for p in [lo, hi).
void plain_sum(const cfloat* w, index_t nc, index_t n, index_t lo, index_t hi, cfloat* out) {
  float* o = reinterpret_cast<float*>(out);
  const float* w0 = reinterpret_cast<const float*>(w);
  for (index_t q = 2 * lo; q < 2 * hi; ++q) o[q] = w0[q];
  for (index_t c = 1; c < nc; ++c) {
    const float* wp = reinterpret_cast<const float*>(w + c * n);
    for (index_t q = 2 * lo; q < 2 * hi; ++q) o[q] += wp[q];
  }
}

}  // namespace

struct SenseOperator::Impl {
  Array<cfloat> maps;  // [M, C, Z, Y, X]
  Array<float> mask;   // [Z, Y, X]
  Array<float> mask2;  // ifftshift(P^2) over the FFT axes, for the uncentred normal operator
  index_t m = 1, c = 1;
  Grid grid;
  std::vector<int> fft_axes_batch;  // spatial axes of a [C, Z, Y, X] array
  std::vector<int> fft_axes_coil;   // spatial axes of one coil [Z, Y, X]
  std::vector<int> normal_axes;     // the axes of fft_axes_coil along which P varies

  // Preallocated k-space-sized work arrays, handed out one per concurrent call.
  mutable std::mutex mutex;
  mutable std::vector<Array<cfloat>> pool;

  Array<cfloat> acquire() const {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!pool.empty()) {
        Array<cfloat> w = std::move(pool.back());
        pool.pop_back();
        return w;
      }
    }
    return Array<cfloat>(Shape{c, grid.nz, grid.ny, grid.nx}, uninitialized);
  }
  void release(Array<cfloat>&& w) const {
    std::lock_guard<std::mutex> lock(mutex);
    pool.push_back(std::move(w));
  }

  // Returns its work array to the pool when it goes out of scope (also on exceptions).
  class Lease {
   public:
    explicit Lease(const Impl& impl) : impl_(impl), w_(impl.acquire()) {}
    ~Lease() { impl_.release(std::move(w_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Array<cfloat>& get() { return w_; }

   private:
    const Impl& impl_;
    Array<cfloat> w_;
  };
};

std::shared_ptr<const SenseOperator> sense(const Array<cfloat>& maps, const Array<float>& mask) {
  return std::make_shared<const SenseOperator>(maps, mask);
}

SenseOperator::SenseOperator(const Array<cfloat>& maps, const Array<float>& mask)
    : LinearOperator<cfloat>(image_shape(checked_maps_shape(maps)), kspace_shape(maps.shape()),
                             kName),
      impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  for (index_t i = 0; i < maps.size(); ++i)
    if (!std::isfinite(maps[i].real()) || !std::isfinite(maps[i].imag()))
      throw InvalidInput(kName, "coil maps hold a non-finite value at index " + std::to_string(i));
  d.maps = maps;
  d.m = maps.dim(0);
  d.c = maps.dim(1);
  d.grid = maps_grid(maps);
  d.mask = broadcast_mask(mask, d.grid);

  // 2-D data (Z = 1) are transformed over Y, X; 3-D data over Z, Y, X.
  const bool three_d = d.grid.nz > 1;
  d.fft_axes_batch = three_d ? std::vector<int>{1, 2, 3} : std::vector<int>{2, 3};
  d.fft_axes_coil = three_d ? std::vector<int>{0, 1, 2} : std::vector<int>{1, 2};

  // P^2, ifftshift-ed so that index 0 is the DC of the uncentred FFT.
  d.mask2 = Array<float>(d.grid.shape(), uninitialized);
  for (index_t i = 0; i < d.mask.size(); ++i) d.mask2[i] = d.mask[i] * d.mask[i];
  fft::ifftshift(d.mask2, d.fft_axes_coil);

  // Axes along which P^2 varies: only those need the transform pair in the normal operator.
  const Shape gs = d.grid.shape();
  for (int a : d.fft_axes_coil) {
    index_t inner = 1;
    for (int b = a + 1; b < 3; ++b) inner *= gs[b];
    const index_t n = gs[a];
    bool varies = false;
    for (index_t i = 0; i < d.mask2.size() && !varies; ++i) {
      const index_t k = (i / inner) % n;
      if (k != 0 && d.mask2[i] != d.mask2[i - k * inner]) varies = true;
    }
    if (varies) d.normal_axes.push_back(a);
  }
}

SenseOperator::~SenseOperator() = default;

const Array<cfloat>& SenseOperator::maps() const {
  return impl_->maps;
}
const Array<float>& SenseOperator::mask() const {
  return impl_->mask;
}
index_t SenseOperator::coils() const {
  return impl_->c;
}
index_t SenseOperator::map_sets() const {
  return impl_->m;
}
Grid SenseOperator::grid() const {
  return impl_->grid;
}

void SenseOperator::forward_impl(const Array<cfloat>& x, Array<cfloat>& y) const {
  const Impl& d = *impl_;
  const index_t n = d.grid.size(), nc = d.c, nm = d.m;
  const cfloat* s = d.maps.data();
  cfloat* py = y.data();
  // y_c = sum_m S_{m,c} x_m
  for_blocks(nc * n, [&](index_t lo, index_t hi) {
    for (index_t c = lo / n; c <= (hi - 1) / n; ++c) {
      const index_t p0 = std::max(lo, c * n) - c * n, p1 = std::min(hi, (c + 1) * n) - c * n;
      combine_maps(s, x.data(), nm, nc, c, n, p0, p1, py + c * n);
    }
  });
  fft::transform(py, y.shape(), d.fft_axes_batch, fft::Direction::forward, fft::Norm::ortho, true);
  const float* pm = d.mask.data();
  for_blocks(nc * n, [&](index_t lo, index_t hi) {
    for (index_t c = lo / n; c <= (hi - 1) / n; ++c) {
      const index_t p0 = std::max(lo, c * n) - c * n, p1 = std::min(hi, (c + 1) * n) - c * n;
      scale_by_real(py + c * n, pm, p0, p1);
    }
  });
}

void SenseOperator::adjoint_impl(const Array<cfloat>& y, Array<cfloat>& x) const {
  const Impl& d = *impl_;
  const index_t n = d.grid.size(), nc = d.c, nm = d.m;
  Impl::Lease lease(d);
  Array<cfloat>& w = lease.get();
  const float* pm = d.mask.data();
  const cfloat* py = y.data();
  cfloat* pw = w.data();
  for_blocks(nc * n, [&](index_t lo, index_t hi) {
    for (index_t c = lo / n; c <= (hi - 1) / n; ++c) {
      const index_t p0 = std::max(lo, c * n) - c * n, p1 = std::min(hi, (c + 1) * n) - c * n;
      copy_scaled_by_real(py + c * n, pm, p0, p1, pw + c * n);
    }
  });
  fft::transform(pw, w.shape(), d.fft_axes_batch, fft::Direction::inverse, fft::Norm::ortho, true);
  // x_m = sum_c conj(S_{m,c}) w_c, coils added in index order.
  for (index_t m = 0; m < nm; ++m)
    for_blocks(n, [&](index_t lo, index_t hi) {
      coil_sum(d.maps.data() + m * nc * n, pw, nc, n, lo, hi, x.data() + m * n);
    });
}

void SenseOperator::normal_impl(const Array<cfloat>& x, Array<cfloat>& z) const {
  const Impl& d = *impl_;
  const index_t n = d.grid.size(), nc = d.c, nm = d.m;
  const Shape coil_shape = d.grid.shape();
  Impl::Lease lease(d);
  Array<cfloat>& w = lease.get();
  const cfloat* s = d.maps.data();
  const float* pm2 = d.mask2.data();
  cfloat* pw = w.data();
  const bool transform = !d.normal_axes.empty();

  // One coil: w_c = F^H P^2 F (sum_m S_{m,c} x_m), F uncentred (see the file comment), and for a
  // single set of maps also the product with conj(S_c), while the coil is in cache. FFTW's
  // unnormalised forward and its 1/N-scaled inverse make the pair unitary overall.
  auto coil = [&](index_t c) {
    cfloat* wc = pw + c * n;
    for_blocks(n, [&](index_t lo, index_t hi) {
      combine_maps(s, x.data(), nm, nc, c, n, lo, hi, wc);
      if (!transform) scale_by_real(wc, pm2, lo, hi);
    });
    if (transform) {
      fft::transform(wc, coil_shape, d.normal_axes, fft::Direction::forward, fft::Norm::backward);
      for_blocks(n, [&](index_t lo, index_t hi) { scale_by_real(wc, pm2, lo, hi); });
      fft::transform(wc, coil_shape, d.normal_axes, fft::Direction::inverse, fft::Norm::backward);
    }
    if (nm == 1)
      for_blocks(n, [&](index_t lo, index_t hi) { conj_multiply(s + c * n, lo, hi, wc); });
  };
  const int nt = num_threads();
  if (nt > 1 && nc >= nt) {
    // Whole coils per thread; the calls inside run on their thread (nested regions are inactive).
#pragma omp parallel for schedule(static) num_threads(nt)
    for (index_t c = 0; c < nc; ++c) coil(c);
  } else {
    for (index_t c = 0; c < nc; ++c) coil(c);
  }
  // z_m = sum_c conj(S_{m,c}) w_c (already multiplied for one set of maps), coils in index order.
  for (index_t m = 0; m < nm; ++m)
    for_blocks(n, [&](index_t lo, index_t hi) {
      if (nm == 1)
        plain_sum(pw, nc, n, lo, hi, z.data());
      else
        coil_sum(s + m * nc * n, pw, nc, n, lo, hi, z.data() + m * n);
    });
}

}  // namespace tweed::mri

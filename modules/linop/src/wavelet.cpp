#include "tweed/linop/wavelet.hpp"

#include <algorithm>
#include <cmath>

#include "axes.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::linop {
namespace {

std::vector<int> checked_axes(const Shape& shape, int levels, const std::vector<int>& axes) {
  std::vector<int> out = detail::normalize_axes(axes, shape.rank(), "wavelet");
  std::sort(out.begin(), out.end());
  if (levels < 1 || levels > 30)
    throw InvalidInput("wavelet", "levels must be in [1, 30], got " + std::to_string(levels));
  const index_t factor = index_t{1} << levels;
  for (int a : out)
    if (shape[a] < factor || shape[a] % factor != 0)
      throw InvalidInput("wavelet", "axis " + std::to_string(a) + " of " + shape.str() +
                                        " has extent " + std::to_string(shape[a]) +
                                        ", which is not a positive multiple of 2^" +
                                        std::to_string(levels) + " = " + std::to_string(factor) +
                                        " (needed for " + std::to_string(levels) + " levels)");
  return out;
}

// Lines are processed in batches of up to kBatch neighbours along the array's last axis (which is
// contiguous in memory when the transformed axis is another one): the batch is gathered into a
// buffer laid out [sample][line], so that the filter loops run over adjacent lines, vectorise, and
// each cache line of a strided axis is read once per batch rather than once per line.
constexpr index_t kBatch = 16;

// Analysis of `w` interleaved extended lines e[m * w + l] into coefficients cf[k * w + l]
// (approximations k < half, details after). A single line takes a plain scalar loop.
template <class T, class R>
void analyse(const T* e, T* cf, index_t half, index_t taps, index_t w, const R* ph, const R* pg) {
  if (w == 1) {
    for (index_t k = 0; k < half; ++k) {
      T a{0};
      T d{0};
      const T* in = e + 2 * k;
      for (index_t j = 0; j < taps; ++j) {
        a += ph[j] * in[j];
        d += pg[j] * in[j];
      }
      cf[k] = a;
      cf[half + k] = d;
    }
    return;
  }
  for (index_t k = 0; k < half; ++k) {
    T* a = cf + k * w;
    T* d = cf + (half + k) * w;
    for (index_t l = 0; l < w; ++l) a[l] = d[l] = T{0};
    for (index_t j = 0; j < taps; ++j) {
      const T* in = e + (2 * k + j) * w;
      const R hj = ph[j];
      const R gj = pg[j];
      for (index_t l = 0; l < w; ++l) {
        a[l] += hj * in[l];
        d[l] += gj * in[l];
      }
    }
  }
}

// The transpose of analyse: the extended lines e (zeroed here) receive every coefficient pair
// scattered back through the filters.
template <class T, class R>
void synthesise(const T* cf, T* e, index_t half, index_t taps, index_t w, const R* ph,
                const R* pg) {
  std::fill(e, e + (2 * half + taps - 1) * w, T{0});
  if (w == 1) {
    for (index_t k = 0; k < half; ++k) {
      const T a = cf[k];
      const T d = cf[half + k];
      T* out = e + 2 * k;
      for (index_t j = 0; j < taps; ++j) out[j] += ph[j] * a + pg[j] * d;
    }
    return;
  }
  for (index_t k = 0; k < half; ++k) {
    const T* a = cf + k * w;
    const T* d = cf + (half + k) * w;
    for (index_t j = 0; j < taps; ++j) {
      T* out = e + (2 * k + j) * w;
      const R hj = ph[j];
      const R gj = pg[j];
      for (index_t l = 0; l < w; ++l) out[l] += hj * a[l] + gj * d[l];
    }
  }
}

// One level of the periodised filter bank along one axis of the block `ext` (the leading sub-block
// of an array of full shape `shape`), in place. Batches are independent, so they are spread over
// threads in chunks that each own their scratch buffers; every output is computed by one fixed
// sequence of operations, so the result does not depend on the thread count.
template <Element T>
void transform_axis(T* data, const Shape& shape, const std::vector<index_t>& ext, int axis,
                    const WaveletFilter& filter, bool analysis) {
  using R = real_t<T>;
  const auto strides = shape.strides();
  const int rank = shape.rank();
  const int last = rank - 1;
  const index_t len = ext[static_cast<std::size_t>(axis)];
  const index_t half = len / 2;
  const index_t step = strides[static_cast<std::size_t>(axis)];
  const std::vector<R> h(filter.lowpass.begin(), filter.lowpass.end());
  const std::vector<R> g(filter.highpass.begin(), filter.highpass.end());
  const index_t taps = static_cast<index_t>(h.size());

  // Batch geometry: `width` lines side by side along the last axis (1 when that axis is the one
  // transformed), `blocks` batches per row of that axis, `groups` batches in all.
  const index_t row = axis == last ? 1 : ext[static_cast<std::size_t>(last)];
  const index_t max_width = axis == last ? 1 : std::min(kBatch, row);
  const index_t blocks = (row + max_width - 1) / max_width;
  index_t groups = blocks;
  for (int b = 0; b < rank; ++b)
    if (b != axis && b != last) groups *= ext[static_cast<std::size_t>(b)];

  // Periodic extension by taps - 1 samples turns the wrap-around into plain indexing, so the inner
  // loops carry no modulo.
  const index_t ext_len = len + taps - 1;
  const index_t per_chunk = std::max<index_t>(1, 4096 / (len * max_width));
  const index_t chunks = (groups + per_chunk - 1) / per_chunk;
  parallel_for(
      0, chunks,
      [&](index_t c) {
        std::vector<T> buf(static_cast<std::size_t>(ext_len * max_width));
        std::vector<T> coef(static_cast<std::size_t>(len * max_width));
        T* e = buf.data();
        T* cf = coef.data();
        const R* ph = h.data();
        const R* pg = g.data();
        const index_t q_end = std::min(groups, (c + 1) * per_chunk);
        for (index_t q = c * per_chunk; q < q_end; ++q) {
          // Offset of batch q: its block along the last axis, then the other axes, last fastest.
          const index_t first = (q % blocks) * max_width;
          const index_t w = std::min(max_width, row - first);
          index_t offset = axis == last ? 0 : first;
          index_t rest = q / blocks;
          for (int b = last; b >= 0; --b) {
            if (b == axis || (b == last && axis != last)) continue;
            const index_t eb = ext[static_cast<std::size_t>(b)];
            offset += (rest % eb) * strides[static_cast<std::size_t>(b)];
            rest /= eb;
          }
          T* base = data + offset;
          if (analysis) {
            for (index_t m = 0; m < len; ++m)
              for (index_t l = 0; l < w; ++l) e[m * w + l] = base[m * step + l];
            for (index_t m = len; m < ext_len; ++m)  // may wrap more than once when len < taps - 1
              for (index_t l = 0; l < w; ++l) e[m * w + l] = e[(m - len) * w + l];
            analyse(e, cf, half, taps, w, ph, pg);
            for (index_t m = 0; m < len; ++m)
              for (index_t l = 0; l < w; ++l) base[m * step + l] = cf[m * w + l];
          } else {
            // The transpose of the analysis: scatter each coefficient pair back through the filters
            // into the extended line, then fold the extension onto its periodic images (from the
            // top down, so that a sample wrapped twice is folded twice).
            for (index_t m = 0; m < len; ++m)
              for (index_t l = 0; l < w; ++l) cf[m * w + l] = base[m * step + l];
            synthesise(cf, e, half, taps, w, ph, pg);
            for (index_t m = ext_len - 1; m >= len; --m)
              for (index_t l = 0; l < w; ++l) e[(m - len) * w + l] += e[m * w + l];
            for (index_t m = 0; m < len; ++m)
              for (index_t l = 0; l < w; ++l) base[m * step + l] = e[m * w + l];
          }
        }
      },
      1);
}

// Extents of the block that level `level` transforms.
std::vector<index_t> block_at(const Shape& shape, const std::vector<int>& axes, int level) {
  std::vector<index_t> ext = shape.to_vector();
  for (int a : axes) ext[static_cast<std::size_t>(a)] >>= level;
  return ext;
}

}  // namespace

template <Element T>
Wavelet<T>::Wavelet(const Shape& shape, WaveletFilter filter, int levels, std::vector<int> axes)
    : LinearOperator<T>(shape, shape,
                        "wavelet(" + filter.name + ", levels=" + std::to_string(levels) + ")"),
      filter_(std::move(filter)),
      levels_(levels),
      axes_(checked_axes(shape, levels, axes)) {
  if (filter_.lowpass.empty() || filter_.lowpass.size() != filter_.highpass.size() ||
      filter_.lowpass.size() % 2 != 0)
    throw InvalidInput("wavelet", "filter '" + filter_.name +
                                      "' needs low- and high-pass filters of one even length");
  // The normal operator is a copy and the adjoint serves as the inverse only for an orthonormal
  // bank, so a hand-made filter must prove it: sum_j h[j] h[j+2m] = delta(m), g the mirror of h.
  const auto& h = filter_.lowpass;
  const std::size_t len = h.size();
  for (std::size_t shift = 0; shift < len; shift += 2) {
    double s = 0;
    for (std::size_t j = 0; j + shift < len; ++j) s += h[j] * h[j + shift];
    if (std::abs(s - (shift == 0 ? 1.0 : 0.0)) > 1e-10)
      throw InvalidInput("wavelet", "filter '" + filter_.name + "' is not orthonormal");
  }
  for (std::size_t j = 0; j < len; ++j)
    if (std::abs(filter_.highpass[j] - (j % 2 == 0 ? 1.0 : -1.0) * h[len - 1 - j]) > 1e-12)
      throw InvalidInput("wavelet", "high-pass of filter '" + filter_.name +
                                        "' is not the quadrature mirror of its low-pass");
}

template <Element T>
Shape Wavelet<T>::coarse_shape() const {
  return Shape(block_at(this->domain(), axes_, levels_));
}

template <Element T>
void Wavelet<T>::forward_impl(const Array<T>& x, Array<T>& y) const {
  tweed::copy(x, y);
  for (int l = 0; l < levels_; ++l) {
    const auto ext = block_at(y.shape(), axes_, l);
    for (int a : axes_) transform_axis(y.data(), y.shape(), ext, a, filter_, true);
  }
}

// The inverse (= adjoint, the transform being orthogonal): every step undone in reverse order.
template <Element T>
void Wavelet<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  tweed::copy(y, x);
  for (int l = levels_ - 1; l >= 0; --l) {
    const auto ext = block_at(x.shape(), axes_, l);
    for (auto a = axes_.rbegin(); a != axes_.rend(); ++a)
      transform_axis(x.data(), x.shape(), ext, *a, filter_, false);
  }
}

// W^H W = I.
template <Element T>
void Wavelet<T>::normal_impl(const Array<T>& x, Array<T>& z) const {
  tweed::copy(x, z);
}

#define TWEED_INSTANTIATE(T) template class Wavelet<T>;
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop

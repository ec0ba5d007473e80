#include "tweed/ct/fbp.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/ct/conjugate.hpp"

namespace tweed::ct {

namespace {

constexpr double kPi = std::numbers::pi;
// Image rows per backprojection task (fixed, so results do not depend on the thread count).
constexpr index_t kBackprojectRows = 16;

index_t padded_length(index_t n) {
  index_t p = 1;
  while (p < 2 * n) p *= 2;
  return std::max<index_t>(p, 2);
}

double window(Filter f, double w, double d) {
  if (w > kPi * d) return 0.0;
  switch (f) {
    case Filter::ram_lak:
      return 1.0;
    case Filter::shepp_logan: {
      const double a = w / (2 * d);
      return a == 0 ? 1.0 : std::sin(a) / a;
    }
    case Filter::cosine:
      return std::cos(w / (2 * d));
    case Filter::hamming:
      return 0.54 + 0.46 * std::cos(w / d);
    case Filter::hann:
      return 0.5 * (1 + std::cos(w / d));
  }
  return 1.0;
}

// Splits [slices, views, detectors] / [views, detectors] into (slices, per-slice shape).
index_t sinogram_slices(const Array<float>& sino, const Geometry& g, const char* what) {
  const Shape one = g.sinogram_shape();
  if (sino.shape() == one) return 1;
  if (sino.rank() == 3 && sino.shape().drop_front() == one) return sino.dim(0);
  throw ShapeMismatch(what, "sinogram has shape " + sino.shape().str() + ", the geometry needs " +
                                one.str() + " or [slices, " + std::to_string(g.views) + ", " +
                                std::to_string(g.detectors) + "]");
}

void check_geometry(const Geometry& g) {
  g.validate();
  if (g.angular_range > 2 * kPi * (1 + 1e-9))
    throw Unsupported("fbp", "angular ranges beyond 2 pi are not supported");
  const double needed = kPi + 2 * g.half_fan_angle();
  // A half-open range of pi (views at 0 .. pi - step) counts as pi.
  if (!g.full_scan() && g.angular_range < needed - 1e-9)
    throw InvalidInput("fbp", "angular range " + std::to_string(g.angular_range) +
                                  " rad is shorter than pi + fan angle = " +
                                  std::to_string(needed) + " rad: not enough data");
}

double parker(double b, double gamma, double delta) {
  if (b < 2 * (delta - gamma)) {
    const double a = 0.25 * kPi * b / (delta - gamma);
    return std::sin(a) * std::sin(a);
  }
  if (b < kPi - 2 * gamma) return 1.0;
  const double a = 0.25 * kPi * (kPi + 2 * delta - b) / (delta + gamma);
  return std::sin(a) * std::sin(a);
}

}  // namespace

std::string to_string(Filter f) {
  switch (f) {
    case Filter::ram_lak:
      return "ram-lak";
    case Filter::shepp_logan:
      return "shepp-logan";
    case Filter::cosine:
      return "cosine";
    case Filter::hamming:
      return "hamming";
    case Filter::hann:
      return "hann";
  }
  return "?";
}

Filter parse_filter(const std::string& name) {
  if (name == "ram-lak" || name == "ramp") return Filter::ram_lak;
  if (name == "shepp-logan") return Filter::shepp_logan;
  if (name == "cosine") return Filter::cosine;
  if (name == "hamming") return Filter::hamming;
  if (name == "hann") return Filter::hann;
  throw InvalidInput("filter", "unknown filter '" + name +
                                   "' (expected ram-lak, shepp-logan, cosine, hamming or hann)");
}

std::vector<double> filter_response(index_t padded, const FbpOptions& options, double fan_spacing) {
  if (padded < 2 || padded % 2 != 0)
    throw InvalidInput("filter", "padded length must be even and >= 2");
  if (!(options.cutoff > 0 && options.cutoff <= 1))
    throw InvalidInput("cutoff", "must be in (0, 1], got " + std::to_string(options.cutoff));
  // Spatial Ram-Lak kernel on the circle of `padded` samples (index n and padded - n are +-n).
  Array<double> h(Shape{padded});
  for (index_t k = 0; k < padded; ++k) {
    const index_t n = k <= padded / 2 ? k : k - padded;
    double v = 0;
    if (n == 0)
      v = 0.25;
    else if (n % 2 != 0)
      v = -1.0 / (kPi * kPi * double(n) * double(n));
    if (fan_spacing > 0 && n != 0) {
      const double a = double(n) * fan_spacing;
      // Only lags shorter than the detector are ever used; beyond pi sin() would vanish.
      v = std::abs(a) < 0.99 * kPi ? v * (a / std::sin(a)) * (a / std::sin(a)) : 0.0;
    }
    h[k] = v;
  }
  const Array<std::complex<double>> hf = fft::rfft(h, 1, fft::Norm::backward);
  std::vector<double> out(static_cast<std::size_t>(padded / 2 + 1));
  for (index_t k = 0; k <= padded / 2; ++k) {
    const double w = 2 * kPi * double(k) / double(padded);
    out[static_cast<std::size_t>(k)] = hf[k].real() * window(options.filter, w, options.cutoff);
  }
  return out;
}

Array<float> redundancy_weights(const Geometry& g) {
  check_geometry(g);
  Array<float> w(g.sinogram_shape());
  if (g.full_scan()) {
    std::fill(w.begin(), w.end(), 0.5f);
    return w;
  }
  const double delta = 0.5 * (g.angular_range - kPi);
  for (index_t i = 0; i < g.views; ++i) {
    const double b = g.view_angle(i) - g.start_angle;
    for (index_t j = 0; j < g.detectors; ++j) {
      const double gamma = g.beam == Beam::fan ? g.bin_position(j) : 0.0;
      w(i, j) = static_cast<float>(delta <= 0 ? 1.0 : parker(b, gamma, delta));
    }
  }
  return w;
}

namespace {

// Step 2 for `rows` detector rows of n = g.detectors bins: `weighted(q, dst)` writes row q's
// weighted values (step 1) into dst[0, n); the rows are zero-padded to padded_length(n),
// filtered by FFT convolution and returned as [rows, n].
template <class Weighted>
Array<float> filter_rows(index_t rows, const Geometry& g, const FbpOptions& options,
                         Weighted&& weighted) {
  const index_t n = g.detectors, p = padded_length(n);
  const bool fan = g.beam == Beam::fan;
  const std::vector<double> resp = filter_response(p, options, fan ? g.detector_spacing : 0.0);
  Array<float> padded(Shape{rows, p});
  parallel_for(
      0, rows, [&](index_t q) { weighted(q, padded.data() + q * p); }, 16);
  Array<std::complex<float>> spec = fft::rfft(padded, 1, fft::Norm::backward);
  const index_t nf = p / 2 + 1;
  const double inv_spacing = 1.0 / g.detector_spacing;
  std::vector<float> gain(static_cast<std::size_t>(nf));
  for (index_t k = 0; k < nf; ++k)
    gain[static_cast<std::size_t>(k)] =
        static_cast<float>(resp[static_cast<std::size_t>(k)] * inv_spacing);
  parallel_for(
      0, rows,
      [&](index_t q) {
        std::complex<float>* s = spec.data() + q * nf;
        for (index_t k = 0; k < nf; ++k) s[k] *= gain[static_cast<std::size_t>(k)];
      },
      16);
  const Array<float> conv = fft::irfft(spec, p, 1, fft::Norm::backward);
  Array<float> out(Shape{rows, n}, uninitialized);
  parallel_for(
      0, rows, [&](index_t q) { std::copy_n(conv.data() + q * p, n, out.data() + q * n); }, 16);
  return out;
}

}  // namespace

Array<float> filter_sinogram(const Array<float>& sinogram, const Geometry& g,
                             const FbpOptions& options) {
  check_geometry(g);
  const index_t slices = sinogram_slices(sinogram, g, "fbp");
  const index_t m = g.views, n = g.detectors;
  const bool fan = g.beam == Beam::fan;
  const Array<float> w = redundancy_weights(g);
  std::vector<float> pre(static_cast<std::size_t>(n), 1.0f);
  if (fan)
    for (index_t j = 0; j < n; ++j)
      pre[static_cast<std::size_t>(j)] =
          static_cast<float>(g.source_distance * std::cos(g.bin_position(j)));
  const float* src = sinogram.data();
  Array<float> out = filter_rows(slices * m, g, options, [&](index_t q, float* dst) {
    const index_t i = q % m;
    for (index_t j = 0; j < n; ++j)
      dst[j] = src[q * n + j] * w(i, j) * pre[static_cast<std::size_t>(j)];
  });
  out.reshape(sinogram.shape());
  return out;
}

namespace {

// Layout of a view's interpolation tables: pv = the filtered projection with one zero before
// and two after, so that a position clamped to [0, n + 1] (bins, shifted by one) interpolates
// without bound checks and reads zero off the detector; dv = its forward differences, so that an
// interpolation reads both tables at the same index; kTableSlack zeros after both for the vector
// loads, which read up to 32 floats past an index.
constexpr index_t kTableSlack = 32;
index_t table_stride(index_t n) {
  return n + 3 + kTableSlack;
}

// One image row's share of one parallel view: a[c] += q(t(c)), linearly interpolated, for
// columns [c0, c1). t(c) + 1 = t1 + base[c] (t1 = t(0) + 1, base[c] = c dt, dt the detector
// step per column, all in bins), clamped to [0, t_hi = n + 1]: with j = floor, f = t + 1 - j,
// q = pv[j] + f dv[j].
inline void backproject_row(float* a, index_t c0, index_t c1, const float* pv, const float* dv,
                            const float* base, float t1, float t_hi) {
  for (index_t c = c0; c < c1; ++c) {
    const float t = std::min(std::max(t1 + base[c], 0.0f), t_hi);
    const auto j = static_cast<int>(t);
    const float f = t - float(j);
    a[c] += pv[j] + f * dv[j];
  }
}

// The same arithmetic, 8 columns at a time (no FMA, so the results equal the scalar loop's bit
// for bit). The 8 columns' detector indices j are monotone and, for |dt| <= 2 (pixels up to
// twice the bin spacing), within 15 of the smallest: then two contiguous loads per table and
// in-register permutes read pv[j] and dv[j] (AVX2: two one-table permutes and a blend; AVX-512VL:
// one two-table permute), else gathers, which are slow on many CPUs.
#define TWEED_CT_BACKPROJECT_ROW_BODY(SELECT)                                                 \
  const __m256 vt1 = _mm256_set1_ps(t1), lo = _mm256_setzero_ps(), hi = _mm256_set1_ps(t_hi); \
  index_t c = c_start;                                                                        \
  for (; c + 8 <= cols; c += 8) {                                                             \
    const __m256 t =                                                                          \
        _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(vt1, _mm256_loadu_ps(base + c)), lo), hi);  \
    const __m256i j = _mm256_cvttps_epi32(t);                                                 \
    const __m256 f = _mm256_sub_ps(t, _mm256_cvtepi32_ps(j));                                 \
    const int j0 = _mm256_cvtsi256_si32(j), j7 = _mm256_extract_epi32(j, 7);                  \
    const int first = std::min(j0, j7);                                                       \
    __m256 v, d;                                                                              \
    if (std::max(j0, j7) - first <= 15) {                                                     \
      const __m256i rel = _mm256_sub_epi32(j, _mm256_set1_epi32(first));                      \
      SELECT                                                                                  \
    } else {                                                                                  \
      v = _mm256_i32gather_ps(pv, j, 4);                                                      \
      d = _mm256_i32gather_ps(dv, j, 4);                                                      \
    }                                                                                         \
    _mm256_storeu_ps(                                                                         \
        a + c, _mm256_add_ps(_mm256_loadu_ps(a + c), _mm256_add_ps(v, _mm256_mul_ps(f, d)))); \
  }                                                                                           \
  backproject_row(a, c, cols, pv, dv, base, t1, t_hi);

__attribute__((target("avx2"))) void backproject_row_avx2(float* a, index_t cols, const float* pv,
                                                          const float* dv, const float* base,
                                                          float t1, float t_hi) {
  const index_t c_start = 0;
  TWEED_CT_BACKPROJECT_ROW_BODY(
      const __m256 high = _mm256_castsi256_ps(_mm256_slli_epi32(rel, 28)); /* rel >= 8 */
      v = _mm256_blendv_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(pv + first), rel),
                           _mm256_permutevar8x32_ps(_mm256_loadu_ps(pv + first + 8), rel), high);
      d = _mm256_blendv_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(dv + first), rel),
                           _mm256_permutevar8x32_ps(_mm256_loadu_ps(dv + first + 8), rel), high);)
}

// GCC 12 warns, wrongly, that the AVX-512 intrinsics' internal _mm512_undefined_ps() "may be
// used uninitialized" (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx2,avx512f,avx512vl"))) void backproject_row_avx512(float* a, index_t cols,
                                                                             const float* pv,
                                                                             const float* dv,
                                                                             const float* base,
                                                                             float t1, float t_hi) {
  // 16 columns at a time first: indices within 31 of the smallest (|dt| <= 2) come from two
  // 16-float loads per table and one two-table permute; then 8 at a time, then scalar.
  index_t c_start = 0;
  {
    const __m512 vt1 = _mm512_set1_ps(t1), lo = _mm512_setzero_ps(), hi = _mm512_set1_ps(t_hi);
    for (; c_start + 16 <= cols; c_start += 16) {
      const index_t c = c_start;
      const __m512 t =
          _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(vt1, _mm512_loadu_ps(base + c)), lo), hi);
      const __m512i j = _mm512_cvttps_epi32(t);
      const __m512 f = _mm512_sub_ps(t, _mm512_cvtepi32_ps(j));
      const int j0 = _mm_cvtsi128_si32(_mm512_castsi512_si128(j));
      const int j15 = _mm_extract_epi32(_mm512_extracti32x4_epi32(j, 3), 3);
      const int first = std::min(j0, j15);
      __m512 v, d;
      if (std::max(j0, j15) - first <= 31) {
        const __m512i rel = _mm512_sub_epi32(j, _mm512_set1_epi32(first));
        v = _mm512_permutex2var_ps(_mm512_loadu_ps(pv + first), rel,
                                   _mm512_loadu_ps(pv + first + 16));
        d = _mm512_permutex2var_ps(_mm512_loadu_ps(dv + first), rel,
                                   _mm512_loadu_ps(dv + first + 16));
      } else {
        v = _mm512_i32gather_ps(j, pv, 4);
        d = _mm512_i32gather_ps(j, dv, 4);
      }
      _mm512_storeu_ps(
          a + c, _mm512_add_ps(_mm512_loadu_ps(a + c), _mm512_add_ps(v, _mm512_mul_ps(f, d))));
    }
  }
  TWEED_CT_BACKPROJECT_ROW_BODY(
      v = _mm256_permutex2var_ps(_mm256_loadu_ps(pv + first), rel, _mm256_loadu_ps(pv + first + 8));
      d = _mm256_permutex2var_ps(_mm256_loadu_ps(dv + first), rel,
                                 _mm256_loadu_ps(dv + first + 8));)
}
#pragma GCC diagnostic pop
#undef TWEED_CT_BACKPROJECT_ROW_BODY

// The widest of the kernels above that this CPU runs: 2 AVX-512VL, 1 AVX2, 0 scalar.
int simd_level() {
  static const int level = __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512f")
                               ? 2
                               : (__builtin_cpu_supports("avx2") ? 1 : 0);
  return level;
}

// The backprojection loop over `m` views of `g` (views may be fewer than g.views: see
// merge_conjugate_views) of `slices` filtered sinograms [slices, m, n] into `out`.
void backproject_views(const float* filtered, index_t slices, index_t m, const Geometry& g,
                       float* out) {
  const index_t n = g.detectors, rows = g.rows, cols = g.cols;
  const double cx = 0.5 * double(cols - 1), cy = 0.5 * double(rows - 1), ps = g.pixel_size;
  const double centre = double(n / 2) - g.detector_offset;
  const double inv_spacing = 1.0 / g.detector_spacing;
  std::vector<double> cs(static_cast<std::size_t>(m)), sn(static_cast<std::size_t>(m));
  for (index_t i = 0; i < m; ++i) {
    cs[static_cast<std::size_t>(i)] = std::cos(g.view_angle(i));
    sn[static_cast<std::size_t>(i)] = std::sin(g.view_angle(i));
  }
  const double dtheta = g.view_step();
  const bool fan = g.beam == Beam::fan;
  const double r_src = g.source_distance;
  // One slice at a time: every view's tables (pv, dv), built once and shared read-only by the
  // tasks, then the tasks: fixed blocks of image rows; within a task the views are the outer loop
  // and every pixel sums its views in order, so the image does not depend on the thread count.
  const index_t ts = table_stride(n);
  std::vector<float> pv_all(static_cast<std::size_t>(m * ts), 0.0f);
  std::vector<float> dv_all(pv_all.size(), 0.0f);
  const index_t blocks = (rows + kBackprojectRows - 1) / kBackprojectRows;
  const int simd = simd_level();
  std::vector<float> column(static_cast<std::size_t>(cols));  // float(c), for vectorised c dt
  for (index_t c = 0; c < cols; ++c) column[static_cast<std::size_t>(c)] = float(c);
  for (index_t s = 0; s < slices; ++s) {
    parallel_for(
        0, m,
        [&](index_t v) {
          float* pv = pv_all.data() + v * ts;
          float* dv = dv_all.data() + v * ts;
          std::copy_n(filtered + (s * m + v) * n, n, pv + 1);
          for (index_t j = 0; j < n + 2; ++j) dv[j] = pv[j + 1] - pv[j];
        },
        16);
    parallel_for(
        0, blocks,
        [&](index_t q) {
          const index_t r0 = q * kBackprojectRows;
          const index_t r1 = std::min(rows, r0 + kBackprojectRows), h = r1 - r0;
          std::vector<float> acc(static_cast<std::size_t>(h * cols), 0.0f);
          std::vector<float> base(static_cast<std::size_t>(cols));
          const auto t_hi = static_cast<float>(n + 1);
          for (index_t i = 0; i < m; ++i) {
            const double ci = cs[static_cast<std::size_t>(i)], si = sn[static_cast<std::size_t>(i)];
            const float* pv = pv_all.data() + i * ts;
            const float* dv = dv_all.data() + i * ts;
            if (!fan) {
              // t(c) = t(0) + c dt, linear along the row; the steps c dt are the same on every row.
              const auto dt = static_cast<float>(ps * ci * inv_spacing);
              for (index_t c = 0; c < cols; ++c)
                base[static_cast<std::size_t>(c)] = column[static_cast<std::size_t>(c)] * dt;
              for (index_t r = r0; r < r1; ++r) {
                const double y = (cy - double(r)) * ps;
                const auto t1 =
                    static_cast<float>(((-cx) * ps * ci + y * si) * inv_spacing + centre + 1.0);
                float* a = acc.data() + (r - r0) * cols;
                if (simd == 2)
                  backproject_row_avx512(a, cols, pv, dv, base.data(), t1, t_hi);
                else if (simd == 1)
                  backproject_row_avx2(a, cols, pv, dv, base.data(), t1, t_hi);
                else
                  backproject_row(a, 0, cols, pv, dv, base.data(), t1, t_hi);
              }
              continue;
            }
            for (index_t r = r0; r < r1; ++r) {
              const double y = (cy - double(r)) * ps;
              float* a = acc.data() + (r - r0) * cols;
              for (index_t c = 0; c < cols; ++c) {
                const double x = (double(c) - cx) * ps;
                const double along = x * ci + y * si;
                const double depth = r_src - (-x * si + y * ci);
                const double t =
                    std::clamp(std::atan2(along, depth) * inv_spacing + centre, -1.0, double(n)) +
                    1.0;
                const auto j = static_cast<index_t>(t);
                const double f = t - double(j);
                a[c] += static_cast<float>((pv[j] + f * dv[j]) / (along * along + depth * depth));
              }
            }
          }
          float* dst = out + s * rows * cols + r0 * cols;
          for (index_t k = 0; k < h * cols; ++k)
            dst[k] = static_cast<float>(double(acc[static_cast<std::size_t>(k)]) * dtheta);
        },
        1);
  }
}

// A parallel full scan with exact conjugates backprojects view i + M/2 at -s, which is view i's
// position mirrored about the partner bin: so the two views can be added first,
//   r_i(j) = q_i(j) + q_{i+M/2}(K - j)   (0 where K - j is off the detector; conjugate.hpp),
// and backprojected once - the same linear interpolation (the mirrored grid is the same grid),
// half the work.
Array<float> merge_conjugate_views(const Array<float>& q, index_t slices, const Geometry& g) {
  const index_t m = g.views, n = g.detectors, half = m / 2;
  const index_t k = 2 * (n / 2) - static_cast<index_t>(std::llround(2 * g.detector_offset));
  Array<float> out(Shape{slices, half, n}, uninitialized);
  parallel_for(
      0, slices * half,
      [&](index_t t) {
        const index_t s = t / half, i = t % half;
        const float* a = q.data() + (s * m + i) * n;
        const float* b = q.data() + (s * m + i + half) * n;
        float* o = out.data() + t * n;
        for (index_t j = 0; j < n; ++j) {
          const index_t jp = k - j;
          o[j] = a[j] + (jp >= 0 && jp < n ? b[jp] : 0.0f);
        }
      },
      16);
  return out;
}

}  // namespace

Array<float> backproject(const Array<float>& filtered, const Geometry& g) {
  g.validate();
  const index_t slices = sinogram_slices(filtered, g, "backproject");
  Shape out_shape =
      slices == 1 && filtered.rank() == 2 ? g.image_shape() : g.image_shape().prepend(slices);
  Array<float> out(out_shape, uninitialized);
  if (has_exact_conjugates(g)) {
    const Array<float> merged = merge_conjugate_views(filtered, slices, g);
    backproject_views(merged.data(), slices, g.views / 2, g, out.data());
  } else {
    backproject_views(filtered.data(), slices, g.views, g, out.data());
  }
  return out;
}

Array<float> fbp(const Array<float>& sinogram, const Geometry& geometry,
                 const FbpOptions& options) {
  const Geometry& g = geometry;
  check_geometry(g);
  const index_t n = g.detectors;
  // When the conjugate mirror j -> K - j maps the detector onto itself (K = n - 1), it commutes
  // with the filter (an even kernel, a linear convolution), and a full scan's redundancy weight
  // is 1/2 everywhere: so the conjugate views can be merged before the filtering,
  //   r_i = filter(1/2 (p_i + mirror p_{i+M/2})) = q_i + mirror q_{i+M/2},
  // which halves the FFT work too. Otherwise filter everything, then backproject.
  if (!has_exact_conjugates(g) ||
      2 * (n / 2) - static_cast<index_t>(std::llround(2 * g.detector_offset)) != n - 1)
    return backproject(filter_sinogram(sinogram, g, options), g);
  const index_t slices = sinogram_slices(sinogram, g, "fbp");
  const index_t m = g.views, half = m / 2;
  const float* src = sinogram.data();
  const Array<float> merged = filter_rows(slices * half, g, options, [&](index_t t, float* dst) {
    const index_t s = t / half, i = t % half;
    const float* a = src + (s * m + i) * n;
    const float* b = src + (s * m + i + half) * n;
    for (index_t j = 0; j < n; ++j) dst[j] = (a[j] + b[n - 1 - j]) * 0.5f;
  });
  Shape out_shape =
      slices == 1 && sinogram.rank() == 2 ? g.image_shape() : g.image_shape().prepend(slices);
  Array<float> out(out_shape, uninitialized);
  backproject_views(merged.data(), slices, half, g, out.data());
  return out;
}

}  // namespace tweed::ct

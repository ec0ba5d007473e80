#include "tweed/ct/projector.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tweed/core/parallel.hpp"

namespace tweed::ct {

namespace {

// Image rows per adjoint task.
constexpr index_t kAdjointRows = 16;
// Rays per forward vector group (one AVX2 register of floats).
constexpr index_t kLanes = 8;
// Zero pixels padded before (and after) every image line the forward reads, so that a sample
// position clamped to [-kPad, minor_len] needs no bound checks and reads zeros off the grid.
constexpr index_t kPad = 2;
// Zero floats after the last padded line: the vector kernels read up to 16 floats past an index.
constexpr index_t kSlack = 16;
// Margin (in units of t) by which the ray's major range is widened beyond -1 < t < minor_len, so
// that it contains every k whose float t lies inside despite float rounding (t = a + b k in float
// is off by less than 1e-3 on grids up to 8192 pixels).
constexpr double kRangeMargin = 1e-2;

// Joseph's sample of a ray at major index k: t = a + b k in float. Shared by the forward's scalar
// code and the adjoint, and done the same way by the vector kernels (no FMA: see the top), so that
// all see bit-identical weights.
inline float sample_t(float a, float b, index_t k) {
  return a + b * static_cast<float>(k);
}

// floor(t), exactly, for |t| < 2^24 (sample positions are within a few pixels of the grid), as
// the vector kernels' _mm256_floor_ps; without a libm call or SSE4.1.
inline float floor_float(float t) {
  const auto i = static_cast<float>(static_cast<std::int32_t>(t));
  return i > t ? i - 1.0f : i;
}

// What the rays of one direction (cos theta, sin theta) share: the major axis, the slope b
// (double and as float), the segment weight, and 1/sin or 1/cos for the intercepts.
struct Direction {
  bool by_column = true;
  double b = 0, inv = 0, weight = 0;
  float fb = 0;
  double inv_fb = 0;  // 1 / fb, 0 when |fb| < 1e-9
  double minor_len = 0;
  index_t major_len = 0;
};

Direction make_direction(double c, double sn, const Geometry& g) {
  Direction d;
  const double ps = g.pixel_size;
  d.by_column = std::abs(sn) >= std::abs(c);
  // Column-driven: row coordinate at column k, y = (s - x cos)/sin, r = cy - y / ps.
  // Row-driven: column coordinate at row k, x = (s - y sin)/cos, c = cx + x / ps.
  d.inv = 1.0 / (d.by_column ? sn : c);
  d.b = (d.by_column ? c : sn) * d.inv;
  d.weight = ps * std::abs(d.inv);
  d.minor_len = static_cast<double>(d.by_column ? g.rows : g.cols);
  d.major_len = d.by_column ? g.cols : g.rows;
  d.fb = static_cast<float>(d.b);
  d.inv_fb = std::abs(d.fb) < 1e-9f ? 0.0 : 1.0 / static_cast<double>(d.fb);
  return d;
}

// floor(x) for |x| < 2^62, without a libm call (baseline x86-64 has no rounding instruction).
inline index_t floor_index(double x) {
  const auto i = static_cast<index_t>(x);
  return static_cast<double>(i) > x ? i - 1 : i;
}

// The ray of direction `d` at detector coordinate s (mm).
Projector::Ray make_ray(const Direction& d, double s, const Geometry& g) {
  const double cx = 0.5 * static_cast<double>(g.cols - 1);
  const double cy = 0.5 * static_cast<double>(g.rows - 1);
  const double u = s * d.inv / g.pixel_size;
  Projector::Ray ray;
  ray.by_column = d.by_column;
  ray.a = static_cast<float>(d.by_column ? cy - u - cx * d.b : cx + u - cy * d.b);
  ray.b = d.fb;
  ray.weight = static_cast<float>(d.weight);
  // Samples matter only where -1 < t < minor_len; the range is widened by kRangeMargin in t and
  // one index either side, so it contains every k whose float t is inside (a superset is
  // harmless: the forward reads zeros there and the adjoint checks the bounds).
  const double fa = ray.a, major = static_cast<double>(d.major_len);
  if (d.inv_fb == 0.0) {
    const bool inside = fa > -1.0 - 0.5 && fa < d.minor_len + 0.5;
    ray.k_begin = 0;
    ray.k_end = inside ? d.major_len : 0;
  } else {
    double k0 = (-1.0 - kRangeMargin - fa) * d.inv_fb;
    double k1 = (d.minor_len + kRangeMargin - fa) * d.inv_fb;
    if (k0 > k1) std::swap(k0, k1);
    k0 = std::clamp(k0, -2.0, major + 2.0);
    k1 = std::clamp(k1, -2.0, major + 2.0);
    ray.k_begin = std::clamp<index_t>(floor_index(k0) - 1, 0, d.major_len);
    ray.k_end = std::clamp<index_t>(floor_index(k1) + 3, ray.k_begin, d.major_len);
  }
  return ray;
}

// Zero-padded image lines: `rows_pad` holds row r at [r * (cols + 2 kPad) + kPad, ...) for
// row-driven rays; `cols_pad` the transposed image, column c at [c * (rows + 2 kPad) + kPad, ...)
// for column-driven rays, so that both read along contiguous memory.
void pad_lines(const float* img, index_t rows, index_t cols, std::vector<float>& rows_pad,
               std::vector<float>& cols_pad) {
  const index_t rs = cols + 2 * kPad, cs = rows + 2 * kPad;
  rows_pad.assign(static_cast<std::size_t>(rows * rs + kSlack), 0.0f);
  cols_pad.assign(static_cast<std::size_t>(cols * cs + kSlack), 0.0f);
  for (index_t r = 0; r < rows; ++r)
    std::copy_n(img + r * cols, cols, rows_pad.data() + r * rs + kPad);
  // Transpose by tiles of 16 x 16 to keep both sides in cache.
  constexpr index_t kTile = 16;
  for (index_t r0 = 0; r0 < rows; r0 += kTile)
    for (index_t c0 = 0; c0 < cols; c0 += kTile)
      for (index_t c = c0; c < std::min(cols, c0 + kTile); ++c)
        for (index_t r = r0; r < std::min(rows, r0 + kTile); ++r)
          cols_pad[static_cast<std::size_t>(c * cs + kPad + r)] = img[r * cols + c];
}

// The padded lines one ray orientation reads: line k starts at data + k * stride + kPad, and a
// sample position is clamped to [-kPad, t_max] (t_max = minor_len).
struct Lines {
  const float* data;
  index_t stride;
  float t_max;
};

// Sum over k in [k0, k1) of one ray's interpolated samples (before the segment weight).
float ray_sum_scalar(const Lines& l, float a, float b, index_t k0, index_t k1) {
  float acc = 0.0f;
  for (index_t k = k0; k < k1; ++k) {
    const float t = std::min(std::max(sample_t(a, b, k), -float(kPad)), l.t_max);
    const float fl = floor_float(t);
    const float f = t - fl;
    const float* p = l.data + k * l.stride + kPad + static_cast<index_t>(fl);
    acc += (1.0f - f) * p[0] + f * p[1];
  }
  return acc;
}

// v0 = tab[idx], v1 = tab[idx + 1] for 8 lanes. Neighbouring rays sample nearby pixels of the
// same line, so when the lanes' indices lie within 15 of the smaller of the first and last lane's
// (always, for parallel rays up to 1.8 bins per pixel apart), two contiguous loads and in-register
// permutes replace the gathers, which are slow on many CPUs. `tab` must be readable 16 floats
// past every index.
__attribute__((target("avx2"))) inline void load_pairs_avx2(const float* tab, __m256i idx,
                                                            __m256& v0, __m256& v1) {
  const int i0 = _mm256_cvtsi256_si32(idx), i7 = _mm256_extract_epi32(idx, 7);
  const int base = std::min(i0, i7);
  const __m256i rel = _mm256_sub_epi32(idx, _mm256_set1_epi32(base));
  const __m256i bad = _mm256_or_si256(_mm256_cmpgt_epi32(rel, _mm256_set1_epi32(14)),
                                      _mm256_cmpgt_epi32(_mm256_setzero_si256(), rel));
  if (_mm256_testz_si256(bad, bad)) {
    const __m256 w0 = _mm256_loadu_ps(tab + base), w1 = _mm256_loadu_ps(tab + base + 8);
    const __m256i rel1 = _mm256_add_epi32(rel, _mm256_set1_epi32(1));
    // Bit 3 of the relative index (moved to the sign bit) picks the second window.
    v0 = _mm256_blendv_ps(_mm256_permutevar8x32_ps(w0, rel), _mm256_permutevar8x32_ps(w1, rel),
                          _mm256_castsi256_ps(_mm256_slli_epi32(rel, 28)));
    v1 = _mm256_blendv_ps(_mm256_permutevar8x32_ps(w0, rel1), _mm256_permutevar8x32_ps(w1, rel1),
                          _mm256_castsi256_ps(_mm256_slli_epi32(rel1, 28)));
  } else {
    v0 = _mm256_i32gather_ps(tab, idx, 4);
    v1 = _mm256_i32gather_ps(tab + 1, idx, 4);
  }
}

// The same with AVX-512VL's two-table permute.
__attribute__((target("avx2,avx512f,avx512vl"))) inline void load_pairs_avx512(const float* tab,
                                                                               __m256i idx,
                                                                               __m256& v0,
                                                                               __m256& v1) {
  const int i0 = _mm256_cvtsi256_si32(idx), i7 = _mm256_extract_epi32(idx, 7);
  const int base = std::min(i0, i7);
  const __m256i rel = _mm256_sub_epi32(idx, _mm256_set1_epi32(base));
  if (_mm256_cmp_epi32_mask(rel, _mm256_set1_epi32(14), _MM_CMPINT_LE) == 0xff &&
      _mm256_cmp_epi32_mask(rel, _mm256_setzero_si256(), _MM_CMPINT_GE) == 0xff) {
    const __m256 w0 = _mm256_loadu_ps(tab + base), w1 = _mm256_loadu_ps(tab + base + 8);
    v0 = _mm256_permutex2var_ps(w0, rel, w1);
    v1 = _mm256_permutex2var_ps(w0, _mm256_add_epi32(rel, _mm256_set1_epi32(1)), w1);
  } else {
    v0 = _mm256_i32gather_ps(tab, idx, 4);
    v1 = _mm256_i32gather_ps(tab + 1, idx, 4);
  }
}

// The same sums for kLanes rays at once, every lane over the union range [k0, k1): a lane's k
// outside its own range samples outside the grid (see make_ray), reads zeros and adds +-0, so
// each lane's result equals ray_sum_scalar over its own range.
#define TWEED_CT_RAY_SUMS_BODY(LOAD_PAIRS)                                                      \
  const __m256 va = _mm256_loadu_ps(a), vb = _mm256_loadu_ps(b);                                \
  const __m256 lo = _mm256_set1_ps(-float(kPad)), hi = _mm256_set1_ps(l.t_max);                 \
  const __m256 one = _mm256_set1_ps(1.0f);                                                      \
  __m256 acc = _mm256_setzero_ps();                                                             \
  for (index_t k = k0; k < k1; ++k) {                                                           \
    const __m256 t = _mm256_min_ps(                                                             \
        _mm256_max_ps(_mm256_add_ps(va, _mm256_mul_ps(vb, _mm256_set1_ps(float(k)))), lo), hi); \
    const __m256 fl = _mm256_floor_ps(t);                                                       \
    const __m256 f = _mm256_sub_ps(t, fl);                                                      \
    const __m256i idx = _mm256_add_epi32(                                                       \
        _mm256_cvtps_epi32(fl), _mm256_set1_epi32(static_cast<int>(k * l.stride + kPad)));      \
    __m256 v0, v1;                                                                              \
    LOAD_PAIRS(l.data, idx, v0, v1);                                                            \
    acc = _mm256_add_ps(                                                                        \
        acc, _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(one, f), v0), _mm256_mul_ps(f, v1)));    \
  }                                                                                             \
  _mm256_storeu_ps(out, acc);

__attribute__((target("avx2"))) void ray_sums_avx2(const Lines& l, const float* a, const float* b,
                                                   index_t k0, index_t k1, float* out) {
  TWEED_CT_RAY_SUMS_BODY(load_pairs_avx2)
}

__attribute__((target("avx2,avx512f,avx512vl"))) void ray_sums_avx512(const Lines& l,
                                                                      const float* a,
                                                                      const float* b, index_t k0,
                                                                      index_t k1, float* out) {
  TWEED_CT_RAY_SUMS_BODY(load_pairs_avx512)
}
#undef TWEED_CT_RAY_SUMS_BODY

// The widest of the kernels above that this CPU runs: 2 AVX-512VL, 1 AVX2, 0 scalar.
int simd_level() {
  static const int level = __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512f")
                               ? 2
                               : (__builtin_cpu_supports("avx2") ? 1 : 0);
  return level;
}

}  // namespace

Projector::Projector(const Geometry& geometry, index_t slices)
    : linop::LinearOperator<float>(
          slices == 1 ? geometry.image_shape() : geometry.image_shape().prepend(slices),
          slices == 1 ? geometry.sinogram_shape() : geometry.sinogram_shape().prepend(slices),
          "ct_projector"),
      geometry_(geometry),
      slices_(slices) {
  geometry_.validate();
  if (slices < 1) throw InvalidInput("ct_projector", "slices must be at least 1");
  const index_t m = geometry_.views, n = geometry_.detectors;
  const auto total = static_cast<std::size_t>(m * n);
  ray_a_.resize(total);
  ray_b_.resize(total);
  ray_w_.resize(total);
  ray_k0_.resize(total);
  ray_k1_.resize(total);
  ray_by_column_.resize(total);
  // Fan rays: theta = beta + gamma, by the angle-addition formulas from per-view and per-bin
  // sines and cosines (two trigonometric calls per view and per bin, not per ray).
  const bool fan = geometry_.beam == Beam::fan;
  std::vector<double> bin_pos(static_cast<std::size_t>(n)), bin_c(bin_pos.size()),
      bin_s(bin_pos.size());
  for (index_t j = 0; j < n; ++j) {
    const double pos = geometry_.bin_position(j);
    bin_pos[static_cast<std::size_t>(j)] = pos;
    bin_c[static_cast<std::size_t>(j)] = std::cos(pos);
    bin_s[static_cast<std::size_t>(j)] = std::sin(pos);
  }
  parallel_for(
      0, m,
      [&](index_t i) {
        const double angle = geometry_.view_angle(i);
        const double ca = std::cos(angle), sa = std::sin(angle);
        const Direction parallel = make_direction(ca, sa, geometry_);
        for (index_t j = 0; j < n; ++j) {
          const auto u = static_cast<std::size_t>(j);
          const Ray r = fan ? make_ray(make_direction(ca * bin_c[u] - sa * bin_s[u],
                                                      sa * bin_c[u] + ca * bin_s[u], geometry_),
                                       geometry_.source_distance * bin_s[u], geometry_)
                            : make_ray(parallel, bin_pos[u], geometry_);
          const auto q = static_cast<std::size_t>(i * n + j);
          ray_a_[q] = r.a;
          ray_b_[q] = r.b;
          ray_w_[q] = r.weight;
          ray_k0_[q] = static_cast<std::int32_t>(r.k_begin);
          ray_k1_[q] = static_cast<std::int32_t>(r.k_end);
          ray_by_column_[q] = r.by_column ? 1 : 0;
        }
      },
      8);
}

Projector::Ray Projector::ray(index_t view, index_t bin) const {
  const auto q = static_cast<std::size_t>(view * geometry_.detectors + bin);
  return Ray{ray_a_[q], ray_b_[q], ray_w_[q], ray_by_column_[q] != 0, ray_k0_[q], ray_k1_[q]};
}

void Projector::forward_slice(const float* img, float* sino) const {
  const index_t rows = geometry_.rows, cols = geometry_.cols;
  const index_t m = geometry_.views, n = geometry_.detectors;
  std::vector<float> rows_pad, cols_pad;
  pad_lines(img, rows, cols, rows_pad, cols_pad);
  const Lines by_row{rows_pad.data(), cols + 2 * kPad, static_cast<float>(cols)};
  const Lines by_col{cols_pad.data(), rows + 2 * kPad, static_cast<float>(rows)};
  const int simd = simd_level();
  // One task per view; within it groups of kLanes consecutive bins. Each ray's sum runs over k
  // in increasing order whatever the grouping, so the result does not depend on the threads.
  parallel_for(
      0, m,
      [&](index_t i) {
        const std::size_t base = static_cast<std::size_t>(i * n);
        for (index_t j0 = 0; j0 < n; j0 += kLanes) {
          const index_t lanes = std::min(kLanes, n - j0);
          const std::size_t q0 = base + static_cast<std::size_t>(j0);
          // The union of the lanes' ranges (rays that miss the grid, with empty ranges, read
          // only zeros anywhere and need not widen it).
          bool same = true;
          index_t k0 = std::numeric_limits<index_t>::max(), k1 = 0;
          for (index_t l = 0; l < lanes; ++l) {
            const std::size_t q = q0 + static_cast<std::size_t>(l);
            same = same && ray_by_column_[q] == ray_by_column_[q0];
            if (ray_k1_[q] <= ray_k0_[q]) continue;
            k0 = std::min<index_t>(k0, ray_k0_[q]);
            k1 = std::max<index_t>(k1, ray_k1_[q]);
          }
          if (simd > 0 && same && k1 > k0) {
            // Partial groups repeat their last ray in the unused lanes.
            alignas(32) float a[kLanes], b[kLanes], out[kLanes];
            for (index_t l = 0; l < kLanes; ++l) {
              const std::size_t q = q0 + static_cast<std::size_t>(std::min(l, lanes - 1));
              a[l] = ray_a_[q];
              b[l] = ray_b_[q];
            }
            const Lines& lines = ray_by_column_[q0] ? by_col : by_row;
            if (simd == 2)
              ray_sums_avx512(lines, a, b, k0, k1, out);
            else
              ray_sums_avx2(lines, a, b, k0, k1, out);
            for (index_t l = 0; l < lanes; ++l)
              sino[q0 + static_cast<std::size_t>(l)] =
                  ray_w_[q0 + static_cast<std::size_t>(l)] * out[l];
          } else {
            for (index_t l = 0; l < lanes; ++l) {
              const std::size_t q = q0 + static_cast<std::size_t>(l);
              sino[q] = ray_w_[q] * ray_sum_scalar(ray_by_column_[q] ? by_col : by_row, ray_a_[q],
                                                   ray_b_[q], ray_k0_[q], ray_k1_[q]);
            }
          }
        }
      },
      1);
}

void Projector::adjoint_rows(const float* sino, float* img, index_t r0, index_t r1) const {
  // Gather for the image rows [r0, r1): every ray of every view adds its weights on these rows,
  // in a fixed (view, bin, row/column) order, into a buffer that only this call writes. A
  // row-driven ray has one sample per row; a column-driven ray (|b| <= 1) reaches the block only
  // at the columns where its fractional row lies within [r0 - 1, r1). Blocks of rows (not single
  // rows) keep the ray table's memory traffic low.
  const index_t m = geometry_.views, n = geometry_.detectors, cols = geometry_.cols;
  const index_t h = r1 - r0;
  std::vector<double> acc(static_cast<std::size_t>(h * cols), 0.0);
  auto add = [&](index_t r, index_t c, double v) {
    acc[static_cast<std::size_t>((r - r0) * cols + c)] += v;
  };
  for (index_t i = 0; i < m; ++i) {
    const float* srow = sino + i * n;
    for (index_t j = 0; j < n; ++j) {
      const auto q = static_cast<std::size_t>(i * n + j);
      const float v = srow[j];
      if (v == 0.0f) continue;  // contributes nothing (exactly)
      const float a = ray_a_[q], b = ray_b_[q];
      const double wv = static_cast<double>(ray_w_[q]) * v;
      if (!ray_by_column_[q]) {
        const index_t ra = std::max<index_t>(r0, ray_k0_[q]),
                      rb = std::min<index_t>(r1, ray_k1_[q]);
        for (index_t r = ra; r < rb; ++r) {
          const float t = sample_t(a, b, r);
          const float fl = floor_float(t);
          const float f = t - fl;
          const auto lower = static_cast<index_t>(fl);
          if (lower >= 0 && lower < cols) add(r, lower, static_cast<double>(1.0f - f) * wv);
          if (lower + 1 >= 0 && lower + 1 < cols) add(r, lower + 1, static_cast<double>(f) * wv);
        }
        continue;
      }
      index_t c0 = ray_k0_[q], c1 = ray_k1_[q];
      if (std::abs(b) >= 1e-9f) {
        // Hits need r0 - 1 <= t(c) < r1; widened by kRangeMargin in t (float rounding of t) and
        // one column either side.
        const double inv_b = 1.0 / double(b);
        double lo = (double(r0) - 1.0 - kRangeMargin - double(a)) * inv_b;
        double hi = (double(r1) + kRangeMargin - double(a)) * inv_b;
        if (lo > hi) std::swap(lo, hi);
        c0 = std::max(c0, static_cast<index_t>(std::max(-1.0, std::ceil(lo) - 1.0)));
        c1 = std::min(c1, static_cast<index_t>(std::min(double(cols), std::floor(hi) + 2.0)));
      }
      for (index_t c = std::max<index_t>(c0, 0); c < c1; ++c) {
        const float t = sample_t(a, b, c);
        const float fl = floor_float(t);
        const float f = t - fl;
        const auto lower = static_cast<index_t>(fl);
        if (lower >= r0 && lower < r1) add(lower, c, static_cast<double>(1.0f - f) * wv);
        if (lower + 1 >= r0 && lower + 1 < r1) add(lower + 1, c, static_cast<double>(f) * wv);
      }
    }
  }
  for (index_t q = 0; q < h * cols; ++q)
    img[r0 * cols + q] = static_cast<float>(acc[static_cast<std::size_t>(q)]);
}

void Projector::forward_impl(const Array<float>& x, Array<float>& y) const {
  const index_t img = geometry_.rows * geometry_.cols;
  const index_t sino = geometry_.views * geometry_.detectors;
  for (index_t s = 0; s < slices_; ++s) forward_slice(x.data() + s * img, y.data() + s * sino);
}

void Projector::adjoint_impl(const Array<float>& y, Array<float>& x) const {
  const index_t img = geometry_.rows * geometry_.cols;
  const index_t sino = geometry_.views * geometry_.detectors;
  const index_t rows = geometry_.rows;
  // Blocks of kAdjointRows rows: fixed by the shape, never by the thread count.
  const index_t blocks = (rows + kAdjointRows - 1) / kAdjointRows;
  parallel_for(
      0, slices_ * blocks,
      [&](index_t q) {
        const index_t s = q / blocks, b = q % blocks;
        const index_t r0 = b * kAdjointRows, r1 = std::min(rows, r0 + kAdjointRows);
        adjoint_rows(y.data() + s * sino, x.data() + s * img, r0, r1);
      },
      1);
}

}  // namespace tweed::ct

#include "tweed/ct/projector.hpp"

#include <algorithm>
#include <cmath>

#include "tweed/core/parallel.hpp"

namespace tweed::ct {

namespace {

// Image rows per adjoint task.
constexpr index_t kAdjointRows = 16;

// Joseph's sample of a ray at major index k: the lower minor index and the interpolation weight
// of the upper one. Shared by the forward and the adjoint so both see bit-identical weights.
struct Sample {
  index_t lower;
  float frac;
};
inline Sample sample_at(const Projector::Ray& ray, index_t k) {
  const double t = ray.a + ray.b * static_cast<double>(k);
  const double fl = std::floor(t);
  return {static_cast<index_t>(fl), static_cast<float>(t - fl)};
}

Projector::Ray make_ray(double theta, double s, const Geometry& g) {
  const double cx = 0.5 * static_cast<double>(g.cols - 1);
  const double cy = 0.5 * static_cast<double>(g.rows - 1);
  const double ps = g.pixel_size;
  const double c = std::cos(theta), sn = std::sin(theta);
  Projector::Ray ray;
  double minor_len = 0;
  index_t major_len = 0;
  if (std::abs(sn) >= std::abs(c)) {
    // Row coordinate at column k: y = (s - x cos)/sin, r = cy - y / ps.
    ray.by_column = true;
    ray.b = c / sn;
    ray.a = cy - s / (ps * sn) - cx * ray.b;
    ray.weight = static_cast<float>(ps / std::abs(sn));
    minor_len = static_cast<double>(g.rows);
    major_len = g.cols;
  } else {
    // Column coordinate at row k: x = (s - y sin)/cos, c = cx + x / ps.
    ray.by_column = false;
    ray.b = sn / c;
    ray.a = cx + s / (ps * c) - cy * ray.b;
    ray.weight = static_cast<float>(ps / std::abs(c));
    minor_len = static_cast<double>(g.cols);
    major_len = g.rows;
  }
  ray.inv_b = std::abs(ray.b) >= 1e-12 ? 1.0 / ray.b : 0.0;
  // Samples matter only where -1 < t < minor_len; one index of slack either side (the loops
  // check the grid bounds anyway).
  if (std::abs(ray.b) < 1e-12) {
    const bool inside = ray.a > -1.0 && ray.a < minor_len;
    ray.k_begin = 0;
    ray.k_end = inside ? major_len : 0;
  } else {
    double k0 = (-1.0 - ray.a) / ray.b, k1 = (minor_len - ray.a) / ray.b;
    if (k0 > k1) std::swap(k0, k1);
    const double lo = std::max(0.0, std::floor(k0) - 1.0);
    const double hi = std::min(static_cast<double>(major_len), std::ceil(k1) + 2.0);
    ray.k_begin = static_cast<index_t>(lo);
    ray.k_end = std::max(ray.k_begin, static_cast<index_t>(hi));
  }
  return ray;
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
  rays_.resize(static_cast<std::size_t>(m * n));
  for (index_t i = 0; i < m; ++i) {
    const double angle = geometry_.view_angle(i);
    for (index_t j = 0; j < n; ++j) {
      const double pos = geometry_.bin_position(j);
      double theta = angle, s = pos;
      if (geometry_.beam == Beam::fan) {
        theta = angle + pos;
        s = geometry_.source_distance * std::sin(pos);
      }
      rays_[static_cast<std::size_t>(i * n + j)] = make_ray(theta, s, geometry_);
    }
  }
}

void Projector::forward_slice(const float* img, float* sino) const {
  const index_t rows = geometry_.rows, cols = geometry_.cols;
  const index_t n_rays = geometry_.views * geometry_.detectors;
  parallel_for(
      0, n_rays,
      [&](index_t q) {
        const Ray& ray = rays_[static_cast<std::size_t>(q)];
        float acc = 0.0f;
        if (ray.by_column) {
          for (index_t k = ray.k_begin; k < ray.k_end; ++k) {
            const Sample smp = sample_at(ray, k);
            if (smp.lower >= 0 && smp.lower < rows)
              acc += (1.0f - smp.frac) * img[smp.lower * cols + k];
            if (smp.lower + 1 >= 0 && smp.lower + 1 < rows)
              acc += smp.frac * img[(smp.lower + 1) * cols + k];
          }
        } else {
          for (index_t k = ray.k_begin; k < ray.k_end; ++k) {
            const Sample smp = sample_at(ray, k);
            const float* row = img + k * cols;
            if (smp.lower >= 0 && smp.lower < cols) acc += (1.0f - smp.frac) * row[smp.lower];
            if (smp.lower + 1 >= 0 && smp.lower + 1 < cols) acc += smp.frac * row[smp.lower + 1];
          }
        }
        sino[q] = ray.weight * acc;
      },
      64);
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
    const Ray* rays = rays_.data() + i * n;
    for (index_t j = 0; j < n; ++j) {
      const Ray& ray = rays[j];
      const float v = srow[j];
      if (v == 0.0f) continue;  // contributes nothing (exactly)
      const double wv = static_cast<double>(ray.weight) * v;
      if (!ray.by_column) {
        const index_t ra = std::max(r0, ray.k_begin), rb = std::min(r1, ray.k_end);
        for (index_t r = ra; r < rb; ++r) {
          const Sample smp = sample_at(ray, r);
          if (smp.lower >= 0 && smp.lower < cols)
            add(r, smp.lower, static_cast<double>(1.0f - smp.frac) * wv);
          if (smp.lower + 1 >= 0 && smp.lower + 1 < cols)
            add(r, smp.lower + 1, static_cast<double>(smp.frac) * wv);
        }
        continue;
      }
      index_t c0 = ray.k_begin, c1 = ray.k_end;
      if (ray.inv_b != 0.0) {
        // Hits need r0 - 1 <= t(c) < r1; one column of slack either side for rounding.
        double lo = (double(r0) - 1.0 - ray.a) * ray.inv_b, hi = (double(r1) - ray.a) * ray.inv_b;
        if (lo > hi) std::swap(lo, hi);
        c0 = std::max(c0, static_cast<index_t>(std::max(-1.0, std::ceil(lo) - 1.0)));
        c1 = std::min(c1, static_cast<index_t>(std::min(double(cols), std::floor(hi) + 2.0)));
      }
      for (index_t c = std::max<index_t>(c0, 0); c < c1; ++c) {
        const Sample smp = sample_at(ray, c);
        if (smp.lower >= r0 && smp.lower < r1)
          add(smp.lower, c, static_cast<double>(1.0f - smp.frac) * wv);
        if (smp.lower + 1 >= r0 && smp.lower + 1 < r1)
          add(smp.lower + 1, c, static_cast<double>(smp.frac) * wv);
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

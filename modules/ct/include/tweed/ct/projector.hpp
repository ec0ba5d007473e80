// The CT forward projector (Radon / fan-beam transform) as a linear operator, with its exactly
// matched adjoint.
//
// Forward model: Joseph's ray-driven method (Joseph 1982, IEEE TMI 1:192). Every ray (view i,
// bin j) of the geometry (geometry.hpp) is the line x cos(theta) + y sin(theta) = s. When the ray
// is closer to horizontal (|sin theta| >= |cos theta|) it is sampled once per image column c at
// the fractional row t(c) = a + b c, else once per row r at the fractional column t(r) = a + b r;
// each sample linearly interpolates the two pixels that straddle t (pixels off the grid count as
// zero) and is weighted by the length of the ray's segment across one column (row):
//     p_ij = pixel_size / max(|sin theta|, |cos theta|) * sum_k [(1 - f) x(floor t, k) + f x(floor
//     t + 1, k)],
// f = t - floor t. A pixel value mu in 1/mm thus gives dimensionless line integrals; a disc of
// radius rho has the analytic chord 2 sqrt(rho^2 - s^2) * mu.
//
// Adjoint: the transpose of those same weights, computed by blocks of 16 image rows: for row r,
// every ray adds its weights on that row - a row-driven ray has exactly one sample there, a
// column-driven ray (|b| <= 1) reaches it only at the few columns where its fractional row is
// within one of r - using the forward's own samples (same formula, same precision). Each row is
// accumulated (in double) by one task in a fixed order, with no writes shared between tasks, so
// the result is identical for any thread count, and <A x, y> = <x, A^T y> holds to rounding
// (linop::dot_test).
//
// Shapes: one slice, domain [rows, cols] and range [views, detectors]; a batch of `slices`
// slices (slices > 1), domain [slices, rows, cols] and range [slices, views, detectors], every
// slice projected with the same geometry. float32 data, double-precision geometry.
// Threads: forward parallel over rays, adjoint over image rows (tweed::parallel_for).
// Cost: both about views * detectors * max(rows, cols) samples.
// Memory: a table of 40 bytes per ray (views * detectors), built once.
#pragma once

#include <memory>
#include <vector>

#include "tweed/ct/geometry.hpp"
#include "tweed/linop/linear_operator.hpp"

namespace tweed::ct {

class Projector final : public linop::LinearOperator<float> {
 public:
  /// Validates the geometry (InvalidInput) and precomputes the ray table. slices >= 1.
  explicit Projector(const Geometry& geometry, index_t slices = 1);

  const Geometry& geometry() const { return geometry_; }
  index_t slices() const { return slices_; }

  /// The sampling of one ray (public for tests and the FBP backprojector's bookkeeping).
  struct Ray {
    double a = 0;  ///< t(k) = a + b k: fractional minor-axis index at major index k
    double b = 0;
    double inv_b = 0;       ///< 1 / b (0 when b is 0), for the adjoint's column ranges
    float weight = 0;       ///< segment length per major step, mm
    bool by_column = true;  ///< major axis: columns (true) or rows (false)
    index_t k_begin = 0;    ///< major indices whose sample can touch the grid: [k_begin, k_end)
    index_t k_end = 0;
  };
  const Ray& ray(index_t view, index_t bin) const {
    return rays_[static_cast<std::size_t>(view * geometry_.detectors + bin)];
  }

 protected:
  void forward_impl(const Array<float>& x, Array<float>& y) const override;
  void adjoint_impl(const Array<float>& y, Array<float>& x) const override;

 private:
  void forward_slice(const float* img, float* sino) const;
  void adjoint_rows(const float* sino, float* img, index_t r0, index_t r1) const;

  Geometry geometry_;
  index_t slices_;
  std::vector<Ray> rays_;
};

/// shared_ptr factory for solvers and combinators.
inline std::shared_ptr<const Projector> make_projector(const Geometry& geometry,
                                                       index_t slices = 1) {
  return std::make_shared<const Projector>(geometry, slices);
}

}  // namespace tweed::ct

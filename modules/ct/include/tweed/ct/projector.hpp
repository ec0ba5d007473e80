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
// radius rho has the analytic chord 2 sqrt(rho^2 - s^2) * mu. The ray's a and b are computed in
// double and rounded to float once; every sample evaluates t = a + b k in float (about 1e-4 of a
// pixel at worst on a 512 grid), identically in the forward and the adjoint, so both use the same
// weights bit for bit. The forward sums each ray's samples in increasing k, 8 neighbouring rays
// at a time with AVX2 (or AVX-512VL) code reading zero-padded copies of the image - transposed
// for column-driven rays, so that every read is along contiguous memory - or, without AVX2, the
// same arithmetic in scalar code (the same bits either way).
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
// Threads: forward parallel over views, adjoint over image rows (tweed::parallel_for).
// Cost: both about views * detectors * max(rows, cols) samples.
// Memory: a table of 21 bytes per ray (views * detectors), built once.
#pragma once

#include <cstdint>
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

  /// The sampling of one ray (public for tests).
  struct Ray {
    float a = 0;  ///< t(k) = a + b k (float): fractional minor-axis index at major index k
    float b = 0;
    float weight = 0;       ///< segment length per major step, mm
    bool by_column = true;  ///< major axis: columns (true) or rows (false)
    index_t k_begin = 0;    ///< contains every major index whose sample touches the grid:
    index_t k_end = 0;      ///< [k_begin, k_end)
  };
  Ray ray(index_t view, index_t bin) const;

 protected:
  void forward_impl(const Array<float>& x, Array<float>& y) const override;
  void adjoint_impl(const Array<float>& y, Array<float>& x) const override;

 private:
  void forward_slice(const float* img, float* sino) const;
  void adjoint_rows(const float* sino, float* img, index_t r0, index_t r1) const;

  Geometry geometry_;
  index_t slices_;
  // The ray table, one entry per (view, bin), structure of arrays for vector loads.
  std::vector<float> ray_a_, ray_b_, ray_w_;
  std::vector<std::int32_t> ray_k0_, ray_k1_;
  std::vector<std::uint8_t> ray_by_column_;
};

/// shared_ptr factory for solvers and combinators.
inline std::shared_ptr<const Projector> make_projector(const Geometry& geometry,
                                                       index_t slices = 1) {
  return std::make_shared<const Projector>(geometry, slices);
}

}  // namespace tweed::ct

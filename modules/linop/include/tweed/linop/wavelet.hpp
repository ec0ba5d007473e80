// Orthonormal discrete wavelet transform with periodic boundary, multi-level, over chosen axes.
//
// One level along one axis of extent n (even) maps a line x to n/2 approximation and n/2 detail
// coefficients, stored in place as [a | d]:
//   a[k] = sum_j h[j] x[(2k + j) mod n],   d[k] = sum_j g[j] x[(2k + j) mod n],   k < n/2.
// Periodisation keeps this matrix orthogonal for every even n (even when n < filter length), so
// W^H W = W W^H = I: the adjoint is the inverse transform, and the normal operator is a copy.
//
// Multi-dimensional, multi-level (the Mallat pyramid, separable): level l (0-based) transforms,
// along each chosen axis in turn, the block made of the first n_a / 2^l entries of every chosen
// axis a (and all entries of the other axes). After `levels` levels the coarse approximation sits
// in the block of extents n_a / 2^levels at the origin (coarse_shape()), and the details of level
// l fill the rest of the level-l block. This is the layout wavelet-l1 priors threshold.
//
// Shapes: domain = range = `shape`. Every chosen axis extent must be divisible by 2^levels and
// levels >= 1 (InvalidInput("wavelet", ...) naming the axis otherwise). Axes may be negative; empty
// means all axes. Real filters; T may be real or complex (complex data: real and imaginary parts
// transform independently).
// Threads: lines are transformed in parallel; no reductions, so any thread count gives the same
// result.
#pragma once

#include <memory>
#include <vector>

#include "tweed/linop/linear_operator.hpp"
#include "tweed/linop/wavelet_filter.hpp"

namespace tweed::linop {

template <Element T>
class Wavelet : public LinearOperator<T> {
 public:
  Wavelet(const Shape& shape, WaveletFilter filter, int levels, std::vector<int> axes = {});

  const WaveletFilter& filter() const { return filter_; }
  int levels() const { return levels_; }
  /// The transformed axes, non-negative and ascending.
  const std::vector<int>& axes() const { return axes_; }
  /// Extents of the coarsest approximation block (at the origin of the coefficient array).
  Shape coarse_shape() const;

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override;
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override;
  void normal_impl(const Array<T>& x, Array<T>& z) const override;

 private:
  WaveletFilter filter_;
  int levels_;
  std::vector<int> axes_;
};

template <Element T>
OperatorPtr<T> wavelet(const Shape& shape, WaveletFilter filter, int levels,
                       std::vector<int> axes = {}) {
  return std::make_shared<const Wavelet<T>>(shape, std::move(filter), levels, std::move(axes));
}

}  // namespace tweed::linop

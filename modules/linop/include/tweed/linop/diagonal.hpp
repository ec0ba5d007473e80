// Diagonal operator: element-wise multiplication by fixed weights, D x = w ⊙ x.
//
// Adjoint D^H y = conj(w) ⊙ y; normal D^H D x = |w|^2 ⊙ x. With 0/1 weights it is the sampling
// mask of compressed sensing (keep the sampled k-space points, zero the others).
//
// Shapes: domain = range = `shape`; the weights' shape must equal the trailing axes of `shape`
// (all of them, or fewer), and the weights repeat over the leading axes. So one {ny, nx} mask
// serves {coils, ny, nx} k-space without copies. A mismatch throws ShapeMismatch("diagonal", ...).
//
// Weights may be real for complex T (a real mask or density compensation); they are stored as T.
// The operator owns a copy of its weights.
#pragma once

#include <memory>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

template <Element T>
class Diagonal : public LinearOperator<T> {
 public:
  /// Weights over the whole domain (shape = weights.shape()).
  explicit Diagonal(Array<T> weights);
  /// Weights over the trailing axes of `shape`, repeated over the leading ones.
  Diagonal(Array<T> weights, const Shape& shape);
  /// Real weights for a complex operator.
  explicit Diagonal(const Array<real_t<T>>& weights) requires is_complex_v<T>;
  Diagonal(const Array<real_t<T>>& weights, const Shape& shape) requires is_complex_v<T>;

  const Array<T>& weights() const { return weights_; }

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override;
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override;
  void normal_impl(const Array<T>& x, Array<T>& z) const override;

 private:
  void init();

  Array<T> weights_;
  Array<real_t<T>> weights_abs2_;  // |w|^2, for the normal operator
};

template <Element T>
OperatorPtr<T> diagonal(Array<T> weights) {
  return std::make_shared<const Diagonal<T>>(std::move(weights));
}
template <Element T>
OperatorPtr<T> diagonal(Array<T> weights, const Shape& shape) {
  return std::make_shared<const Diagonal<T>>(std::move(weights), shape);
}
/// Real weights for complex T; name T: diagonal<cfloat>(mask, kspace_shape).
template <Element T>
requires is_complex_v<T> OperatorPtr<T> diagonal(const Array<real_t<T>>& weights,
                                                 const Shape& shape) {
  return std::make_shared<const Diagonal<T>>(weights, shape);
}

}  // namespace tweed::linop

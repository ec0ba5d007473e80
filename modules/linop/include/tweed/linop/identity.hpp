// Identity and reshape: the operators that move no numbers.
//
// Identity(shape): I x = x; adjoint and normal are I as well.
// Reshape(from, to): the identity on the row-major element sequence, seen with a new shape (e.g.
// {n*m} -> {n, m}, to adapt a flat stacked range to a consumer that wants an image). Requires
// from.size() == to.size() (ShapeMismatch otherwise). The adjoint reshapes back; the normal is I.
// Both copy their input (outputs never alias inputs through these operators).
#pragma once

#include <memory>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

template <Element T>
class Reshape : public LinearOperator<T> {
 public:
  Reshape(const Shape& from, const Shape& to);

 protected:
  Reshape(const Shape& from, const Shape& to, std::string name);

  void forward_impl(const Array<T>& x, Array<T>& y) const override;
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override;
  void normal_impl(const Array<T>& x, Array<T>& z) const override;
};

template <Element T>
class Identity : public Reshape<T> {
 public:
  explicit Identity(const Shape& shape);
};

template <Element T>
OperatorPtr<T> identity(const Shape& shape) {
  return std::make_shared<const Identity<T>>(shape);
}
template <Element T>
OperatorPtr<T> reshape(const Shape& from, const Shape& to) {
  return std::make_shared<const Reshape<T>>(from, to);
}

}  // namespace tweed::linop

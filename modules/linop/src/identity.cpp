#include "tweed/linop/identity.hpp"

#include "axes.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::linop {

template <Element T>
Reshape<T>::Reshape(const Shape& from, const Shape& to) : Reshape(from, to, "reshape") {}

template <Element T>
Reshape<T>::Reshape(const Shape& from, const Shape& to, std::string name)
    : LinearOperator<T>(from, to, std::move(name)) {
  if (from.size() != to.size())
    throw ShapeMismatch(this->name(), "cannot view " + from.str() + " (" +
                                          std::to_string(from.size()) + " elements) as " +
                                          to.str() + " (" + std::to_string(to.size()) + ")");
}

template <Element T>
void Reshape<T>::forward_impl(const Array<T>& x, Array<T>& y) const {
  tweed::copy(x, y);
}
template <Element T>
void Reshape<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  tweed::copy(y, x);
}
template <Element T>
void Reshape<T>::normal_impl(const Array<T>& x, Array<T>& z) const {
  tweed::copy(x, z);
}

template <Element T>
Identity<T>::Identity(const Shape& shape) : Reshape<T>(shape, shape, "identity") {}

#define TWEED_INSTANTIATE(T) \
  template class Reshape<T>; \
  template class Identity<T>;
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop

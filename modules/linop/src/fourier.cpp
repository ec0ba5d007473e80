#include "tweed/linop/fourier.hpp"

#include <algorithm>

#include "axes.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::linop {

template <Element T>
requires is_complex_v<T> Fourier<T>::Fourier(const Shape& shape, std::vector<int> axes,
                                             bool centred)
    : LinearOperator<T>(shape, shape, centred ? "fourier(centred)" : "fourier"),
      axes_(detail::normalize_axes(axes, shape.rank(), "fourier")),
      centred_(centred) {
  std::sort(axes_.begin(), axes_.end());
}

template <Element T>
requires is_complex_v<T>
void Fourier<T>::forward_impl(const Array<T>& x, Array<T>& y) const {
  tweed::copy(x, y);
  fft::transform(y.data(), y.shape(), axes_, fft::Direction::forward, fft::Norm::ortho, centred_);
}

template <Element T>
requires is_complex_v<T>
void Fourier<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  tweed::copy(y, x);
  fft::transform(x.data(), x.shape(), axes_, fft::Direction::inverse, fft::Norm::ortho, centred_);
}

// Unitary: F^H F = I.
template <Element T>
requires is_complex_v<T>
void Fourier<T>::normal_impl(const Array<T>& x, Array<T>& z) const {
  tweed::copy(x, z);
}

template class Fourier<cfloat>;
template class Fourier<cdouble>;

}  // namespace tweed::linop

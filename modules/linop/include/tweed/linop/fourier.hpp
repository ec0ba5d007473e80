// Unitary discrete Fourier transform over chosen axes, as an operator (complex T only).
//
//   F x [k] = 1/sqrt(N) sum_n x[n] exp(-2 pi i k.n / N)      (N = product of the chosen extents)
//
// over the axes given (empty = all), through tweed::fft::transform with Norm::ortho. `centred`
// selects the MRI convention fftshift . F . ifftshift: the zero frequency and the zero position sit
// at index n/2 of each transformed axis (the default, as BART's fftc). Either way F is unitary:
// the adjoint is the inverse transform and the normal operator is the identity (a copy, no FFT).
//
// Shapes: domain = range = `shape`. Axes may be negative (counted from the end) and must be
// distinct and inside the rank (InvalidInput("fourier", ...) otherwise).
// Threads: fft::transform threads over batches of 1-D transforms; results do not depend on the
// thread count.
#pragma once

#include <memory>
#include <vector>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

template <Element T>
requires is_complex_v<T>
class Fourier : public LinearOperator<T> {
 public:
  explicit Fourier(const Shape& shape, std::vector<int> axes = {}, bool centred = true);

  /// The transformed axes, non-negative and ascending.
  const std::vector<int>& axes() const { return axes_; }
  bool centred() const { return centred_; }

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override;
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override;
  void normal_impl(const Array<T>& x, Array<T>& z) const override;

 private:
  std::vector<int> axes_;
  bool centred_;
};

template <Element T>
requires is_complex_v<T> OperatorPtr<T> fourier(const Shape& shape, std::vector<int> axes = {},
                                                bool centred = true) {
  return std::make_shared<const Fourier<T>>(shape, std::move(axes), centred);
}

}  // namespace tweed::linop

#include "tweed/linop/dense_matrix.hpp"

#include "axes.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::linop {
namespace {

template <Element T>
const Array<T>& checked_matrix(const Array<T>& m) {
  if (m.rank() != 2)
    throw InvalidInput("dense_matrix", "matrix must have rank 2, got shape " + m.shape().str());
  return m;
}

// sum_k op(a[k * stride]) * b[k] over len terms in the accumulation type, where op conjugates a
// complex `a` when `Conjugate` is set (the adjoint) and is the identity otherwise.
template <bool Conjugate, Element T>
T strided_dot(const T* a, index_t stride, const T* b, index_t len) {
  using A = accum_t<T>;
  A s{0};
  for (index_t k = 0; k < len; ++k) {
    if constexpr (Conjugate && is_complex_v<T>)
      s += std::conj(A(a[k * stride])) * A(b[k]);
    else
      s += A(a[k * stride]) * A(b[k]);
  }
  return static_cast<T>(s);
}

}  // namespace

template <Element T>
DenseMatrix<T>::DenseMatrix(Array<T> matrix)
    : LinearOperator<T>(Shape{checked_matrix(matrix).dim(1)}, Shape{matrix.dim(0)}, "dense_matrix"),
      matrix_(std::move(matrix)) {}

template <Element T>
DenseMatrix<T>::DenseMatrix(Array<T> matrix, const Shape& domain, const Shape& range)
    : LinearOperator<T>(domain, range, "dense_matrix"), matrix_(std::move(matrix)) {
  checked_matrix(matrix_);
  if (domain.size() != matrix_.dim(1) || range.size() != matrix_.dim(0))
    throw ShapeMismatch("dense_matrix", "a " + matrix_.shape().str() + " matrix cannot map " +
                                            domain.str() + " to " + range.str());
}

template <Element T>
void DenseMatrix<T>::forward_impl(const Array<T>& x, Array<T>& y) const {
  if (&x == &y) return forward_impl(Array<T>(x), y);  // in place: every y_i needs all of x
  const index_t m = matrix_.dim(0);
  const index_t n = matrix_.dim(1);
  const T* pm = matrix_.data();
  const T* px = x.data();
  T* py = y.data();
  parallel_for(
      0, m, [&](index_t i) { py[i] = strided_dot<false>(pm + i * n, 1, px, n); },
      detail::grain_for(n));
}

template <Element T>
void DenseMatrix<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  if (&x == &y) return adjoint_impl(Array<T>(y), x);
  const index_t m = matrix_.dim(0);
  const index_t n = matrix_.dim(1);
  const T* pm = matrix_.data();
  const T* py = y.data();
  T* px = x.data();
  parallel_for(
      0, n, [&](index_t j) { px[j] = strided_dot<true>(pm + j, n, py, m); }, detail::grain_for(m));
}

#define TWEED_INSTANTIATE(T) template class DenseMatrix<T>;
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop

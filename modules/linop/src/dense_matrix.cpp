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
  using A = accum_t<T>;
  const index_t m = matrix_.dim(0);
  const index_t n = matrix_.dim(1);
  const T* pm = matrix_.data();
  const T* px = x.data();
  T* py = y.data();
  parallel_for(
      0, m,
      [&](index_t i) {
        A s{0};
        const T* row = pm + i * n;
        for (index_t j = 0; j < n; ++j) s += A(row[j]) * A(px[j]);
        py[i] = static_cast<T>(s);
      },
      std::max<index_t>(1, 4096 / std::max<index_t>(1, n)));
}

template <Element T>
void DenseMatrix<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  if (&x == &y) return adjoint_impl(Array<T>(y), x);
  using A = accum_t<T>;
  const index_t m = matrix_.dim(0);
  const index_t n = matrix_.dim(1);
  const T* pm = matrix_.data();
  const T* py = y.data();
  T* px = x.data();
  parallel_for(
      0, n,
      [&](index_t j) {
        A s{0};
        for (index_t i = 0; i < m; ++i) {
          if constexpr (is_complex_v<T>)
            s += std::conj(A(pm[i * n + j])) * A(py[i]);
          else
            s += A(pm[i * n + j]) * A(py[i]);
        }
        px[j] = static_cast<T>(s);
      },
      std::max<index_t>(1, 4096 / std::max<index_t>(1, m)));
}

#define TWEED_INSTANTIATE(T) template class DenseMatrix<T>;
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop

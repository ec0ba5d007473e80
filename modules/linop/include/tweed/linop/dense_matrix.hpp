// Dense matrix operator: y = M x for a row-major m x n matrix M, for tests of solvers and tiny
// problems (O(mn) memory and work; not for images).
//
// Adjoint x = M^H y (conjugate transpose). Domain and range default to {n} and {m}; other shapes
// with n and m elements may be given (the vectors are their row-major flattening). The operator
// owns its matrix. Sums accumulate in double (complex<double>) for accuracy.
// Threads: forward over rows, adjoint over columns; each output element is one sequential sum, so
// results do not depend on the thread count.
#pragma once

#include <memory>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

template <Element T>
class DenseMatrix : public LinearOperator<T> {
 public:
  /// `matrix` must have rank 2 (InvalidInput("dense_matrix", ...) otherwise).
  explicit DenseMatrix(Array<T> matrix);
  /// With explicit shapes: domain.size() == n and range.size() == m (ShapeMismatch otherwise).
  DenseMatrix(Array<T> matrix, const Shape& domain, const Shape& range);

  const Array<T>& matrix() const { return matrix_; }

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override;
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override;

 private:
  Array<T> matrix_;
};

template <Element T>
OperatorPtr<T> dense_matrix(Array<T> matrix) {
  return std::make_shared<const DenseMatrix<T>>(std::move(matrix));
}

}  // namespace tweed::linop

// Forward finite differences along chosen axes (the discrete gradient of total variation).
//
// For each chosen axis a (in the order given) and every index i of an array x of any rank,
//   (D x)[k, i] = x[i + e_a] - x[i]                 k = position of a in `axes`
// where at the last sample along a (i_a = n_a - 1)
//   Boundary::neumann : (D x)[k, i] = 0             (Chambolle 2004; no flux across the border)
//   Boundary::periodic: x[i + e_a] wraps to i_a = 0.
//
// Adjoint: D^H = -div, with div the backward-difference divergence that matches the boundary:
//   neumann : (div p)_a[i] = p[i] - p[i - e_a], with p[-1] := 0 and p[n_a - 1] := 0, i.e.
//             p[0] at i_a = 0 and -p[n_a - 2] at i_a = n_a - 1 (Chambolle's definition);
//   periodic: (div p)_a[i] = p[i] - p[i - e_a] with i - e_a wrapping around.
// (D^H p)[i] = -sum_k (div p_k)_{axes[k]}[i]. An axis of extent 1 contributes zero.
//
// Shapes: domain `shape` (rank <= 7); range {axes.size(), shape...} (the components stacked on a
// new leading axis). Axes may be negative (from the end); empty = all axes; they must be distinct
// (InvalidInput("finite_difference", ...) otherwise).
// Threads: parallel over rows; no reduction, so results are identical for any thread count.
#pragma once

#include <memory>
#include <vector>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

enum class Boundary { neumann, periodic };

template <Element T>
class FiniteDifference : public LinearOperator<T> {
 public:
  explicit FiniteDifference(const Shape& shape, std::vector<int> axes = {},
                            Boundary boundary = Boundary::neumann);

  /// The differentiated axes, non-negative, in the order of the range's leading axis.
  const std::vector<int>& axes() const { return axes_; }
  Boundary boundary() const { return boundary_; }

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override;
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override;

 private:
  std::vector<int> axes_;
  Boundary boundary_;
};

template <Element T>
OperatorPtr<T> finite_difference(const Shape& shape, std::vector<int> axes = {},
                                 Boundary boundary = Boundary::neumann) {
  return std::make_shared<const FiniteDifference<T>>(shape, std::move(axes), boundary);
}

}  // namespace tweed::linop

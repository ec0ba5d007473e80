// Box constraints lo <= x_i <= hi (real data): g is the indicator of the box, so the prox is the
// projection, clamp(x_i, lo, hi), whatever tau. Non-negativity is the box [0, +inf).
#pragma once

#include <limits>

#include "tweed/priors/prox.hpp"

namespace tweed::priors {

template <Element T>
class BoxProx : public Prox<T> {
  static_assert(!is_complex_v<T>, "BoxProx needs real data (use MagnitudePrior for complex)");

 public:
  /// The box [lo, hi]; lo <= hi, either may be infinite.
  BoxProx(double lo, double hi);

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  /// 0 inside the box, +inf outside.
  double value(const Array<T>& x) const override;
  bool has_value() const override { return true; }
  std::string name() const override { return "box"; }

  double lo() const { return lo_; }
  double hi() const { return hi_; }

 private:
  double lo_;
  double hi_;
};

/// The nonnegative orthant: BoxProx(0, +inf).
template <Element T>
class NonNegativeProx final : public BoxProx<T> {
 public:
  NonNegativeProx() : BoxProx<T>(0.0, std::numeric_limits<double>::infinity()) {}
  std::string name() const override { return "nonnegative"; }
};

}  // namespace tweed::priors

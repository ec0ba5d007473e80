// The l2 ball {z : ||z - c||_2 <= epsilon} (real or complex): g is its indicator, so the prox is
// the projection
//   P(x) = c + (x - c) * min(1, epsilon / ||x - c||_2),
// whatever tau. This is the data-consistency step of constrained solvers (C-SALSA:
// ||y - A x|| <= epsilon, with c = y).
#pragma once

#include "tweed/priors/prox.hpp"

namespace tweed::priors {

template <Element T>
class L2BallProx final : public Prox<T> {
 public:
  /// The ball of radius epsilon >= 0 around the origin.
  explicit L2BallProx(double epsilon);
  /// The ball of radius epsilon around `center` (x must then have center's shape).
  L2BallProx(Array<T> center, double epsilon);

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  /// 0 when ||x - c|| <= epsilon * (1 + 100 machine epsilons of T) (so that projected points count
  /// as inside despite rounding), +inf otherwise.
  double value(const Array<T>& x) const override;
  bool has_value() const override { return true; }
  std::string name() const override { return "l2_ball"; }

  double epsilon() const { return epsilon_; }
  /// The centre; empty for the origin.
  const Array<T>& center() const { return center_; }

 private:
  double distance(const Array<T>& x) const;
  Array<T> center_;
  double epsilon_;
};

}  // namespace tweed::priors

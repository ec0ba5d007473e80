// The (weighted) l1 norm, g(x) = lambda * sum_i w_i |x_i|, and its prox, the soft threshold.
//
// For complex data |x_i| is the modulus, and the prox shrinks the modulus and keeps the phase:
//   prox_{tau g}(x)_i = x_i * max(0, 1 - tau * lambda * w_i / |x_i|).
// Weights are optional (all ones otherwise), must be nonnegative and have the shape of x; a zero
// weight leaves its entry untouched (e.g. the coarse wavelet band).
#pragma once

#include "tweed/priors/prox.hpp"

namespace tweed::priors {

/// out_i = x_i * max(0, 1 - t / |x_i|): the soft threshold at t >= 0 (complex: of the modulus).
/// out may be empty (then allocated), of x's shape, or x itself.
template <Element T>
void soft_threshold(const Array<T>& x, double t, Array<T>& out);

/// As above with a threshold t * w_i per entry (w of x's shape, nonnegative).
template <Element T>
void soft_threshold(const Array<T>& x, double t, const Array<real_t<T>>& w, Array<T>& out);

template <Element T>
class L1Prox final : public Prox<T> {
 public:
  /// g = lambda ||x||_1, lambda >= 0.
  explicit L1Prox(double lambda);
  /// g = lambda sum_i w_i |x_i|; the prox then requires x of w's shape.
  L1Prox(double lambda, Array<real_t<T>> weights);

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  double value(const Array<T>& x) const override;
  bool has_value() const override { return true; }
  std::string name() const override { return "l1"; }

  double lambda() const { return lambda_; }
  /// The weights; empty when unweighted.
  const Array<real_t<T>>& weights() const { return weights_; }

 private:
  double lambda_;
  Array<real_t<T>> weights_;
};

}  // namespace tweed::priors

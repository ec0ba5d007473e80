// Wavelet sparsity, g(x) = lambda * sum_k w_k |(W x)_k|, for an orthonormal (unitary) operator W
// (square, W^H W = W W^H = I; e.g. linop::wavelet with periodic boundary). Then
//   prox_{tau g}(x) = W^H soft(W x, tau * lambda * w),
// exactly. For a merely isometric W (a redundant Parseval analysis frame, W^H W = I but
// W W^H != I) this formula is the common approximation, not the prox; the constructor refuses
// operators whose domain and range sizes differ for that reason.
//
// Optional coefficient weights w (the shape of W's range, nonnegative) e.g. 0 on the coarse
// approximation block, which is then left unpenalised.
#pragma once

#include "tweed/linop/linear_operator.hpp"
#include "tweed/priors/prox.hpp"

namespace tweed::priors {

template <Element T>
class WaveletL1Prox final : public Prox<T> {
 public:
  WaveletL1Prox(linop::OperatorPtr<T> w, double lambda);
  WaveletL1Prox(linop::OperatorPtr<T> w, double lambda, Array<real_t<T>> weights);

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  /// lambda * sum_k w_k |(W x)_k|
  double value(const Array<T>& x) const override;
  bool has_value() const override { return true; }
  std::string name() const override;

  double lambda() const { return lambda_; }
  const linop::OperatorPtr<T>& transform() const { return w_; }

 private:
  linop::OperatorPtr<T> w_;
  double lambda_;
  Array<real_t<T>> weights_;
};

}  // namespace tweed::priors

#include "tweed/priors/wavelet_l1.hpp"

#include <cmath>

#include "common.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/priors/l1.hpp"

namespace tweed::priors {

template <Element T>
WaveletL1Prox<T>::WaveletL1Prox(linop::OperatorPtr<T> w, double lambda)
    : w_(std::move(w)), lambda_(lambda) {
  if (!w_) throw InvalidInput("WaveletL1Prox", "null transform");
  detail::require_nonnegative(lambda, "WaveletL1Prox", "lambda");
  if (w_->domain().size() != w_->range().size())
    throw InvalidInput("WaveletL1Prox",
                       "transform " + w_->name() + " maps " + w_->domain().str() + " to " +
                           w_->range().str() +
                           ": W^H soft(W x) is the prox only for a unitary (square) W");
}

template <Element T>
WaveletL1Prox<T>::WaveletL1Prox(linop::OperatorPtr<T> w, double lambda, Array<real_t<T>> weights)
    : WaveletL1Prox(std::move(w), lambda) {
  require_same_shape(weights.shape(), w_->range(), "WaveletL1Prox weights");
  for (const auto v : weights)
    if (!(v >= 0) || !std::isfinite(v))
      throw InvalidInput("WaveletL1Prox", "weights must be finite and >= 0");
  weights_ = std::move(weights);
}

template <Element T>
void WaveletL1Prox<T>::prox(const Array<T>& x, double tau, Array<T>& out) const {
  detail::require_nonnegative(tau, name(), "tau");
  Array<T> c(w_->range());
  w_->apply(x, c);
  if (weights_.empty())
    soft_threshold(c, tau * lambda_, c);
  else
    soft_threshold(c, tau * lambda_, weights_, c);
  if (&out != &x) detail::prepare_out(x, out, name());
  w_->apply_adjoint(c, out);
}

template <Element T>
double WaveletL1Prox<T>::value(const Array<T>& x) const {
  Array<T> c(w_->range());
  w_->apply(x, c);
  if (weights_.empty()) return lambda_ * norm1(c);
  const T* pc = c.data();
  const real_t<T>* pw = weights_.data();
  const double s = parallel_reduce<double>(
      c.size(), 0.0,
      [&](index_t lo, index_t hi) {
        double acc = 0;
        for (index_t i = lo; i < hi; ++i) acc += double(pw[i]) * double(std::abs(pc[i]));
        return acc;
      },
      [](double a, double b) { return a + b; });
  return lambda_ * s;
}

template <Element T>
std::string WaveletL1Prox<T>::name() const {
  return "l1(" + w_->name() + ")";
}

template class WaveletL1Prox<float>;
template class WaveletL1Prox<double>;
template class WaveletL1Prox<cfloat>;
template class WaveletL1Prox<cdouble>;

}  // namespace tweed::priors

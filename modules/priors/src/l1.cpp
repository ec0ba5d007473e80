#include "tweed/priors/l1.hpp"

#include <cmath>

#include "common.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::priors {
namespace {

template <class T>
inline T shrink(T v, real_t<T> t) {
  if constexpr (is_complex_v<T>) {
    // Shrink the modulus, keep the phase; sqrt of the squared modulus (not std::abs, which
    // guards against overflow at several times the cost).
    const real_t<T> m = std::sqrt(v.real() * v.real() + v.imag() * v.imag());
    return m > t ? v * (real_t<T>(1) - t / m) : T(0);
  } else {
    return v > t ? v - t : (v < -t ? v + t : T(0));
  }
}

}  // namespace

template <Element T>
void soft_threshold(const Array<T>& x, double t, Array<T>& out) {
  detail::require_nonnegative(t, "soft_threshold", "threshold");
  detail::prepare_out(x, out, "soft_threshold");
  const auto tt = static_cast<real_t<T>>(t);
  const T* px = x.data();
  T* po = out.data();
  parallel_for(0, x.size(), [&](index_t i) { po[i] = shrink(px[i], tt); });
}

template <Element T>
void soft_threshold(const Array<T>& x, double t, const Array<real_t<T>>& w, Array<T>& out) {
  detail::require_nonnegative(t, "soft_threshold", "threshold");
  require_same_shape(w.shape(), x.shape(), "soft_threshold weights");
  detail::prepare_out(x, out, "soft_threshold");
  const auto tt = static_cast<real_t<T>>(t);
  const T* px = x.data();
  const real_t<T>* pw = w.data();
  T* po = out.data();
  parallel_for(0, x.size(), [&](index_t i) { po[i] = shrink(px[i], tt * pw[i]); });
}

template <Element T>
L1Prox<T>::L1Prox(double lambda) : lambda_(lambda) {
  detail::require_nonnegative(lambda, "L1Prox", "lambda");
}

template <Element T>
L1Prox<T>::L1Prox(double lambda, Array<real_t<T>> weights)
    : lambda_(lambda), weights_(std::move(weights)) {
  detail::require_nonnegative(lambda, "L1Prox", "lambda");
  for (const auto v : weights_)
    if (!(v >= 0) || !std::isfinite(v))
      throw InvalidInput("L1Prox", "weights must be finite and >= 0");
}

template <Element T>
void L1Prox<T>::prox(const Array<T>& x, double tau, Array<T>& out) const {
  detail::require_nonnegative(tau, name(), "tau");
  if (weights_.empty())
    soft_threshold(x, tau * lambda_, out);
  else
    soft_threshold(x, tau * lambda_, weights_, out);
}

template <Element T>
double L1Prox<T>::value(const Array<T>& x) const {
  if (weights_.empty()) return lambda_ * norm1(x);
  require_same_shape(weights_.shape(), x.shape(), "L1Prox weights");
  const T* px = x.data();
  const real_t<T>* pw = weights_.data();
  const double s = parallel_reduce<double>(
      x.size(), 0.0,
      [&](index_t lo, index_t hi) {
        double acc = 0;
        for (index_t i = lo; i < hi; ++i) acc += double(pw[i]) * double(std::abs(px[i]));
        return acc;
      },
      [](double a, double b) { return a + b; });
  return lambda_ * s;
}

#define TWEED_INSTANTIATE(T)                                                                    \
  template void soft_threshold<T>(const Array<T>&, double, Array<T>&);                          \
  template void soft_threshold<T>(const Array<T>&, double, const Array<real_t<T>>&, Array<T>&); \
  template class L1Prox<T>;
TWEED_INSTANTIATE(float)
TWEED_INSTANTIATE(double)
TWEED_INSTANTIATE(cfloat)
TWEED_INSTANTIATE(cdouble)
#undef TWEED_INSTANTIATE

}  // namespace tweed::priors

#include "tweed/priors/denoiser.hpp"

#include <cmath>

#include "common.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::priors {

double SigmaRule::operator()(double tau) const {
  return is_fixed ? value : std::sqrt(tau * value);
}

template <Element T>
DenoiserProx<T>::DenoiserProx(DenoiserPtr<T> denoiser, SigmaRule rule)
    : denoiser_(std::move(denoiser)), rule_(rule) {
  if (!denoiser_) throw InvalidInput("DenoiserProx", "null denoiser");
  detail::require_nonnegative(rule.value, "DenoiserProx", rule.is_fixed ? "sigma" : "lambda");
}

template <Element T>
void DenoiserProx<T>::prox(const Array<T>& x, double tau, Array<T>& out) const {
  detail::require_nonnegative(tau, name(), "tau");
  detail::prepare_out(x, out, name());
  denoiser_->denoise(x, rule_(tau), out);
}

template <Element T>
TvDenoiser<T>::TvDenoiser(double factor, TvOptions options) : factor_(factor), options_(options) {
  detail::require_nonnegative(factor, "TvDenoiser", "factor");
}

template <Element T>
void TvDenoiser<T>::denoise(const Array<T>& x, double sigma, Array<T>& out) const {
  detail::require_nonnegative(sigma, name(), "sigma");
  tv_denoise(x, lambda_for(sigma), out, options_);
}

template <Element T>
void score(const Denoiser<T>& denoiser, const Array<T>& x, double sigma, Array<T>& out) {
  if (!(sigma > 0) || !std::isfinite(sigma))
    throw InvalidInput("score", "sigma must be finite and > 0, got " + std::to_string(sigma));
  detail::prepare_out(x, out, "score");
  Array<T> d(x.shape());
  denoiser.denoise(x, sigma, d);
  const auto inv = static_cast<real_t<T>>(1.0 / (sigma * sigma));
  const T* px = x.data();
  const T* pd = d.data();
  T* po = out.data();
  parallel_for(0, x.size(), [&](index_t i) { po[i] = (pd[i] - px[i]) * inv; });
}

template class DenoiserProx<float>;
template class DenoiserProx<double>;
template class DenoiserProx<cfloat>;
template class DenoiserProx<cdouble>;
template class TvDenoiser<float>;
template class TvDenoiser<double>;
template void score<float>(const Denoiser<float>&, const Array<float>&, double, Array<float>&);
template void score<double>(const Denoiser<double>&, const Array<double>&, double, Array<double>&);
template void score<cfloat>(const Denoiser<cfloat>&, const Array<cfloat>&, double, Array<cfloat>&);
template void score<cdouble>(const Denoiser<cdouble>&, const Array<cdouble>&, double,
                             Array<cdouble>&);

}  // namespace tweed::priors

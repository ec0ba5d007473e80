#include "tweed/priors/magnitude.hpp"

#include <cmath>

#include "common.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::priors {
namespace {

template <class T>
Array<real_t<T>> modulus(const Array<T>& x) {
  Array<real_t<T>> m(x.shape());
  const T* px = x.data();
  real_t<T>* pm = m.data();
  parallel_for(0, x.size(), [&](index_t i) { pm[i] = std::abs(px[i]); });
  return m;
}

/// out_i = r_i * x_i / |x_i| (r_i where x_i = 0), r clamped at 0 when asked. out may be x.
template <class T>
void apply_phase(const Array<T>& x, const Array<real_t<T>>& m, const Array<real_t<T>>& r,
                 bool clamp, Array<T>& out) {
  using R = real_t<T>;
  const T* px = x.data();
  const R* pm = m.data();
  const R* pr = r.data();
  T* po = out.data();
  parallel_for(0, x.size(), [&](index_t i) {
    const R ri = clamp ? std::max(pr[i], R(0)) : pr[i];
    po[i] = pm[i] > 0 ? px[i] * (ri / pm[i]) : T(ri);
  });
}

}  // namespace

template <Element T>
MagnitudePrior<T>::MagnitudePrior(ProxPtr<Real> phi, bool clamp_negative)
    : phi_(std::move(phi)), clamp_(clamp_negative) {
  if (!phi_) throw InvalidInput("MagnitudePrior", "null prox");
}

template <Element T>
MagnitudePrior<T>::MagnitudePrior(DenoiserPtr<Real> denoiser, SigmaRule rule, bool clamp_negative)
    : MagnitudePrior(std::make_shared<const DenoiserProx<Real>>(std::move(denoiser), rule),
                     clamp_negative) {}

template <Element T>
void MagnitudePrior<T>::prox(const Array<T>& x, double tau, Array<T>& out) const {
  detail::prepare_out(x, out, name());
  const Array<Real> m = modulus(x);
  Array<Real> r(m.shape());
  phi_->prox(m, tau, r);
  apply_phase(x, m, r, clamp_, out);
}

template <Element T>
double MagnitudePrior<T>::value(const Array<T>& x) const {
  return phi_->value(modulus(x));
}

template <Element T>
MagnitudeDenoiser<T>::MagnitudeDenoiser(DenoiserPtr<Real> denoiser, bool clamp_negative)
    : denoiser_(std::move(denoiser)), clamp_(clamp_negative) {
  if (!denoiser_) throw InvalidInput("MagnitudeDenoiser", "null denoiser");
}

template <Element T>
void MagnitudeDenoiser<T>::denoise(const Array<T>& x, double sigma, Array<T>& out) const {
  detail::prepare_out(x, out, name());
  const Array<Real> m = modulus(x);
  Array<Real> r(m.shape());
  denoiser_->denoise(m, sigma, r);
  apply_phase(x, m, r, clamp_, out);
}

template class MagnitudePrior<cfloat>;
template class MagnitudePrior<cdouble>;
template class MagnitudeDenoiser<cfloat>;
template class MagnitudeDenoiser<cdouble>;

}  // namespace tweed::priors

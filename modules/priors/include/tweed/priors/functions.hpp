// Adapters from prior objects to the callables the solvers take (tweed/solvers/functions.hpp):
// the solvers layer knows no Prox/Denoiser classes, only these std::function types. The aliases
// below are the same types as tweed::solvers::ProxFunction<T> etc.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <type_traits>

#include "tweed/priors/prox.hpp"
#include "tweed/solvers/functions.hpp"

namespace tweed::priors {

// The callable types are the solver layer's, so an adapted prior plugs straight into a solver.
using solvers::DenoiserFunction;
using solvers::ProxFunction;
using solvers::ValueFunction;

template <Element T>
ProxFunction<T> as_prox_function(ProxPtr<T> prox) {
  if (!prox) throw InvalidInput("as_prox_function", "null prox");
  return
      [p = std::move(prox)](const Array<T>& x, double tau, Array<T>& out) { p->prox(x, tau, out); };
}
/// Deduces T from any Prox subclass: as_prox_function(std::make_shared<L1Prox<float>>(0.1)).
template <class P>
requires std::derived_from<P, Prox<typename P::value_type>> ProxFunction<typename P::value_type>
as_prox_function(std::shared_ptr<P> prox) {
  return as_prox_function<typename P::value_type>(ProxPtr<typename P::value_type>(std::move(prox)));
}

/// The denoiser as a callable; it keeps the denoiser alive.
template <Element T>
DenoiserFunction<T> as_denoiser_function(DenoiserPtr<T> denoiser) {
  if (!denoiser) throw InvalidInput("as_denoiser_function", "null denoiser");
  return [d = std::move(denoiser)](const Array<T>& x, double sigma, Array<T>& out) {
    d->denoise(x, sigma, out);
  };
}
template <class D>
requires std::derived_from<D, Denoiser<typename D::value_type>>
    DenoiserFunction<typename D::value_type> as_denoiser_function(std::shared_ptr<D> denoiser) {
  return as_denoiser_function<typename D::value_type>(
      DenoiserPtr<typename D::value_type>(std::move(denoiser)));
}

/// g(x) as a callable (for solver monitors); throws InvalidInput unless prox->has_value().
template <Element T>
ValueFunction<T> as_value_function(ProxPtr<T> prox) {
  if (!prox) throw InvalidInput("as_value_function", "null prox");
  if (!prox->has_value()) throw InvalidInput(prox->name(), "this prior has no closed-form value");
  return [p = std::move(prox)](const Array<T>& x) { return p->value(x); };
}
template <class P>
requires std::derived_from<P, Prox<typename P::value_type>> ValueFunction<typename P::value_type>
as_value_function(std::shared_ptr<P> prox) {
  return as_value_function<typename P::value_type>(
      ProxPtr<typename P::value_type>(std::move(prox)));
}

}  // namespace tweed::priors

// The prior interfaces of Tweed.
//
// Prox<T>: the proximal map of a convex (or at least prox-friendly) function g,
//   prox(x, tau, out):  out = argmin_z  1/2 ||z - x||_2^2 + tau * g(z),
// with value(x) = g(x) where it can be evaluated (has_value()). The regularisation weight lambda
// of a prior lives inside g (g = lambda * R); tau is the solver's step. So a solver for
//   min_x f(x) + g(x)  calls  prox(v, step, out).
//
// Denoiser<T>: denoise(x, sigma, out) removes noise of standard deviation sigma (per real
// component) from x. Learned denoisers and classical ones (TV, BM3D-like) share it. A denoiser
// fills a prox slot through DenoiserProx (plug-and-play), and the Tweedie score of a denoiser is
// score(x, sigma) = (D(x, sigma) - x) / sigma^2.
//
// Both are immutable after construction and safe to call from several threads.
#pragma once

#include <memory>
#include <string>

#include "tweed/core/array.hpp"

namespace tweed::priors {

template <Element T>
class Prox {
 public:
  using value_type = T;
  virtual ~Prox() = default;
  /// out = prox_{tau g}(x); out may be empty (then allocated) or of x's shape; out may alias x.
  virtual void prox(const Array<T>& x, double tau, Array<T>& out) const = 0;
  /// g(x); throws Unsupported unless has_value().
  virtual double value(const Array<T>& x) const;
  virtual bool has_value() const { return false; }
  virtual std::string name() const = 0;
};

template <Element T>
class Denoiser {
 public:
  using value_type = T;
  virtual ~Denoiser() = default;
  /// out = D(x, sigma); out may be empty (then allocated) or of x's shape.
  virtual void denoise(const Array<T>& x, double sigma, Array<T>& out) const = 0;
  virtual std::string name() const = 0;
};

template <Element T>
using ProxPtr = std::shared_ptr<const Prox<T>>;
template <Element T>
using DenoiserPtr = std::shared_ptr<const Denoiser<T>>;

template <Element T>
double Prox<T>::value(const Array<T>&) const {
  throw Unsupported(name(), "this prior has no closed-form value");
}

}  // namespace tweed::priors

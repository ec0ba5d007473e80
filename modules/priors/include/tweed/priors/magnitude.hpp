// Priors on the magnitude of complex data (coherent imaging: radar, MRI magnitude priors).
//
// MagnitudePrior turns a real prox (of some Phi acting on magnitudes) into one for complex x:
//   prox(x, tau)_i = [prox_{tau Phi}(|x|)]_i * exp(i angle x_i)      (angle 0 where x_i = 0).
// Why: for g(z) = Phi(|z|), write z = u e^{i theta} with u >= 0; then
//   ||z - x||^2 = ||u||^2 + ||x||^2 - 2 sum_i u_i |x_i| cos(theta_i - angle x_i),
// minimised over theta by theta = angle x whatever u >= 0, leaving
//   min_{u >= 0} 1/2 ||u - |x|||^2 + tau Phi(u).
// So the formula is the exact prox of z -> Phi(|z|) under two conditions: (1) g depends on z only
// through |z|, and (2) prox_{tau Phi}(|x|) >= 0 elementwise (the unconstrained minimiser then lies
// in the orthant, so it is also the minimiser over u >= 0). A sufficient condition for (2) is
// Phi(max(u, 0)) <= Phi(u) for all u: clamping a negative entry of a candidate to 0 then lowers
// the fidelity to |x| >= 0 strictly and does not raise Phi. It holds for Phi = lambda ||.||_1,
// for TV, anisotropic or isotropic, and rROF (max(., 0) is 1-Lipschitz, so no difference grows),
// for any Phi nondecreasing in each |u_i|, for a box with lo >= 0; it fails for e.g.
// Phi(u) = lambda sum u_i, whose prox |x| - tau lambda goes negative. Where the real prox returns a
// negative entry, the default clamps it to 0: the exact minimiser over u >= 0 for separable Phi,
// a safeguard otherwise (e.g. learned denoisers that undershoot); clamp_negative = false keeps
// the raw value (a negative magnitude then flips the phase).
// The same recipe is the "phase correction" of Watson, Lionheart & Hellier, arXiv:2410.22161.
#pragma once

#include "tweed/priors/denoiser.hpp"
#include "tweed/priors/prox.hpp"

namespace tweed::priors {

template <Element T>
class MagnitudePrior final : public Prox<T> {
  static_assert(is_complex_v<T>, "MagnitudePrior is for complex data");

 public:
  using Real = real_t<T>;
  /// g(z) = Phi(|z|) with prox_Phi given by `phi`.
  explicit MagnitudePrior(ProxPtr<Real> phi, bool clamp_negative = true);
  /// A denoiser on |x| in the prox slot, through DenoiserProx with the given sigma rule.
  MagnitudePrior(DenoiserPtr<Real> denoiser, SigmaRule rule, bool clamp_negative = true);

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  /// Phi(|x|) when the wrapped prox has a value.
  double value(const Array<T>& x) const override;
  bool has_value() const override { return phi_->has_value(); }
  std::string name() const override { return "magnitude(" + phi_->name() + ")"; }

 private:
  ProxPtr<Real> phi_;
  bool clamp_;
};

/// A real denoiser applied to |x|, the phase kept: out = D(|x|, sigma) exp(i angle x).
template <Element T>
class MagnitudeDenoiser final : public Denoiser<T> {
  static_assert(is_complex_v<T>, "MagnitudeDenoiser is for complex data");

 public:
  using Real = real_t<T>;
  explicit MagnitudeDenoiser(DenoiserPtr<Real> denoiser, bool clamp_negative = true);

  void denoise(const Array<T>& x, double sigma, Array<T>& out) const override;
  std::string name() const override { return "magnitude(" + denoiser_->name() + ")"; }

 private:
  DenoiserPtr<Real> denoiser_;
  bool clamp_;
};

}  // namespace tweed::priors

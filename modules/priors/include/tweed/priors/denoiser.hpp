// Denoisers in prox slots (plug-and-play), TV as a classical denoiser, and the Tweedie score.
#pragma once

#include "tweed/priors/prox.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::priors {

/// How DenoiserProx picks the noise level for a prox step tau.
struct SigmaRule {
  /// sigma = sqrt(tau * lambda). Reading: prox_{tau lambda R}(x) = argmin_z 1/2||z - x||^2 +
  /// tau lambda R(z) = argmin_z ||z - x||^2 / (2 sigma^2) + R(z), the MAP estimate under the
  /// prior exp(-R) from x = z + noise of variance sigma^2 = tau * lambda. So lambda plays the part
  /// of the regularisation weight and the denoiser adapts to each step.
  static SigmaRule from_tau(double lambda) { return {false, lambda}; }
  /// sigma fixed whatever tau (PnP-ADMM practice: the denoiser strength is a tuning parameter).
  static SigmaRule fixed(double sigma) { return {true, sigma}; }

  double operator()(double tau) const;

  bool is_fixed = false;
  double value = 1.0;  ///< lambda (from_tau) or sigma (fixed)
};

/// A Denoiser in a prox slot: prox(x, tau, out) = D(x, rule(tau), out). No value().
template <Element T>
class DenoiserProx final : public Prox<T> {
 public:
  DenoiserProx(DenoiserPtr<T> denoiser, SigmaRule rule);

  void prox(const Array<T>& x, double tau, Array<T>& out) const override;
  std::string name() const override { return "pnp(" + denoiser_->name() + ")"; }

  const SigmaRule& rule() const { return rule_; }
  const DenoiserPtr<T>& denoiser() const { return denoiser_; }

 private:
  DenoiserPtr<T> denoiser_;
  SigmaRule rule_;
};

/// TV as a denoiser: D(x, sigma) = tv_denoise(x, lambda = factor * sigma, options). Why linear in
/// sigma: the prox of lambda TV is positively homogeneous, prox_{c lambda TV}(c x) = c
/// prox_{lambda TV}(x), so lambda / sigma fixed makes the denoiser treat noise of any level alike
/// (and data scaled together with sigma alike). factor = 1 is a middle-of-the-road value for
/// piecewise-smooth images (scikit-image's default weight 0.1 for noise around 0.1); tune it.
template <Element T>
class TvDenoiser final : public Denoiser<T> {
 public:
  explicit TvDenoiser(double factor = 1.0, TvOptions options = {});

  void denoise(const Array<T>& x, double sigma, Array<T>& out) const override;
  std::string name() const override { return "tv"; }

  double factor() const { return factor_; }
  /// The lambda used for noise level sigma.
  double lambda_for(double sigma) const { return factor_ * sigma; }

 private:
  double factor_;
  TvOptions options_;
};

/// Tweedie score: out = (D(x, sigma) - x) / sigma^2, which approximates grad log p_sigma(x), the
/// score of the noisy data density, when D is an MMSE denoiser (Tweedie/Miyasawa:
/// E[z | x] = x + sigma^2 grad log p_sigma(x)). For complex data sigma is per real component and
/// the score is the real gradient written as re + i im. sigma > 0. out may be empty or x's shape.
template <Element T>
void score(const Denoiser<T>& denoiser, const Array<T>& x, double sigma, Array<T>& out);

template <Element T>
Array<T> score(const Denoiser<T>& denoiser, const Array<T>& x, double sigma) {
  Array<T> out(x.shape());
  score(denoiser, x, sigma, out);
  return out;
}

}  // namespace tweed::priors

// Simulated detector noise: stationary coloured Gaussian noise from a one-sided PSD, and
// non-Gaussian transients (glitches) for robustness studies.
#pragma once

#include <vector>

#include "tweed/core/rng.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {

/// Stationary Gaussian noise of psd.n samples with one-sided PSD S, coloured in the frequency
/// domain (as PyCBC's noise_from_psd): for every rfft bin k, with df = fs / n,
///   n~_k = a_k + i b_k,  a_k, b_k ~ N(0, sigma_k),  sigma_k = sqrt(S(f_k) / df) / 2,
/// so <|n~_k|^2> = S T / 2 (continuous-FT convention n~ = dt DFT(n)); the imaginary parts of DC
/// and Nyquist are zero and bins with S = +Inf carry no noise; then n_j = irfft(n~)_j / dt (the
/// unnormalised inverse DFT divided by n). The series is periodic (circular): it has no start-up
/// transient, and its sample variance approaches sum_k' S(f_k) df. Deterministic in (seed,
/// stream): bin k uses the normal pair rng.normal_pair(k).
Array<double> coloured_noise(const Psd& psd, const CounterRng& rng);

enum class GlitchKind {
  kSineGaussian,  ///< h0 sin(2 pi f0 (t - t0)) exp(-(t - t0)^2 / tau^2), tau = Q / (sqrt2 pi f0)
  kBlip,          ///< step-like: a smoothed boxcar A [tanh((t-t0+d/2)/r) - tanh((t-t0-d/2)/r)] / 2
                  ///< with rise time r = d / 8, the shape of a short step up and back down
};

struct GlitchOptions {
  int count = 4;                        ///< glitches per series
  double snr_min = 10, snr_max = 50;    ///< optimal SNR (against the PSD), uniform in between
  double sine_gaussian_fraction = 0.5;  ///< probability that a glitch is a sine-Gaussian
  double f_min = 30, f_max = 500;       ///< sine-Gaussian centre frequency (Hz), log-uniform
  double q_min = 3, q_max = 30;         ///< sine-Gaussian quality factor, uniform
  double duration_min = 2e-3, duration_max = 20e-3;  ///< blip length d (s), log-uniform
  double edge = 0.5;  ///< glitch centres stay this many seconds away from both ends
};

struct Glitch {
  GlitchKind kind = GlitchKind::kSineGaussian;
  double time = 0;       ///< centre, seconds from the first sample
  double snr = 0;        ///< optimal SNR it was scaled to
  double frequency = 0;  ///< f0 (sine-Gaussian), 0 for a blip
  double q = 0;          ///< Q (sine-Gaussian), 0 for a blip
  double duration = 0;   ///< d (blip), 0 for a sine-Gaussian
  double amplitude = 0;  ///< peak amplitude h0 or A after scaling
};

/// Adds options.count glitches at random times, kinds, shapes and SNRs (each scaled to its SNR
/// against `psd` with optimal_snr) to x in place, and returns what was added, in time order.
/// Every random choice comes from rng (glitch i uses indices i with draws 0..5). Throws
/// InvalidInput for inconsistent options or a series too short for the edges.
std::vector<Glitch> add_glitches(Array<double>& x, const Psd& psd, const GlitchOptions& options,
                                 const CounterRng& rng);

}  // namespace tweed::gw

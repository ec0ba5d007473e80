// Injected signals: an inspiral-merger-ringdown-like chirp from component masses, sine-Gaussian
// and damped-sinusoid bursts, presets for four catalogue events, and scaling to a target SNR.
//
// The chirp model (a toy for denoising studies, not a template for parameter estimation):
//  - Inspiral: leading-order (Newtonian, quadrupole) frequency evolution of a circular binary,
//    with chirp mass Mc = (m1 m2)^(3/5) / (m1 + m2)^(1/5) and T = G Mc / c^3 (s):
//      f(tau) = (1/pi) (5 / (256 tau))^(3/8) T^(-5/8),   tau = t_c - t,
//      Phi(tau) = -2 (5 T)^(-5/8) tau^(5/8) + phi_c,       h = A(t) cos Phi,
//    amplitude A proportional to f^(2/3) (Maggiore 2008, sec. 4.1), one polarisation, face-on;
//  - cut at the innermost stable circular orbit of a test mass around M = m1 + m2,
//      f_ISCO = c^3 / (6^(3/2) pi G M) ~= 4397 Hz / (M / M_sun);
//    the merger time t_m is when f reaches f_ISCO (t_c - t_m = tau(f_ISCO));
//  - ringdown: a damped sinusoid from t_m on, continuous in amplitude and phase,
//      h = A(t_m) exp(-(t - t_m) / tau_rd) cos(Phi(t_m) + 2 pi f_rd (t - t_m)),
//    with f_rd = f_ISCO and tau_rd = 2 / f_rd unless given (then the frequency jumps at t_m);
//  - the inspiral starts at f_start (raised when the chirp from f_start would begin before the
//    segment, so that the template always fits), faded in by a half-Hann taper over
//    `taper_cycles` cycles.
// Limits: no post-Newtonian phase corrections (the phase drifts from real signals by many
// cycles over a long inspiral), no spins, no higher modes, and f_ISCO lies well below the
// real merger and ringdown frequencies of comparable-mass binaries (GW150914's ringdown is
// near 250 Hz, not 68 Hz): the shape is chirp-like, the frequency content is a lower bound.
// The peak amplitude is 1; scale_to_snr sets the physical scale.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "tweed/core/array.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {

/// G M_sun / c^3 in seconds (IAU 2015 nominal solar mass parameter / c^3).
inline constexpr double kSolarMassSeconds = 4.925490947641267e-6;

/// Chirp mass (same unit as the masses).
double chirp_mass(double m1, double m2);
/// f_ISCO (Hz) for total mass `total_mass` in solar masses.
double isco_frequency(double total_mass);
/// Newtonian time (s) from gravitational-wave frequency f (Hz) to coalescence (f -> infinity).
double time_to_coalescence(double m1, double m2, double f);
/// The frequency (Hz) `seconds` before the binary reaches f_ISCO (Newtonian evolution).
double frequency_before_isco(double m1, double m2, double seconds);

struct ChirpParams {
  double m1 = 36, m2 = 29;        ///< component masses, solar masses
  double merger_time = 0;         ///< t_m, seconds from the first sample
  double f_start = 20;            ///< Hz; raised so that the chirp starts at or after t = 0
  double phase = 0;               ///< phase at t_m (rad)
  double ringdown_frequency = 0;  ///< f_rd (Hz); 0 = f_ISCO
  double ringdown_tau = 0;        ///< tau_rd (s); 0 = 2 / f_rd
  double taper_cycles = 4;        ///< half-Hann fade-in length, in cycles of f_start
};

/// The chirp on n samples at sample_rate (peak amplitude 1). Throws InvalidInput for
/// non-positive masses, a merger outside the segment, or f_start >= f_ISCO.
Array<double> chirp_waveform(const ChirpParams& params, index_t n, double sample_rate);

/// h = h0 sin(2 pi f0 (t - t0) + phase) exp(-(t - t0)^2 / tau^2), tau = Q / (sqrt(2) pi f0), with
/// h0 set from the root-sum-square amplitude hrss = sqrt(integral h^2 dt) = h0 sqrt(sqrt(2 pi)
/// tau / 4) (LALSuite's burst convention; exact up to terms in exp(-Q^2)).
struct SineGaussianParams {
  double f0 = 100;   ///< Hz
  double q = 9;      ///< quality factor
  double hrss = 1;   ///< s^(1/2)
  double t0 = 0;     ///< centre, seconds from the first sample
  double phase = 0;  ///< rad
};
Array<double> sine_gaussian(const SineGaussianParams& params, index_t n, double sample_rate);

/// h = A exp(-(t - t0) / tau) sin(2 pi f0 (t - t0) + phase) for t >= t0, 0 before.
struct DampedSinusoidParams {
  double f0 = 250;       ///< Hz
  double tau = 4e-3;     ///< damping time (s)
  double amplitude = 1;  ///< A
  double t0 = 0;         ///< start, seconds from the first sample
  double phase = 0;      ///< rad
};
Array<double> damped_sinusoid(const DampedSinusoidParams& params, index_t n, double sample_rate);

/// Catalogue-like presets: component masses (solar masses, source-frame values rounded as in
/// the discovery papers) and the GPS time of the event (GWOSC).
struct EventPreset {
  std::string_view name;
  double m1, m2;
  double gps;
};
/// GW150914 (36 + 29), GW151226 (14.2 + 7.5), GW170817 (1.46 + 1.27), GW190521 (85 + 66).
std::span<const EventPreset> event_presets();
/// The preset named `name` (case-sensitive); InvalidInput listing the known names otherwise.
const EventPreset& event_preset(std::string_view name);

/// Multiplies h by the factor that makes its optimal SNR against psd (over [f_lo, f_hi] Hz)
/// equal to `snr`, and returns that factor. InvalidInput when h has zero SNR or snr < 0.
double scale_to_snr(Array<double>& h, const Psd& psd, double snr, double f_lo = 0,
                    double f_hi = 1e300);

}  // namespace tweed::gw

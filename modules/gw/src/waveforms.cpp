// Injection waveforms: Newtonian chirp + ringdown, sine-Gaussian, damped sinusoid, presets.
#include <array>
#include <cmath>
#include <numbers>

#include "tweed/core/error.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/waveforms.hpp"

namespace tweed::gw {
namespace {
constexpr double kPi = std::numbers::pi;

void check_series(index_t n, double sample_rate, const char* who) {
  if (n < 1) throw InvalidInput(who, "length must be positive");
  if (!(sample_rate > 0)) throw InvalidInput(who, "sample rate must be positive");
}
void check_masses(double m1, double m2, const char* who) {
  if (!(m1 > 0 && m2 > 0 && std::isfinite(m1) && std::isfinite(m2)))
    throw InvalidInput(who, "component masses must be positive");
}
}  // namespace

double chirp_mass(double m1, double m2) {
  return std::pow(m1 * m2, 0.6) / std::pow(m1 + m2, 0.2);
}

double isco_frequency(double total_mass) {
  return 1.0 / (std::pow(6.0, 1.5) * kPi * total_mass * kSolarMassSeconds);
}

double time_to_coalescence(double m1, double m2, double f) {
  check_masses(m1, m2, "time_to_coalescence");
  const double tc = chirp_mass(m1, m2) * kSolarMassSeconds;
  return 5.0 / 256.0 * std::pow(kPi * f, -8.0 / 3.0) * std::pow(tc, -5.0 / 3.0);
}

double frequency_before_isco(double m1, double m2, double seconds) {
  check_masses(m1, m2, "frequency_before_isco");
  const double tc = chirp_mass(m1, m2) * kSolarMassSeconds;
  const double tau = seconds + time_to_coalescence(m1, m2, isco_frequency(m1 + m2));
  return std::pow(5.0 / (256.0 * tau), 3.0 / 8.0) * std::pow(tc, -5.0 / 8.0) / kPi;
}

Array<double> chirp_waveform(const ChirpParams& p, index_t n, double fs) {
  check_series(n, fs, "chirp_waveform");
  check_masses(p.m1, p.m2, "chirp_waveform");
  const double length = static_cast<double>(n) / fs;
  if (!(p.merger_time > 0 && p.merger_time < length))
    throw InvalidInput("chirp merger_time",
                       "must lie inside the segment (0, " + std::to_string(length) + ") s");
  const double f_isco = isco_frequency(p.m1 + p.m2);
  if (!(p.f_start > 0 && p.f_start < f_isco))
    throw InvalidInput("chirp f_start",
                       "must be in (0, f_ISCO = " + std::to_string(f_isco) + " Hz)");
  if (p.taper_cycles < 0) throw InvalidInput("chirp taper_cycles", "must be >= 0");
  const double tc_mass = chirp_mass(p.m1, p.m2) * kSolarMassSeconds;  // T = G Mc / c^3
  const double tau_isco = time_to_coalescence(p.m1, p.m2, f_isco);
  const double t_c = p.merger_time + tau_isco;
  // Raise f_start if the chirp would begin before the segment.
  const double f_fit = frequency_before_isco(p.m1, p.m2, p.merger_time);
  const double f_start = std::max(p.f_start, f_fit);
  const double t_start = t_c - time_to_coalescence(p.m1, p.m2, f_start);
  const double taper = p.taper_cycles / f_start;

  const double k = std::pow(5.0 * tc_mass, -5.0 / 8.0);
  auto phase_at = [&](double tau) { return -2.0 * k * std::pow(tau, 5.0 / 8.0); };
  const double phi_shift = p.phase - phase_at(tau_isco);  // Phi(t_m) = p.phase
  const double f_rd = p.ringdown_frequency > 0 ? p.ringdown_frequency : f_isco;
  const double tau_rd = p.ringdown_tau > 0 ? p.ringdown_tau : 2.0 / f_rd;

  Array<double> h(Shape{n});
  for (index_t j = 0; j < n; ++j) {
    const double t = static_cast<double>(j) / fs;
    if (t < t_start) continue;
    if (t < p.merger_time) {
      const double tau = t_c - t;
      const double f =
          std::pow(5.0 / (256.0 * tau), 3.0 / 8.0) * std::pow(tc_mass, -5.0 / 8.0) / kPi;
      double a = std::pow(f / f_isco, 2.0 / 3.0);
      if (t - t_start < taper) a *= 0.5 - 0.5 * std::cos(kPi * (t - t_start) / taper);
      h[j] = a * std::cos(phase_at(tau) + phi_shift);
    } else {
      const double dt = t - p.merger_time;
      h[j] = std::exp(-dt / tau_rd) * std::cos(p.phase + 2 * kPi * f_rd * dt);
    }
  }
  return h;
}

Array<double> sine_gaussian(const SineGaussianParams& p, index_t n, double fs) {
  check_series(n, fs, "sine_gaussian");
  if (!(p.f0 > 0 && p.q > 0 && p.hrss >= 0))
    throw InvalidInput("sine_gaussian", "need f0 > 0, Q > 0, hrss >= 0");
  const double tau = p.q / (std::numbers::sqrt2 * kPi * p.f0);
  const double h0 = p.hrss / std::sqrt(std::sqrt(2 * kPi) * tau / 4);
  Array<double> h(Shape{n});
  // exp(-x^2) < 1e-17 beyond |t - t0| > 6.3 tau: only that span is filled.
  const index_t lo =
      std::max<index_t>(0, static_cast<index_t>(std::floor((p.t0 - 6.5 * tau) * fs)));
  const index_t hi =
      std::min<index_t>(n, static_cast<index_t>(std::ceil((p.t0 + 6.5 * tau) * fs)) + 1);
  for (index_t j = lo; j < hi; ++j) {
    const double t = static_cast<double>(j) / fs - p.t0;
    h[j] = h0 * std::sin(2 * kPi * p.f0 * t + p.phase) * std::exp(-t * t / (tau * tau));
  }
  return h;
}

Array<double> damped_sinusoid(const DampedSinusoidParams& p, index_t n, double fs) {
  check_series(n, fs, "damped_sinusoid");
  if (!(p.f0 > 0 && p.tau > 0)) throw InvalidInput("damped_sinusoid", "need f0 > 0 and tau > 0");
  Array<double> h(Shape{n});
  for (index_t j = 0; j < n; ++j) {
    const double t = static_cast<double>(j) / fs - p.t0;
    if (t < 0) continue;
    h[j] = p.amplitude * std::exp(-t / p.tau) * std::sin(2 * kPi * p.f0 * t + p.phase);
  }
  return h;
}

std::span<const EventPreset> event_presets() {
  static constexpr std::array<EventPreset, 4> kEvents{{
      {"GW150914", 36.0, 29.0, 1126259462.4},
      {"GW151226", 14.2, 7.5, 1135136350.6},
      {"GW170817", 1.46, 1.27, 1187008882.4},
      {"GW190521", 85.0, 66.0, 1242442967.4},
  }};
  return kEvents;
}

const EventPreset& event_preset(std::string_view name) {
  std::string known;
  for (const auto& e : event_presets()) {
    if (e.name == name) return e;
    known += (known.empty() ? "" : ", ") + std::string(e.name);
  }
  throw InvalidInput("event", "unknown event '" + std::string(name) + "' (known: " + known + ")");
}

double scale_to_snr(Array<double>& h, const Psd& psd, double snr, double f_lo, double f_hi) {
  if (!(snr >= 0)) throw InvalidInput("snr", "must be >= 0");
  const double rho = optimal_snr(h, psd, f_lo, f_hi);
  if (!(rho > 0)) throw InvalidInput("scale_to_snr", "the signal has zero SNR in the band");
  const double factor = snr / rho;
  for (double& v : h) v *= factor;
  return factor;
}

}  // namespace tweed::gw

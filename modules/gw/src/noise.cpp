// Coloured Gaussian noise (frequency-domain colouring through the shared irfft) and glitches.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/noise.hpp"
#include "tweed/gw/waveforms.hpp"

namespace tweed::gw {

Array<double> coloured_noise(const Psd& psd, const CounterRng& rng) {
  if (psd.n < 2 || psd.values.size() != psd.bins() || !(psd.sample_rate > 0))
    throw InvalidInput("coloured_noise", "the PSD's values do not match its grid");
  const double df = psd.df();
  const double dt = 1.0 / psd.sample_rate;
  Array<cdouble> spec(Shape{psd.bins()});
  for (index_t k = 0; k < psd.bins(); ++k) {
    const double s = psd.values[k];
    if (!(s >= 0) || std::isinf(s)) continue;  // no data (or a nonsensical negative value)
    const double sigma = 0.5 * std::sqrt(s / df);
    const auto z = rng.normal_pair(static_cast<std::uint64_t>(k));
    const bool real_only = k == 0 || (psd.n % 2 == 0 && k == psd.bins() - 1);
    spec[k] = cdouble(sigma * z[0], real_only ? 0.0 : sigma * z[1]);
  }
  Array<double> x = fft::irfft(spec, psd.n, 1, fft::Norm::backward);
  for (double& v : x) v /= dt;
  return x;
}

std::vector<Glitch> add_glitches(Array<double>& x, const Psd& psd, const GlitchOptions& o,
                                 const CounterRng& rng) {
  if (x.rank() != 1 || x.size() != psd.n)
    throw ShapeMismatch("add_glitches", "the series and the PSD grid differ in length");
  if (o.count < 0) throw InvalidInput("glitch count", "must be >= 0");
  if (!(o.snr_min > 0 && o.snr_max >= o.snr_min))
    throw InvalidInput("glitch snr", "need 0 < snr_min <= snr_max");
  if (!(o.f_min > 0 && o.f_max >= o.f_min && o.f_max < psd.sample_rate / 2))
    throw InvalidInput("glitch frequency", "need 0 < f_min <= f_max < Nyquist");
  if (!(o.q_min > 0 && o.q_max >= o.q_min))
    throw InvalidInput("glitch Q", "need 0 < q_min <= q_max");
  if (!(o.duration_min > 0 && o.duration_max >= o.duration_min))
    throw InvalidInput("glitch duration", "need 0 < duration_min <= duration_max");
  if (!(o.sine_gaussian_fraction >= 0 && o.sine_gaussian_fraction <= 1))
    throw InvalidInput("glitch sine_gaussian_fraction", "must be in [0, 1]");
  const double fs = psd.sample_rate;
  const double length = static_cast<double>(x.size()) / fs;
  if (!(o.edge >= 0) || length <= 2 * o.edge)
    throw InvalidInput("glitch edge", "the series is too short for the edges");

  std::vector<Glitch> out;
  for (int i = 0; i < o.count; ++i) {
    const auto idx = static_cast<std::uint64_t>(i);
    Glitch g;
    g.kind = rng.uniform(idx, 0) < o.sine_gaussian_fraction ? GlitchKind::kSineGaussian
                                                            : GlitchKind::kBlip;
    g.time = o.edge + (length - 2 * o.edge) * rng.uniform(idx, 1);
    g.snr = o.snr_min + (o.snr_max - o.snr_min) * rng.uniform(idx, 2);
    Array<double> h;
    if (g.kind == GlitchKind::kSineGaussian) {
      g.frequency = o.f_min * std::pow(o.f_max / o.f_min, rng.uniform(idx, 3));
      g.q = o.q_min + (o.q_max - o.q_min) * rng.uniform(idx, 4);
      SineGaussianParams p{g.frequency, g.q, 1.0, g.time,
                           2 * std::numbers::pi * rng.uniform(idx, 5)};
      h = sine_gaussian(p, x.size(), fs);
    } else {
      g.duration = o.duration_min * std::pow(o.duration_max / o.duration_min, rng.uniform(idx, 3));
      const double r = g.duration / 8;
      h = Array<double>(Shape{x.size()});
      const index_t lo =
          std::max<index_t>(0, static_cast<index_t>((g.time - g.duration - 10 * r) * fs));
      const index_t hi = std::min<index_t>(
          x.size(), static_cast<index_t>((g.time + g.duration + 10 * r) * fs) + 1);
      const double sign = rng.uniform(idx, 4) < 0.5 ? -1.0 : 1.0;
      for (index_t j = lo; j < hi; ++j) {
        const double t = static_cast<double>(j) / fs - g.time;
        h[j] = sign * 0.5 *
               (std::tanh((t + g.duration / 2) / r) - std::tanh((t - g.duration / 2) / r));
      }
    }
    scale_to_snr(h, psd, g.snr);
    for (double v : h) g.amplitude = std::max(g.amplitude, std::abs(v));
    for (index_t j = 0; j < x.size(); ++j) x[j] += h[j];
    out.push_back(g);
  }
  std::sort(out.begin(), out.end(),
            [](const Glitch& a, const Glitch& b) { return a.time < b.time; });
  return out;
}

}  // namespace tweed::gw

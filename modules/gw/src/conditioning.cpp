// Windows, whitening and zero-phase frequency-domain filters (shared rfft/irfft).
#include <cmath>
#include <complex>
#include <functional>
#include <numbers>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/gw/conditioning.hpp"

namespace tweed::gw {
namespace {
constexpr double kPi = std::numbers::pi;

void check_series(const Array<double>& x, const char* who) {
  if (x.rank() != 1 || x.size() < 2) throw InvalidInput(who, "needs a 1-D series of >= 2 samples");
}

// x filtered by the real gain G(f) applied to every rfft bin.
Array<double> apply_gain(const Array<double>& x, double fs,
                         const std::function<double(double)>& gain) {
  Array<cdouble> s = fft::rfft(x, 1, fft::Norm::backward);
  const double df = fs / static_cast<double>(x.size());
  for (index_t k = 0; k < s.size(); ++k) s[k] *= gain(static_cast<double>(k) * df);
  return fft::irfft(s, x.size(), 1, fft::Norm::backward);
}
}  // namespace

Array<double> tukey_window(index_t n, double alpha) {
  if (n < 1) throw InvalidInput("tukey_window", "length must be positive");
  if (!(alpha >= 0 && alpha <= 1)) throw InvalidInput("tukey alpha", "must be in [0, 1]");
  Array<double> w(Shape{n}, 1.0);
  if (alpha == 0 || n == 1) return w;
  const double width = alpha * static_cast<double>(n - 1) / 2;  // samples in each taper
  for (index_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(std::min(i, n - 1 - i));
    if (d < width) w[i] = 0.5 * (1 - std::cos(kPi * d / width));
  }
  return w;
}

void apply_tukey(Array<double>& x, double alpha) {
  const Array<double> w = tukey_window(x.size(), alpha);
  for (index_t i = 0; i < x.size(); ++i) x[i] *= w[i];
}

Array<double> whiten(const Array<double>& x, const Psd& psd_in) {
  check_series(x, "whiten");
  if (psd_in.values.size() != psd_in.bins() || psd_in.n < 2)
    throw InvalidInput("whiten", "the PSD's values do not match its grid");
  const Psd psd = psd_in.n == x.size() ? psd_in : resample(psd_in, x.size());
  const double dt = 1.0 / psd.sample_rate;
  Array<cdouble> s = fft::rfft(x, 1, fft::Norm::backward);
  for (index_t k = 0; k < s.size(); ++k) {
    const double v = psd.values[k];
    s[k] = (v > 0 && std::isfinite(v)) ? s[k] / std::sqrt(v / (2 * dt)) : cdouble(0);
  }
  return fft::irfft(s, x.size(), 1, fft::Norm::backward);
}

double butterworth_gain(double f, double fs, double f_lo, double f_hi, int order) {
  if (order < 1) throw InvalidInput("butterworth order", "must be >= 1");
  const double nyq = fs / 2;
  const bool low = f_lo > 0, high = f_hi < nyq;
  if (!low && !high) return 1.0;
  if (low && high && !(f_lo < f_hi)) throw InvalidInput("band", "needs f_lo < f_hi");
  if (f >= nyq) f = nyq * (1 - 1e-12);  // tan(pi/2) is infinite: the gain's limit
  const double w = std::tan(kPi * f / fs);
  double x;
  if (low && high) {
    const double wl = std::tan(kPi * f_lo / fs), wh = std::tan(kPi * f_hi / fs);
    if (w == 0) return 0.0;
    x = (w * w - wl * wh) / (w * (wh - wl));
  } else if (high) {  // low-pass at f_hi
    x = w / std::tan(kPi * f_hi / fs);
  } else {  // high-pass at f_lo
    if (w == 0) return 0.0;
    x = std::tan(kPi * f_lo / fs) / w;
  }
  return 1.0 / (1.0 + std::pow(x * x, order));
}

Array<double> bandpass(const Array<double>& x, double fs, double f_lo, double f_hi, int order) {
  check_series(x, "bandpass");
  if (!(fs > 0)) throw InvalidInput("bandpass", "sample rate must be positive");
  if (f_lo > 0 && f_hi < fs / 2 && !(f_lo < f_hi))
    throw InvalidInput(
        "band", "needs f_lo < f_hi, got " + std::to_string(f_lo) + ", " + std::to_string(f_hi));
  if (order < 1) throw InvalidInput("butterworth order", "must be >= 1");
  return apply_gain(x, fs, [&](double f) { return butterworth_gain(f, fs, f_lo, f_hi, order); });
}

double notch_gain(double f, double fs, double f0, double q) {
  if (!(f0 > 0 && f0 < fs / 2)) throw InvalidInput("notch frequency", "must be in (0, Nyquist)");
  if (!(q > 0)) throw InvalidInput("notch Q", "must be positive");
  const double w0 = 2 * kPi * f0 / fs;
  const double g = 1.0 / (1.0 + std::tan(kPi * f0 / (q * fs)));
  const std::complex<double> z1 = std::polar(1.0, -2 * kPi * f / fs);  // z^-1
  const std::complex<double> num = g * (1.0 - 2.0 * std::cos(w0) * z1 + z1 * z1);
  const std::complex<double> den = 1.0 - 2.0 * g * std::cos(w0) * z1 + (2 * g - 1) * z1 * z1;
  return std::norm(num / den);
}

Array<double> notch(const Array<double>& x, double fs, std::span<const double> frequencies,
                    double q) {
  check_series(x, "notch");
  for (double f0 : frequencies) (void)notch_gain(0, fs, f0, q);  // validates every f0
  return apply_gain(x, fs, [&](double f) {
    double g = 1;
    for (double f0 : frequencies) g *= notch_gain(f, fs, f0, q);
    return g;
  });
}

}  // namespace tweed::gw

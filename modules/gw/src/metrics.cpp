// SNR, overlap, match (frequency domain, noise-weighted) and window metrics (time domain).
#include <algorithm>
#include <cmath>
#include <limits>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/gw/metrics.hpp"

namespace tweed::gw {
namespace {

void check_pair(const Array<double>& a, const Psd& psd, const char* who) {
  if (a.rank() != 1 || a.size() != psd.n)
    throw ShapeMismatch(who, "series of length " + std::to_string(a.size()) +
                                 " against a PSD grid of length " + std::to_string(psd.n));
  if (psd.values.size() != psd.bins()) throw InvalidInput(who, "PSD values do not match its grid");
}

// dt * DFT (continuous-FT convention).
Array<cdouble> spectrum(const Array<double>& a, double sample_rate) {
  Array<cdouble> s = fft::rfft(a, 1, fft::Norm::backward);
  const double dt = 1.0 / sample_rate;
  for (auto& v : s) v *= dt;
  return s;
}

// 1/S_k inside [f_lo, f_hi] (DC excluded), else 0.
std::vector<double> weights(const Psd& psd, double f_lo, double f_hi) {
  std::vector<double> w(static_cast<std::size_t>(psd.bins()), 0.0);
  for (index_t k = 1; k < psd.bins(); ++k) {
    const double f = psd.frequency(k);
    const double s = psd.values[k];
    if (f >= f_lo && f <= f_hi && s > 0 && std::isfinite(s))
      w[static_cast<std::size_t>(k)] = 1.0 / s;
  }
  return w;
}

void check_window(Window w, index_t n, const char* who) {
  if (w.begin < 0 || w.end > n || w.begin >= w.end)
    throw InvalidInput(who, "window [" + std::to_string(w.begin) + ", " + std::to_string(w.end) +
                                ") is empty or outside the series of length " + std::to_string(n));
}

// Complex z_j = 4 df sum_k a~_k conj(b~_k) w_k e^{2 pi i k j / n} (positive frequencies only).
Array<cdouble> correlate(const Array<double>& a, const Array<double>& b, const Psd& psd,
                         double f_lo, double f_hi) {
  const auto A = spectrum(a, psd.sample_rate);
  const auto B = spectrum(b, psd.sample_rate);
  const auto w = weights(psd, f_lo, f_hi);
  Array<cdouble> z(Shape{psd.n});
  for (index_t k = 1; k < psd.bins(); ++k)
    z[k] = A[k] * std::conj(B[k]) * w[static_cast<std::size_t>(k)];
  fft::transform(z.data(), z.shape(), {0}, fft::Direction::inverse, fft::Norm::backward);
  const double scale = 4.0 * psd.df() * static_cast<double>(psd.n);  // undo the 1/n
  for (auto& v : z) v *= scale;
  return z;
}

}  // namespace

Window window_around(double center, double before, double after, index_t n, double fs) {
  Window w;
  w.begin = std::clamp<index_t>(static_cast<index_t>(std::llround((center - before) * fs)), 0, n);
  w.end = std::clamp<index_t>(static_cast<index_t>(std::llround((center + after) * fs)), 0, n);
  return w;
}

double inner_product(const Array<double>& a, const Array<double>& b, const Psd& psd, double f_lo,
                     double f_hi) {
  check_pair(a, psd, "inner_product");
  check_pair(b, psd, "inner_product");
  const auto A = spectrum(a, psd.sample_rate);
  const auto B = spectrum(b, psd.sample_rate);
  const auto w = weights(psd, f_lo, f_hi);
  double sum = 0;
  for (index_t k = 1; k < psd.bins(); ++k)
    sum += (A[k] * std::conj(B[k])).real() * w[static_cast<std::size_t>(k)];
  return 4.0 * psd.df() * sum;
}

double optimal_snr(const Array<double>& h, const Psd& psd, double f_lo, double f_hi) {
  return std::sqrt(std::max(0.0, inner_product(h, h, psd, f_lo, f_hi)));
}

double overlap(const Array<double>& a, const Array<double>& b, const Psd& psd, double f_lo,
               double f_hi) {
  const double aa = inner_product(a, a, psd, f_lo, f_hi);
  const double bb = inner_product(b, b, psd, f_lo, f_hi);
  if (aa <= 0 || bb <= 0) return 0;
  return inner_product(a, b, psd, f_lo, f_hi) / std::sqrt(aa * bb);
}

MatchedFilterResult matched_filter(const Array<double>& data, const Array<double>& templ,
                                   const Psd& psd, double f_lo, double f_hi) {
  check_pair(data, psd, "matched_filter");
  check_pair(templ, psd, "matched_filter");
  const double sigma = optimal_snr(templ, psd, f_lo, f_hi);
  if (!(sigma > 0)) throw InvalidInput("matched_filter", "the template has zero norm in the band");
  const auto z = correlate(data, templ, psd, f_lo, f_hi);
  MatchedFilterResult r;
  r.series = Array<double>(Shape{psd.n});
  for (index_t j = 0; j < psd.n; ++j) {
    r.series[j] = std::abs(z[j]) / sigma;
    if (r.series[j] > r.snr) {
      r.snr = r.series[j];
      r.peak = j;
      r.phase = std::arg(z[j]);
    }
  }
  return r;
}

double match(const Array<double>& a, const Array<double>& b, const Psd& psd, double f_lo,
             double f_hi) {
  check_pair(a, psd, "match");
  check_pair(b, psd, "match");
  const double aa = inner_product(a, a, psd, f_lo, f_hi);
  const double bb = inner_product(b, b, psd, f_lo, f_hi);
  if (aa <= 0 || bb <= 0) return 0;
  const auto z = correlate(a, b, psd, f_lo, f_hi);
  double best = 0;
  for (const auto& v : z) best = std::max(best, std::abs(v));
  return std::min(1.0, best / std::sqrt(aa * bb));
}

double window_overlap(const Array<double>& x, const Array<double>& y, Window w) {
  if (x.size() != y.size()) throw ShapeMismatch("window_overlap", "series differ in length");
  check_window(w, x.size(), "window_overlap");
  double xy = 0, xx = 0, yy = 0;
  for (index_t i = w.begin; i < w.end; ++i) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  return (xx > 0 && yy > 0) ? xy / std::sqrt(xx * yy) : 0.0;
}

WindowMatch window_match(const Array<double>& x, const Array<double>& reference, Window w,
                         index_t max_shift, bool maximise_phase) {
  if (x.size() != reference.size()) throw ShapeMismatch("window_match", "series differ in length");
  check_window(w, x.size(), "window_match");
  if (max_shift < 0) throw InvalidInput("window_match", "max_shift must be >= 0");
  // The reference's quadrature (Hilbert transform): -i sign(f) in the frequency domain.
  Array<double> quad;
  if (maximise_phase) {
    Array<cdouble> s = fft::rfft(reference, 1, fft::Norm::backward);
    for (index_t k = 0; k < s.size(); ++k) {
      const bool edge = k == 0 || (reference.size() % 2 == 0 && k == s.size() - 1);
      s[k] = edge ? cdouble(0) : cdouble(s[k].imag(), -s[k].real());
    }
    quad = fft::irfft(s, reference.size(), 1, fft::Norm::backward);
  }
  double yy = 0, qq = 0, yq = 0;
  for (index_t i = w.begin; i < w.end; ++i) {
    yy += reference[i] * reference[i];
    if (maximise_phase) {
      qq += quad[i] * quad[i];
      yq += reference[i] * quad[i];
    }
  }
  WindowMatch best;
  best.match = -std::numeric_limits<double>::infinity();
  for (index_t s = -max_shift; s <= max_shift; ++s) {
    if (w.begin + s < 0 || w.end + s > x.size()) continue;
    double xx = 0, xy = 0, xq = 0;
    for (index_t i = w.begin; i < w.end; ++i) {
      const double v = x[i + s];
      xx += v * v;
      xy += v * reference[i];
      if (maximise_phase) xq += v * quad[i];
    }
    if (!(xx > 0)) continue;
    double m = 0, phase = 0;
    if (!maximise_phase) {
      m = yy > 0 ? xy / std::sqrt(xx * yy) : 0;
    } else {
      // max over p of <x, c y + s q> / (||x|| ||c y + s q||) with v = (<x,y>, <x,q>) and the
      // Gram matrix G of (y, q): by Cauchy-Schwarz in the G-metric the maximum is
      // sqrt(v^T G^-1 v) / ||x||, attained at (cos p, sin p) parallel to G^-1 v.
      const double det = yy * qq - yq * yq;
      if (det > 0) {
        const double g0 = (qq * xy - yq * xq) / det, g1 = (yy * xq - yq * xy) / det;
        m = std::sqrt(std::max(0.0, xy * g0 + xq * g1) / xx);
        phase = std::atan2(g1, g0);
      } else {
        m = yy > 0 ? std::abs(xy) / std::sqrt(xx * yy) : 0;
      }
    }
    if (m > best.match) best = {m, s, phase};
  }
  if (!std::isfinite(best.match)) best = {0, 0, 0};
  return best;
}

double snr_gain_db(const Array<double>& noisy, const Array<double>& denoised,
                   const Array<double>& clean, Window w) {
  if (noisy.size() != clean.size() || denoised.size() != clean.size())
    throw ShapeMismatch("snr_gain_db", "series differ in length");
  check_window(w, clean.size(), "snr_gain_db");
  double before = 0, after = 0;
  for (index_t i = w.begin; i < w.end; ++i) {
    before += (noisy[i] - clean[i]) * (noisy[i] - clean[i]);
    after += (denoised[i] - clean[i]) * (denoised[i] - clean[i]);
  }
  if (after == 0) return std::numeric_limits<double>::infinity();
  return 10 * std::log10(before / after);
}

double residual_energy(const Array<double>& denoised, const Array<double>& clean, Window w) {
  if (denoised.size() != clean.size())
    throw ShapeMismatch("residual_energy", "series differ in length");
  check_window(w, clean.size(), "residual_energy");
  double r = 0, s = 0;
  for (index_t i = w.begin; i < w.end; ++i) {
    r += (denoised[i] - clean[i]) * (denoised[i] - clean[i]);
    s += clean[i] * clean[i];
  }
  return s > 0 ? r / s : std::numeric_limits<double>::infinity();
}

}  // namespace tweed::gw

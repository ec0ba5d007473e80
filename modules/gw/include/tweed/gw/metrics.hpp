// Detection and reconstruction metrics for strain series.
//
// Noise-weighted inner product (PyCBC's sigmasq / overlap conventions), with a~ = dt DFT(a):
//   (a|b) = 4 Re sum_{k: f_lo <= f_k <= f_hi} a~_k conj(b~_k) / S_k  df      (DC excluded)
// Optimal SNR rho = sqrt((h|h)). Matched filter of data d with template h:
//   z(t_j) = 4 sum_k d~_k conj(h~_k) / S_k e^{2 pi i k j / n} df / sqrt((h|h)),
// complex (the real part is the cos-phase template, the imaginary part the sin-phase one), so
// |z| is maximised over the template's phase; its maximum over j is the matched-filter SNR.
// Overlap O = (a|b) / sqrt((a|a)(b|b)); match = max over circular time shift and phase of the
// normalised |z|.
//
// Time-domain versions for whitened series (where the noise is white, the plain dot product is
// the noise-weighted one) over a window of samples W = [begin, end):
//   window overlap   <x, y>_W / (||x_W|| ||y_W||)
//   window match     max_{|s| <= max_shift} <x_{W+s}, y_W> / (||x_{W+s}|| ||y_W||), optionally
//                    also maximised over a constant phase of y (through its quadrature y^, the
//                    Hilbert transform computed with the shared FFT: cos p y + sin p y^);
//   SNR gain (dB)    10 log10(||x_W - s_W||^2 / ||u_W - s_W||^2) for noisy x, denoised u, clean s;
//   residual energy  ||u_W - s_W||^2 / ||s_W||^2.
#pragma once

#include "tweed/core/array.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {

/// Half-open range of sample indices.
struct Window {
  index_t begin = 0;
  index_t end = 0;
  index_t size() const { return end - begin; }
};
/// The window [center - before, center + after) seconds, clamped to the series.
Window window_around(double center, double before, double after, index_t n, double sample_rate);

/// (a|b) as above; a, b of length psd.n. f_hi defaults to Nyquist.
double inner_product(const Array<double>& a, const Array<double>& b, const Psd& psd,
                     double f_lo = 0, double f_hi = 1e300);
double optimal_snr(const Array<double>& h, const Psd& psd, double f_lo = 0, double f_hi = 1e300);
double overlap(const Array<double>& a, const Array<double>& b, const Psd& psd, double f_lo = 0,
               double f_hi = 1e300);

struct MatchedFilterResult {
  double snr = 0;        ///< max_j |z_j|
  index_t peak = 0;      ///< argmax: the circular shift of the template that fits best
  double phase = 0;      ///< arg z at the peak
  Array<double> series;  ///< |z_j| for every shift j
};
/// Matched filter of data against a template (both of length psd.n; the template's time origin is
/// sample 0, shifts are circular).
MatchedFilterResult matched_filter(const Array<double>& data, const Array<double>& templ,
                                   const Psd& psd, double f_lo = 0, double f_hi = 1e300);
/// Overlap maximised over circular time shift and phase, in [0, 1].
double match(const Array<double>& a, const Array<double>& b, const Psd& psd, double f_lo = 0,
             double f_hi = 1e300);

/// <x, y>_W / (||x_W|| ||y_W||); 0 when either is zero.
double window_overlap(const Array<double>& x, const Array<double>& y, Window w);

struct WindowMatch {
  double match = 0;   ///< the maximised normalised inner product
  index_t shift = 0;  ///< s at the maximum (x is read at W + s)
  double phase = 0;   ///< phase of the reference at the maximum (0 unless maximised over phase)
};
/// Window match of x against the reference y, maximised over shifts |s| <= max_shift (samples;
/// windows that leave the series are skipped) and, when maximise_phase, over y's phase.
WindowMatch window_match(const Array<double>& x, const Array<double>& reference, Window w,
                         index_t max_shift, bool maximise_phase = false);

/// SNR gain of denoising in dB (see above); +Inf when u equals s on W.
double snr_gain_db(const Array<double>& noisy, const Array<double>& denoised,
                   const Array<double>& clean, Window w);
/// ||u_W - s_W||^2 / ||s_W||^2.
double residual_energy(const Array<double>& denoised, const Array<double>& clean, Window w);

}  // namespace tweed::gw

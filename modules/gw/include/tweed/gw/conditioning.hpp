// Conditioning of strain before denoising or display: windows, whitening, zero-phase band-pass,
// low-pass and notch filters. Filters act in the frequency domain through the shared rfft/irfft,
// so they are zero-phase and circular (apply a Tukey window first to avoid wrap-around at the
// ends, as with any FFT filter).
//
// Zero-phase Butterworth: the gain |H(f)|^2 of the order-n digital Butterworth filter designed
// by the bilinear transform (scipy.signal.butter(n, ..., fs=fs)), i.e. what filtfilt/sosfiltfilt
// applies away from the ends. With the pre-warped frequency W(f) = tan(pi f / fs):
//   low-pass   G = 1 / (1 + (W / W_c)^(2n))
//   high-pass  G = 1 / (1 + (W_c / W)^(2n))
//   band-pass  G = 1 / (1 + ((W^2 - W_lo W_hi) / (W (W_hi - W_lo)))^(2n))   (order-2n filter)
// Notch: the gain |H(e^{i w})|^2, w = 2 pi f / fs, of scipy.signal.iirnotch(f0, Q, fs) (the
// second-order notch b = g [1, -2 cos w0, 1], a = [1, -2 g cos w0, 2 g - 1], g = 1 / (1 + tan(pi
// f0 / (Q fs))), -3 dB bandwidth f0 / Q), evaluated exactly on the rfft grid: the response of
// filtfilt with that notch away from the ends.
#pragma once

#include <span>

#include "tweed/core/array.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {

/// Tukey window of n samples: flat, with cosine tapers over alpha/2 of the length at each end
/// (alpha = 0: rectangular, 1: Hann), as scipy.signal.windows.tukey(n, alpha, sym=True).
Array<double> tukey_window(index_t n, double alpha);
/// x *= tukey_window(x.size(), alpha).
void apply_tukey(Array<double>& x, double alpha);

/// Whitening: x~_k / sqrt(S_k / (2 dt)), back to the time domain (GWOSC tutorial convention:
/// Gaussian noise with PSD S becomes unit-variance white noise). The PSD is resampled to x's
/// length when its grid differs (e.g. a Welch estimate); bins with S = +Inf become 0.
Array<double> whiten(const Array<double>& x, const Psd& psd);

/// Gain of the zero-phase order-`order` Butterworth filter at f (Hz). f_lo <= 0: low-pass at
/// f_hi; f_hi >= fs / 2: high-pass at f_lo; both: band-pass [f_lo, f_hi].
double butterworth_gain(double f, double sample_rate, double f_lo, double f_hi, int order);
/// Zero-phase Butterworth band-pass (or low/high-pass, as butterworth_gain) of x.
Array<double> bandpass(const Array<double>& x, double sample_rate, double f_lo, double f_hi,
                       int order = 4);

/// Gain of the zero-phase notch at f0 with quality Q (scipy's iirnotch design applied
/// forward-backward) at frequency f.
double notch_gain(double f, double sample_rate, double f0, double q);
/// Removes narrow lines (e.g. 60 Hz mains and harmonics, violin modes): every f0 in
/// `frequencies` with the same Q.
Array<double> notch(const Array<double>& x, double sample_rate, std::span<const double> frequencies,
                    double q = 30);

}  // namespace tweed::gw

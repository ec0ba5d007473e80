// One-sided power spectral densities (PSD) of detector noise: the aLIGO design analytic fit, PSDs
// read from two-column text files, and Welch estimates from data.
//
// Convention: S(f) is one-sided (Hz^-1), so the variance of the noise is integral_0^{fs/2} S df
// and, for the continuous-FT convention n~(f) = dt * DFT(n), <|n~(f_k)|^2> = S(f_k) T / 2.
// A Psd holds S on the rfft grid of a real series of n samples: bin k is f_k = k fs / n,
// k = 0..n/2. A value of +Inf marks a bin without usable data (below the detector's low-frequency
// cut, outside a tabulated range): such bins get no simulated noise, are zeroed by whitening
// (1/sqrt(S) = 0) and drop out of every noise-weighted inner product (1/S = 0).
#pragma once

#include <string>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::gw {

struct Psd {
  index_t n = 0;           ///< length of the time series the grid belongs to
  double sample_rate = 0;  ///< Hz
  Array<double> values;    ///< S(f_k), k = 0..n/2 (n/2 + 1 values), Hz^-1; +Inf = no data
  double df() const { return sample_rate / static_cast<double>(n); }
  index_t bins() const { return n / 2 + 1; }
  double frequency(index_t k) const { return static_cast<double>(k) * df(); }
};

/// The aLIGO design sensitivity: the analytic fit in LALSuite's
/// lal/packages/noisemodels/src/LALAdvLIGOPsd.c ("data by Kip Thorne, fit by B.S.
/// Sathyaprakash"), which returns the bracket below (times 1e49):
///   S(f) = S0 [x^-4.14 - 5 x^-2 + 111 (1 - x^2 + x^4/2) / (1 + x^2/2)],  x = f / 215 Hz,
///   S0 = 1e-49 Hz^-1.
/// Valid for f >= ~10 Hz (the fit does not model the seismic wall below); f <= 0 gives +Inf.
double aligo_design_psd(double f);

/// aligo_design_psd on the rfft grid of n samples at sample_rate, +Inf below f_low (Hz, >= 10).
Psd aligo_design_psd(index_t n, double sample_rate, double f_low = 10.0);

/// A PSD tabulated at increasing positive frequencies.
struct PsdTable {
  std::vector<double> frequency;  ///< Hz, strictly increasing, > 0
  std::vector<double> value;      ///< S(f), Hz^-1, > 0
};

/// What the second column of a PSD file holds.
enum class PsdFileColumn {
  kPsd,  ///< S(f) (Hz^-1)
  kAsd,  ///< sqrt(S(f)) (Hz^-1/2), as LIGO's published design curves; squared on reading
};

/// Reads a two-column text file "f value" (whitespace or comma separated; '#' and '%' lines and
/// blank lines ignored). Throws IoError naming the file and line for a malformed line, fewer than
/// two points, non-increasing frequencies or non-positive values.
PsdTable read_psd_file(const std::string& path, PsdFileColumn column = PsdFileColumn::kPsd);

/// The table on the rfft grid of n samples: interpolated linearly in log f - log S (PSDs are
/// close to power laws between knots); bins outside [first, last] tabulated frequency and below
/// f_low are +Inf.
Psd psd_on_grid(const PsdTable& table, index_t n, double sample_rate, double f_low = 0.0);

/// A Psd moved to the grid of another length (linear interpolation between bins; +Inf where a
/// neighbour is +Inf), e.g. a Welch estimate on 4 s segments applied to a 32 s series.
Psd resample(const Psd& psd, index_t n);

enum class WelchAverage {
  kMean,    ///< Welch (1967)
  kMedian,  ///< robust to glitches; divided by the median's bias for chi^2_2 samples
            ///< (as scipy.signal.welch: median / (1 + sum_{i=1}^{(m-1)/2} (1/(2i+1) - 1/(2i)))
};

struct WelchOptions {
  /// Samples per segment; 0 = 4 s (the GWOSC tutorial's NFFT = 4 fs), capped at the length.
  index_t segment_length = 0;
  /// Fraction of a segment shared with the next, in [0, 1).
  double overlap = 0.5;
  WelchAverage average = WelchAverage::kMean;
  /// Subtract each segment's mean first (scipy.signal.welch's detrend='constant').
  bool detrend_mean = true;
};

/// Welch PSD of x (rank 1, sample_rate Hz) with a periodic Hann window (scipy's
/// get_window('hann')), one-sided density scaling S_k = c |X_k|^2 / (fs sum w^2) with c = 2 except
/// at DC and Nyquist (c = 1): the estimate of scipy.signal.welch(x, fs, 'hann', nperseg,
/// noverlap, detrend='constant', average=...). The grid is the segment's (n = segment_length).
/// Throws InvalidInput for a series shorter than one segment or bad options.
Psd welch_psd(const Array<double>& x, double sample_rate, const WelchOptions& options = {});

}  // namespace tweed::gw

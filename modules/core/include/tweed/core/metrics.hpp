// Image-quality and signal metrics. `ref` is the ground truth, `x` the estimate; both must have
// the same shape. Sums are accumulated in double precision.
#pragma once

#include "tweed/core/array.hpp"

namespace tweed::metrics {

/// Normalised root-mean-square error ||x - ref||_2 / ||ref||_2 (complex allowed). A zero `ref`
/// gives 0 when x is zero too, else +infinity.
template <Element T>
double nrmse(const Array<T>& ref, const Array<T>& x);

/// Signal-to-noise ratio in dB: 10 log10(||ref||^2 / ||x - ref||^2) (complex allowed); +infinity
/// when x == ref.
template <Element T>
double snr_db(const Array<T>& ref, const Array<T>& x);

/// Peak signal-to-noise ratio in dB: 10 log10(range^2 / MSE); +infinity when x == ref.
/// `data_range` <= 0 means max(ref) - min(ref) (InvalidInput for a constant ref). Note that
/// scikit-image's peak_signal_noise_ratio defaults to the range of the dtype instead (1 for float
/// images without negative values, 2 otherwise): pass data_range explicitly to compare.
template <class R>
double psnr(const Array<R>& ref, const Array<R>& x, double data_range = 0.0);

/// Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004): 11x11 Gaussian window with
/// sigma 1.5, K1 = 0.01, K2 = 0.03, population (co)variances, mean of the SSIM map over the
/// pixels whose window fits in the image — the settings of scikit-image's structural_similarity
/// with gaussian_weights=True, use_sample_covariance=False. Computed over the last two axes and
/// averaged over any leading axes (scikit-image with channel_axis=0 for a stack). The last two axes
/// must be at least 11 long. `data_range` <= 0 means max(ref) - min(ref) of the whole ref
/// (InvalidInput for a constant ref); scikit-image 0.19 defaults to the dtype's range instead (2
/// for float images), so pass data_range explicitly to compare.
template <class R>
double ssim(const Array<R>& ref, const Array<R>& x, double data_range = 0.0);

/// Spectral angle mapper: mean over pixels of the angle (radians) between the spectra of ref and
/// x, the spectrum being the last axis. Pixels where either spectrum is zero are skipped; NaN when
/// every pixel is.
template <class R>
double sam(const Array<R>& ref, const Array<R>& x);

}  // namespace tweed::metrics

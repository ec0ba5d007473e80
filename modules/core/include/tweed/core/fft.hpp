// Fast Fourier transforms over FFTW 3, float and double, on any subset of an array's axes.
//
// Conventions (the same as NumPy's):
//   forward  X[k] = s * sum_n x[n] exp(-2 pi i k n / N)
//   inverse  x[n] = s * sum_k X[k] exp(+2 pi i k n / N)
// with s = 1/sqrt(N) for Norm::ortho (unitary, the default), s = 1 forward and 1/N inverse for
// Norm::backward. The centred variants put the zero frequency and the zero position in the middle
// of each axis (index N/2): fftc = fftshift . fft . ifftshift, as MRI and BART use them.
//
// Threads and reproducibility: each axis is transformed by batches of 1-D transforms whose plans
// and batch boundaries depend only on the shape, and the batches are spread over num_threads()
// threads, so results are bit-identical for any thread count. Plans are cached (keyed by length,
// strides, batch, alignment and type) and planning is serialised, as FFTW requires.
#pragma once

#include <complex>
#include <initializer_list>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::fft {

enum class Direction { forward, inverse };
enum class Norm { ortho, backward };

/// In-place complex FFT of `data` (row-major, `shape`) over `axes` (empty = all axes).
template <class R>
void transform(std::complex<R>* data, const Shape& shape, const std::vector<int>& axes,
               Direction dir, Norm norm = Norm::ortho, bool centred = false);

/// Unitary FFT over `axes` of x, in place (empty axes = all).
template <class R>
void fft(Array<std::complex<R>>& x, const std::vector<int>& axes = {}) {
  transform(x.data(), x.shape(), axes, Direction::forward, Norm::ortho, false);
}
template <class R>
void ifft(Array<std::complex<R>>& x, const std::vector<int>& axes = {}) {
  transform(x.data(), x.shape(), axes, Direction::inverse, Norm::ortho, false);
}
/// Centred unitary FFT: fftshift(fft(ifftshift(x))) over `axes`, in place.
template <class R>
void fftc(Array<std::complex<R>>& x, const std::vector<int>& axes = {}) {
  transform(x.data(), x.shape(), axes, Direction::forward, Norm::ortho, true);
}
template <class R>
void ifftc(Array<std::complex<R>>& x, const std::vector<int>& axes = {}) {
  transform(x.data(), x.shape(), axes, Direction::inverse, Norm::ortho, true);
}

/// Circular shift by floor(N/2) (fftshift) or -floor(N/2) (ifftshift) along `axes`, in place.
template <Element T>
void fftshift(Array<T>& x, const std::vector<int>& axes = {});
template <Element T>
void ifftshift(Array<T>& x, const std::vector<int>& axes = {});

/// Real-to-complex FFT over the last `n_axes` axes: the last axis of the result has N/2+1 entries.
template <class R>
Array<std::complex<R>> rfft(const Array<R>& x, int n_axes = 1, Norm norm = Norm::ortho);
/// Inverse of rfft; `last_len` is the length of the real signal's last axis (N, not N/2+1).
template <class R>
Array<R> irfft(const Array<std::complex<R>>& X, index_t last_len, int n_axes = 1,
               Norm norm = Norm::ortho);

/// Number of cached plans (for tests and diagnostics).
std::size_t cached_plan_count();
/// Drops every cached plan (frees FFTW memory; plans are rebuilt on demand). Must not run while
/// another thread is inside a transform.
void clear_plan_cache();

}  // namespace tweed::fft

// Orthonormal two-channel filter banks: Haar and Daubechies' compactly supported wavelets.
//
// A filter bank is a low-pass h (length L = 2N for dbN) and the high-pass g[j] = (-1)^j h[L-1-j]
// (the quadrature mirror), normalised so that
//   sum_j h[j] = sqrt(2),    sum_j h[j] h[j + 2m] = delta(m)          (orthonormality)
//   sum_j j^p g[j] = 0  for p = 0 .. N-1                                (N vanishing moments)
// dbN is the minimum-phase solution of these conditions (Daubechies 1988), computed here rather
// than tabulated:
//   |H(w)|^2 = 2 cos^{2N}(w/2) P(sin^2(w/2)),   P(y) = sum_{k<N} C(N-1+k, k) y^k;
// each root y_r of P gives the z-plane pair z, 1/z of y = (2 - z - 1/z) / 4, of which the one
// inside the unit circle is kept (minimum phase), and
//   H(z) = sqrt(2) ((1 + z^-1) / 2)^N prod_r (1 - z_r z^-1) / (1 - z_r),  h[j] = coeff. of z^-j.
// db1 is Haar, h = (1, 1) / sqrt(2). The ordering is Daubechies' own: for db2,
// h = (1 + sqrt3, 3 + sqrt3, 3 - sqrt3, 1 - sqrt3) / (4 sqrt2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tweed::linop {

struct WaveletFilter {
  std::string name;              // "haar", "db2", ...
  std::vector<double> lowpass;   // h
  std::vector<double> highpass;  // g[j] = (-1)^j h[L-1-j]
};

/// Largest N for which daubechies(N) is offered (root finding stays accurate to ~1e-15 there).
inline constexpr int kMaxDaubechiesOrder = 10;

/// Daubechies' wavelet with `vanishing_moments` = N in [1, kMaxDaubechiesOrder] (filter length
/// 2N); N = 1 is Haar. InvalidInput("daubechies", ...) outside that range.
WaveletFilter daubechies(int vanishing_moments);
/// The Haar filter bank (= daubechies(1), named "haar").
WaveletFilter haar();
/// By name: "haar", "db1" .. "db10". InvalidInput("wavelet", ...) for other names.
WaveletFilter wavelet_filter(std::string_view name);

}  // namespace tweed::linop

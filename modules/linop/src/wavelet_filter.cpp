// Daubechies filters by spectral factorisation (see wavelet_filter.hpp for the construction).
// Arithmetic in long double complex: the roots of P are computed once per filter, and the extra
// precision keeps the final double coefficients orthonormal to rounding.
#include "tweed/linop/wavelet_filter.hpp"

#include <cmath>
#include <complex>

#include "tweed/core/error.hpp"

namespace tweed::linop {
namespace {

using cld = std::complex<long double>;

// p(x) for coefficients c[0] + c[1] x + ... (Horner).
cld eval(const std::vector<long double>& c, cld x) {
  cld v = 0;
  for (std::size_t k = c.size(); k-- > 0;) v = v * x + c[k];
  return v;
}
cld eval_derivative(const std::vector<long double>& c, cld x) {
  cld v = 0;
  for (std::size_t k = c.size(); k-- > 1;) v = v * x + c[k] * static_cast<long double>(k);
  return v;
}

// All roots of c[0] + ... + c[d] x^d by the Weierstrass (Durand-Kerner) iteration, each root then
// polished by Newton's method on the original polynomial. Degree <= 9 here: robust and exact
// enough.
std::vector<cld> polynomial_roots(const std::vector<long double>& c) {
  const std::size_t d = c.size() - 1;
  std::vector<cld> r(d);
  if (d == 0) return r;
  std::vector<long double> monic(c.size());
  for (std::size_t k = 0; k <= d; ++k) monic[k] = c[k] / c[d];
  // Cauchy's bound on the root moduli sets the size of the starting circle.
  long double bound = 0;
  for (std::size_t k = 0; k < d; ++k) bound = std::max(bound, std::abs(monic[k]));
  bound += 1;
  const cld seed(0.4L, 0.9L);  // not a root of unity, so the starting points stay distinct
  cld p = 1;
  for (std::size_t k = 0; k < d; ++k) {
    r[k] = bound * p;
    p *= seed;
  }
  for (int it = 0; it < 2000; ++it) {
    long double change = 0;
    for (std::size_t k = 0; k < d; ++k) {
      cld denom = 1;
      for (std::size_t j = 0; j < d; ++j)
        if (j != k) denom *= r[k] - r[j];
      const cld step = eval(monic, r[k]) / denom;
      r[k] -= step;
      change = std::max(change, std::abs(step) / std::max(1.0L, std::abs(r[k])));
    }
    if (change < 1e-18L) break;
  }
  for (auto& x : r)
    for (int it = 0; it < 5; ++it) {
      const cld dp = eval_derivative(c, x);
      if (std::abs(dp) == 0) break;
      x -= eval(c, x) / dp;
    }
  return r;
}

// Product of polynomials in w (coefficient vectors, lowest power first).
std::vector<cld> multiply(const std::vector<cld>& a, const std::vector<cld>& b) {
  std::vector<cld> out(a.size() + b.size() - 1, cld(0));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j) out[i + j] += a[i] * b[j];
  return out;
}

WaveletFilter from_lowpass(std::string name, std::vector<double> h) {
  WaveletFilter f{std::move(name), std::move(h), {}};
  const std::size_t len = f.lowpass.size();
  f.highpass.resize(len);
  for (std::size_t j = 0; j < len; ++j)
    f.highpass[j] = (j % 2 == 0 ? 1.0 : -1.0) * f.lowpass[len - 1 - j];
  return f;
}

}  // namespace

WaveletFilter daubechies(int n) {
  if (n < 1 || n > kMaxDaubechiesOrder)
    throw InvalidInput("daubechies", "vanishing moments must be in [1, " +
                                         std::to_string(kMaxDaubechiesOrder) + "], got " +
                                         std::to_string(n));
  // P(y) = sum_{k<n} C(n-1+k, k) y^k.
  std::vector<long double> pc(static_cast<std::size_t>(n));
  long double binom = 1;
  for (int k = 0; k < n; ++k) {
    pc[static_cast<std::size_t>(k)] = binom;
    binom = binom * static_cast<long double>(n + k) / static_cast<long double>(k + 1);
  }
  // H(w) in w = z^-1: sqrt2 ((1 + w)/2)^n prod_r (1 - z_r w)/(1 - z_r).
  std::vector<cld> poly{cld(std::sqrt(2.0L))};
  for (int k = 0; k < n; ++k) poly = multiply(poly, {cld(0.5L), cld(0.5L)});
  for (const cld& y : polynomial_roots(pc)) {
    // y = (2 - z - 1/z)/4  <=>  z^2 - b z + 1 = 0 with b = 2 - 4y; the two roots are z and 1/z.
    const cld b = 2.0L - 4.0L * y;
    const cld s = std::sqrt(b * b - 4.0L);
    cld z = (b + s) / 2.0L;
    if (std::abs(z) > 1) z = (b - s) / 2.0L;  // the root inside the unit circle: minimum phase
    poly = multiply(poly, {1.0L / (1.0L - z), -z / (1.0L - z)});
  }
  // Complex roots come in conjugate pairs, so the imaginary parts are rounding noise.
  std::vector<double> h(poly.size());
  for (std::size_t j = 0; j < poly.size(); ++j) h[j] = static_cast<double>(poly[j].real());
  return from_lowpass("db" + std::to_string(n), std::move(h));
}

WaveletFilter haar() {
  WaveletFilter f = daubechies(1);
  f.name = "haar";
  return f;
}

WaveletFilter wavelet_filter(std::string_view name) {
  if (name == "haar") return haar();
  if (name.size() >= 3 && name.substr(0, 2) == "db") {
    int n = 0;
    for (char ch : name.substr(2)) {
      if (ch < '0' || ch > '9' || n > kMaxDaubechiesOrder) {
        n = -1;
        break;
      }
      n = n * 10 + (ch - '0');
    }
    if (n >= 1 && n <= kMaxDaubechiesOrder) return daubechies(n);
  }
  throw InvalidInput("wavelet", "unknown wavelet '" + std::string(name) +
                                    "'; expected haar or db1 .. db" +
                                    std::to_string(kMaxDaubechiesOrder));
}

}  // namespace tweed::linop

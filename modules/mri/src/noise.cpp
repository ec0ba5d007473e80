// Noise covariance, Cholesky whitening and the coil-axis matrix product. The C x C algebra runs
// in double precision (Eigen); C is small (up to a few dozen coils), the data product is the
// cost and is threaded over points.
#include "tweed/mri/noise.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::mri {

namespace {

using MatrixXcd = Eigen::Matrix<cdouble, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void require_finite_noise(const Array<cfloat>& a, const std::string& subject) {
  for (index_t i = 0; i < a.size(); ++i)
    if (!std::isfinite(a[i].real()) || !std::isfinite(a[i].imag()))
      throw InvalidInput(subject, "holds a NaN or Inf at element " + std::to_string(i));
}

}  // namespace

Array<cfloat> noise_covariance(const Array<cfloat>& noise) {
  if (noise.rank() != 2 || noise.dim(0) < 1 || noise.dim(1) < 1)
    throw ShapeMismatch("noise samples",
                        "expected [coils, samples], got shape " + noise.shape().str());
  require_finite_noise(noise, "noise samples");
  const index_t nc = noise.dim(0), n = noise.dim(1);
  // Psi_ij = (1/N) sum_t n_i(t) conj(n_j(t)); the upper triangle is computed, the lower one is
  // its conjugate, so Psi is exactly Hermitian. Serial double sums: deterministic, and C^2 N is
  // small next to the data the matrix is applied to.
  Array<cfloat> psi(Shape{nc, nc});
  for (index_t i = 0; i < nc; ++i) {
    const cfloat* a = noise.data() + i * n;
    for (index_t j = i; j < nc; ++j) {
      const cfloat* b = noise.data() + j * n;
      cdouble acc{};
      for (index_t t = 0; t < n; ++t) acc += cdouble(a[t]) * std::conj(cdouble(b[t]));
      acc /= static_cast<double>(n);
      psi(i, j) = cfloat(acc);
      psi(j, i) = cfloat(std::conj(acc));
    }
    psi(i, i) = cfloat(psi(i, i).real(), 0.0f);
  }
  return psi;
}

Array<cfloat> whitening_matrix(const Array<cfloat>& covariance) {
  const Shape& s = covariance.shape();
  if (s.rank() != 2 || s[0] != s[1] || s[0] < 1)
    throw ShapeMismatch("noise covariance",
                        "expected a square [coils, coils] matrix, got shape " + s.str());
  require_finite_noise(covariance, "noise covariance");
  const index_t nc = s[0];
  MatrixXcd psi(nc, nc);
  double max_diag = 0.0;
  for (index_t i = 0; i < nc; ++i)
    for (index_t j = 0; j < nc; ++j) psi(i, j) = cdouble(covariance(i, j));
  for (index_t i = 0; i < nc; ++i) {
    const cdouble d = psi(i, i);
    if (!(d.real() > 0.0))
      throw InvalidInput("noise covariance",
                         "coil " + std::to_string(i) + " has a noise variance of " +
                             std::to_string(d.real()) + "; a covariance must be positive definite");
    max_diag = std::max(max_diag, d.real());
  }
  // Hermitian to float precision, relative to the largest variance.
  for (index_t i = 0; i < nc; ++i)
    for (index_t j = i + 1; j < nc; ++j)
      if (std::abs(psi(i, j) - std::conj(psi(j, i))) > 1e-5 * max_diag)
        throw InvalidInput("noise covariance", "is not Hermitian (entries (" + std::to_string(i) +
                                                   ", " + std::to_string(j) + ") and (" +
                                                   std::to_string(j) + ", " + std::to_string(i) +
                                                   ") are not conjugates)");
  const MatrixXcd herm = (psi + psi.adjoint()) * 0.5;
  const Eigen::LLT<MatrixXcd> llt(herm);
  const MatrixXcd l = llt.matrixL();
  // A singular covariance (coils that are linear combinations of others) survives the
  // factorisation in floating point with a small pivot instead of a zero: Psi is stored in float,
  // so its smallest eigenvalue is only known to ~1e-7 of the largest, and whitening with such a
  // pivot would amplify the data by its inverse. Pivots below 1e-3 of the largest noise standard
  // deviation (a variance ratio below 1e-6; real receive arrays stay far above) are refused.
  double min_pivot = INFINITY;
  for (index_t i = 0; i < nc; ++i) min_pivot = std::min(min_pivot, l(i, i).real());
  if (llt.info() != Eigen::Success || !(min_pivot > 1e-3 * std::sqrt(max_diag)))
    throw InvalidInput("noise covariance",
                       "is singular or not positive definite (Cholesky pivot " +
                           std::to_string(llt.info() == Eigen::Success ? min_pivot : 0.0) +
                           " against a largest noise SD of " + std::to_string(std::sqrt(max_diag)) +
                           "): some coils are linear combinations of others; whitening needs "
                           "independent coil noise");
  // W = L^{-1}: then W Psi W^H = L^{-1} L L^H L^{-H} = I.
  const MatrixXcd w = l.triangularView<Eigen::Lower>().solve(MatrixXcd::Identity(nc, nc));
  Array<cfloat> out(Shape{nc, nc});
  for (index_t i = 0; i < nc; ++i)
    for (index_t j = 0; j < nc; ++j) out(i, j) = cfloat(w(i, j));
  return out;
}

void apply_coil_matrix(const Array<cfloat>& w, Array<cfloat>& data) {
  const Shape& ws = w.shape();
  if (ws.rank() != 2 || ws[0] != ws[1])
    throw ShapeMismatch("coil matrix",
                        "expected a square [coils, coils] matrix, got shape " + ws.str());
  if (data.rank() < 1 || data.dim(0) != ws[0])
    throw ShapeMismatch("coil matrix",
                        "is " + ws.str() + " but the data " + data.shape().str() + " have " +
                            std::to_string(data.rank() ? data.dim(0) : 0) + " coils on axis 0");
  const index_t nc = ws[0];
  const index_t points = data.size() / std::max<index_t>(nc, 1);
  if (points == 0) return;
  // Blocks of points: each block gathers its coil vectors, multiplies, and writes back, so the
  // in-place update never reads a value it has already overwritten.
  constexpr index_t kBlock = 256;
  const index_t blocks = (points + kBlock - 1) / kBlock;
  cfloat* d = data.data();
  const cfloat* m = w.data();
  parallel_for(
      0, blocks,
      [&](index_t b) {
        const index_t p0 = b * kBlock, p1 = std::min(points, p0 + kBlock), np = p1 - p0;
        std::vector<cfloat> in(static_cast<std::size_t>(nc * np));
        for (index_t c = 0; c < nc; ++c) std::copy_n(d + c * points + p0, np, in.data() + c * np);
        for (index_t c = 0; c < nc; ++c) {
          cfloat* out = d + c * points + p0;
          std::fill_n(out, np, cfloat{});
          for (index_t k = 0; k < nc; ++k) {
            const cfloat a = m[c * nc + k];
            const cfloat* src = in.data() + k * np;
            // Written out: std::complex's operator* checks for NaN/Inf (C99 Annex G) and does
            // not vectorise.
            for (index_t p = 0; p < np; ++p)
              out[p] = cfloat(out[p].real() + a.real() * src[p].real() - a.imag() * src[p].imag(),
                              out[p].imag() + a.real() * src[p].imag() + a.imag() * src[p].real());
          }
        }
      },
      8);
}

}  // namespace tweed::mri

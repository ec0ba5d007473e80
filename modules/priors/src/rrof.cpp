// Regularised ROF: primal-dual Newton (1-D) and accelerated gradient (2-D); see rrof.hpp.
#include "tweed/priors/rrof.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::priors {
namespace {

/// The fewest pixels worth a parallel chunk of their own.
constexpr index_t kMinPixelsPerChunk = 16384;

struct Newton1dWork {
  std::vector<double> f, u, du, s, w, a, g, d, diag, cp, trial, trial_du, trial_s;
  void resize(index_t n) {
    for (auto* v : {&f, &u, &du, &s, &w, &a, &g, &d, &diag, &cp, &trial, &trial_du, &trial_s})
      v->resize(static_cast<std::size_t>(n));
  }
};

Newton1dWork& newton_work() {
  thread_local Newton1dWork work;
  return work;
}

/// One signal, in double: f and u of length n (u may be f). Returns the report.
RrofReport rrof1d(const double* f_in, index_t n, double lam, double beta, double* u_out, double tol,
                  int max_it) {
  RrofReport rep;
  if (n <= 1 || lam == 0) {
    std::copy(f_in, f_in + n, u_out);
    return rep;
  }
  Newton1dWork& wk = newton_work();
  wk.resize(n);
  const index_t m = n - 1;  // differences
  double* f = wk.f.data();
  double* u = wk.u.data();
  double *du = wk.du.data(), *s = wk.s.data(), *w = wk.w.data(), *a = wk.a.data();
  double *g = wk.g.data(), *d = wk.d.data(), *diag = wk.diag.data(), *cp = wk.cp.data();
  double *trial = wk.trial.data(), *tdu = wk.trial_du.data(), *ts = wk.trial_s.data();
  std::copy(f_in, f_in + n, f);
  std::copy(f_in, f_in + n, u);
  double norm_f2 = 0;
  for (index_t k = 0; k < n; ++k) norm_f2 += f[k] * f[k];
  const double threshold = tol * std::sqrt(norm_f2);

  for (index_t i = 0; i < m; ++i) {
    du[i] = u[i + 1] - u[i];
    s[i] = std::sqrt(du[i] * du[i] + beta);
    w[i] = du[i] / s[i];
  }
  int it = 0;
  double gnorm = 0;
  bool converged = false;
  for (;; ++it) {
    // grad F = u - f + lam D^T (Du / s), (D^T v)_k = v_{k-1} - v_k.
    double g2 = 0;
    for (index_t k = 0; k < n; ++k) {
      const double left = k > 0 ? du[k - 1] / s[k - 1] : 0.0;
      const double right = k < m ? du[k] / s[k] : 0.0;
      g[k] = u[k] - f[k] + lam * (left - right);
      g2 += g[k] * g[k];
    }
    gnorm = std::sqrt(g2);
    if (gnorm <= threshold) {
      converged = true;
      break;
    }
    if (it >= max_it) break;
    // Newton metric with the dual w: a = (1 - w Du / s) / s >= 0 because |w| <= 1.
    for (index_t i = 0; i < m; ++i) a[i] = std::max(0.0, 1.0 - w[i] * du[i] / s[i]) / s[i];
    // Thomas algorithm on (I + lam D^T A D) d = -g: diagonal 1 + lam (a_{k-1} + a_k),
    // off-diagonals -lam a_k. Diagonally dominant, so no pivoting is needed.
    for (index_t k = 0; k < n; ++k)
      diag[k] = 1.0 + lam * ((k > 0 ? a[k - 1] : 0.0) + (k < m ? a[k] : 0.0));
    {
      double denom = diag[0];
      cp[0] = m > 0 ? -lam * a[0] / denom : 0.0;
      d[0] = -g[0] / denom;
      for (index_t k = 1; k < n; ++k) {
        const double lower = -lam * a[k - 1];
        denom = diag[k] - lower * cp[k - 1];
        cp[k] = k < m ? -lam * a[k] / denom : 0.0;
        d[k] = (-g[k] - lower * d[k - 1]) / denom;
      }
      for (index_t k = n - 2; k >= 0; --k) d[k] -= cp[k] * d[k + 1];
    }
    double slope = 0;
    for (index_t k = 0; k < n; ++k) slope += g[k] * d[k];
    // Armijo backtracking on F. The change of F is summed term by term (differences of squares
    // and of square roots written without cancellation), so that it stays accurate near the
    // minimiser where F itself is large and the change tiny.
    double t = 1;
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls, t *= 0.5) {
      double delta = 0;
      for (index_t k = 0; k < n; ++k) {
        const double step = t * d[k];
        trial[k] = u[k] + step;
        delta += 0.5 * step * (step + 2 * (u[k] - f[k]));
      }
      for (index_t i = 0; i < m; ++i) {
        tdu[i] = trial[i + 1] - trial[i];
        ts[i] = std::sqrt(tdu[i] * tdu[i] + beta);
        delta += lam * (tdu[i] - du[i]) * (tdu[i] + du[i]) / (ts[i] + s[i]);
      }
      if (delta <= 1e-4 * t * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no descent left at this precision
    // Dual step from the linearisation at the old point: w + dw = a D d + Du / s.
    for (index_t i = 0; i < m; ++i)
      w[i] = std::clamp(a[i] * (d[i + 1] - d[i]) + du[i] / s[i], -1.0, 1.0);
    std::swap(wk.u, wk.trial);
    std::swap(wk.du, wk.trial_du);
    std::swap(wk.s, wk.trial_s);
    u = wk.u.data();
    du = wk.du.data();
    s = wk.s.data();
    trial = wk.trial.data();
    tdu = wk.trial_du.data();
    ts = wk.trial_s.data();
  }
  std::copy(u, u + n, u_out);
  rep.iterations = it;
  rep.converged = converged;
  rep.gradient_norm = gnorm;
  return rep;
}

/// grad F for the 2-D rROF at y (rows x cols), into g; returns ||g||^2. v0, v1 are work arrays.
double gradient_2d(const std::vector<double>& y, const std::vector<double>& f, index_t rows,
                   index_t cols, double lam, double beta, std::vector<double>& v0,
                   std::vector<double>& v1, std::vector<double>& g, std::vector<double>& row_sums) {
  // Rows per thread chunk: small images stay on one thread (waking a team costs more).
  const index_t grain = std::max<index_t>(1, kMinPixelsPerChunk / std::max<index_t>(cols, 1));
  // Fluxes v = grad y / sqrt(|grad y|^2 + beta).
  parallel_for(
      0, rows,
      [&](index_t r) {
        for (index_t c = 0; c < cols; ++c) {
          const index_t j = r * cols + c;
          const double g0 = r + 1 < rows ? y[j + cols] - y[j] : 0.0;
          const double g1 = c + 1 < cols ? y[j + 1] - y[j] : 0.0;
          const double inv = 1.0 / std::sqrt(g0 * g0 + g1 * g1 + beta);
          v0[j] = g0 * inv;
          v1[j] = g1 * inv;
        }
      },
      grain);
  // g = y - f + lam D^T v, (D_a^T v)_j = v_{j - e_a} (if inside) - v_j (if j is not last on a).
  parallel_for(
      0, rows,
      [&](index_t r) {
        double acc = 0;
        for (index_t c = 0; c < cols; ++c) {
          const index_t j = r * cols + c;
          double dt = 0;
          if (r > 0) dt += v0[j - cols];
          if (r + 1 < rows) dt -= v0[j];
          if (c > 0) dt += v1[j - 1];
          if (c + 1 < cols) dt -= v1[j];
          g[j] = y[j] - f[j] + lam * dt;
          acc += g[j] * g[j];
        }
        row_sums[static_cast<std::size_t>(r)] = acc;
      },
      grain);
  double total = 0;
  for (double v : row_sums) total += v;
  return total;
}

RrofReport rrof2d(const double* f_in, index_t rows, index_t cols, double lam, double beta,
                  double* u_out, double tol, int max_it) {
  RrofReport rep;
  const index_t n = rows * cols;
  if (n == 0 || lam == 0) {
    std::copy(f_in, f_in + n, u_out);
    return rep;
  }
  const auto sz = static_cast<std::size_t>(n);
  std::vector<double> f(f_in, f_in + n), u(f), y(f), g(sz), v0(sz), v1(sz);
  std::vector<double> row_sums(static_cast<std::size_t>(rows));
  double norm_f2 = 0;
  for (double v : f) norm_f2 += v * v;
  const double threshold = tol * std::sqrt(norm_f2);
  const double lipschitz = 1.0 + 8.0 * lam / std::sqrt(beta);
  const double momentum = (std::sqrt(lipschitz) - 1) / (std::sqrt(lipschitz) + 1);
  int it = 0;
  double gnorm = 0;
  bool converged = false;
  for (;; ++it) {
    gnorm = std::sqrt(gradient_2d(y, f, rows, cols, lam, beta, v0, v1, g, row_sums));
    // ||y - u*|| <= ||grad F(y)||: y itself is certified, return it.
    if (gnorm <= threshold) {
      converged = true;
      break;
    }
    if (it >= max_it) break;
    parallel_for(
        0, n,
        [&](index_t jj) {
          const auto j = static_cast<std::size_t>(jj);
          const double un = y[j] - g[j] / lipschitz;
          y[j] = un + momentum * (un - u[j]);
          u[j] = un;
        },
        kMinPixelsPerChunk);
  }
  std::copy(y.begin(), y.end(), u_out);
  rep.iterations = it;
  rep.converged = converged;
  rep.gradient_norm = gnorm;
  return rep;
}

int spatial_dims_of(const Shape& shape, int requested, const char* who) {
  const int nd = requested == 0 ? shape.rank() : requested;
  if (requested < 0 || nd < 1 || nd > 2 || nd > shape.rank())
    throw InvalidInput(who, "rROF over " + std::to_string(nd) + " axes of an array of shape " +
                                shape.str() + " is not supported (1 or 2 axes)");
  return nd;
}

}  // namespace

template <Element T>
RrofReport rrof_denoise(const Array<T>& f, double lambda, double beta, Array<T>& out,
                        const RrofOptions& opt) {
  static_assert(!is_complex_v<T>, "rROF is implemented for real data");
  detail::require_nonnegative(lambda, "rrof_denoise", "lambda");
  if (!(beta > 0) || !std::isfinite(beta))
    throw InvalidInput("rrof_denoise", "beta must be finite and > 0, got " + std::to_string(beta));
  if (!(opt.tolerance >= 0)) throw InvalidInput("rrof_denoise", "tolerance must be >= 0");
  const int nd = spatial_dims_of(f.shape(), opt.spatial_dims, "rrof_denoise");
  detail::prepare_out(f, out, "rrof_denoise");
  if (f.size() == 0) return {};
  const int rank = f.rank();
  RrofReport rep;
  auto merge = [&rep](const RrofReport& r) {
    rep.iterations = std::max(rep.iterations, r.iterations);
    rep.converged = rep.converged && r.converged;
    rep.gradient_norm = std::max(rep.gradient_norm, r.gradient_norm);
  };
  if (nd == 1) {
    const index_t n = f.dim(rank - 1);
    const index_t rows = f.size() / n;
    const int max_it = opt.max_iterations > 0 ? opt.max_iterations : 200;
    std::vector<RrofReport> reps(static_cast<std::size_t>(rows));
    parallel_for(
        0, rows,
        [&](index_t r) {
          std::vector<double> row(f.data() + r * n, f.data() + (r + 1) * n);
          reps[static_cast<std::size_t>(r)] =
              rrof1d(row.data(), n, lambda, beta, row.data(), opt.tolerance, max_it);
          std::transform(row.begin(), row.end(), out.data() + r * n,
                         [](double v) { return static_cast<T>(v); });
        },
        std::max<index_t>(1, kMinPixelsPerChunk / n));
    for (const RrofReport& r : reps) merge(r);
    return rep;
  }
  const index_t rows = f.dim(rank - 2), cols = f.dim(rank - 1);
  const index_t item = rows * cols;
  const int max_it = opt.max_iterations > 0 ? opt.max_iterations : 100000;
  std::vector<double> in(static_cast<std::size_t>(item)), res(static_cast<std::size_t>(item));
  for (index_t b = 0; b < f.size() / item; ++b) {
    std::copy(f.data() + b * item, f.data() + (b + 1) * item, in.begin());
    merge(rrof2d(in.data(), rows, cols, lambda, beta, res.data(), opt.tolerance, max_it));
    std::transform(res.begin(), res.end(), out.data() + b * item,
                   [](double v) { return static_cast<T>(v); });
  }
  return rep;
}

template <Element T>
double tv_beta_value(const Array<T>& x, double beta, int spatial_dims) {
  const int nd = spatial_dims_of(x.shape(), spatial_dims, "tv_beta_value");
  const int rank = x.rank();
  if (x.size() == 0) return 0;
  const T* p = x.data();
  double total = 0;
  if (nd == 1) {
    const index_t n = x.dim(rank - 1);
    for (index_t r = 0; r < x.size() / n; ++r)
      for (index_t i = 0; i + 1 < n; ++i) {
        const double d = double(p[r * n + i + 1]) - double(p[r * n + i]);
        total += std::sqrt(d * d + beta);
      }
    return total;
  }
  const index_t rows = x.dim(rank - 2), cols = x.dim(rank - 1);
  for (index_t b = 0; b < x.size() / (rows * cols); ++b)
    for (index_t r = 0; r < rows; ++r)
      for (index_t c = 0; c < cols; ++c) {
        const index_t j = b * rows * cols + r * cols + c;
        const double g0 = r + 1 < rows ? double(p[j + cols]) - double(p[j]) : 0.0;
        const double g1 = c + 1 < cols ? double(p[j + 1]) - double(p[j]) : 0.0;
        total += std::sqrt(g0 * g0 + g1 * g1 + beta);
      }
  return total;
}

template <Element T>
RrofProx<T>::RrofProx(double lambda, double beta, RrofOptions options)
    : lambda_(lambda), beta_(beta), options_(options) {
  detail::require_nonnegative(lambda, "RrofProx", "lambda");
  if (!(beta > 0) || !std::isfinite(beta))
    throw InvalidInput("RrofProx", "beta must be finite and > 0");
}

template <Element T>
void RrofProx<T>::prox(const Array<T>& x, double tau, Array<T>& out) const {
  detail::require_nonnegative(tau, name(), "tau");
  rrof_denoise(x, tau * lambda_, beta_, out, options_);
}

template <Element T>
double RrofProx<T>::value(const Array<T>& x) const {
  return lambda_ * tv_beta_value(x, beta_, options_.spatial_dims);
}

template RrofReport rrof_denoise<float>(const Array<float>&, double, double, Array<float>&,
                                        const RrofOptions&);
template RrofReport rrof_denoise<double>(const Array<double>&, double, double, Array<double>&,
                                         const RrofOptions&);
template double tv_beta_value<float>(const Array<float>&, double, int);
template double tv_beta_value<double>(const Array<double>&, double, int);
template class RrofProx<float>;
template class RrofProx<double>;

}  // namespace tweed::priors

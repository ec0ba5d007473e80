// Independent reference solvers and helpers for the priors tests. Written from the definitions,
// sharing no code with modules/priors, so that a test compares two different computations.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::priors::testing {

using Vec = std::vector<double>;

inline Vec random_vector(index_t n, std::uint64_t seed, double sigma = 1.0) {
  CounterRng rng(seed);
  Vec v(static_cast<std::size_t>(n));
  for (index_t i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] = sigma * rng.normal(std::uint64_t(i));
  return v;
}

/// Piecewise-constant steps plus noise: a signal where TV has something to find.
inline Vec steps_plus_noise(index_t n, std::uint64_t seed, double noise = 0.3) {
  CounterRng rng(seed, 7);
  Vec v(static_cast<std::size_t>(n));
  double level = 0;
  for (index_t i = 0; i < n; ++i) {
    if (rng.uniform(std::uint64_t(i), 1) < 0.05) level = 4 * rng.uniform(std::uint64_t(i), 2) - 2;
    v[static_cast<std::size_t>(i)] = level + noise * rng.normal(std::uint64_t(i));
  }
  return v;
}

inline double max_diff(const Vec& a, const Vec& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

inline double norm(const Vec& a) {
  double s = 0;
  for (double v : a) s += v * v;
  return std::sqrt(s);
}

// ---------------------------------------------------------------------------------------------
// 1-D TV: 1/2||x - y||^2 + lam sum |x_{i+1} - x_i|.

inline double tv1d_objective(const Vec& x, const Vec& y, double lam) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += 0.5 * (x[i] - y[i]) * (x[i] - y[i]);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) s += lam * std::abs(x[i + 1] - x[i]);
  return s;
}

struct Tv1dReference {
  Vec x;           // the primal solution
  Vec u;           // the dual (|u_i| <= lam)
  double kkt = 0;  // the largest KKT violation found
};

/// Exact 1-D TV by a primal-dual active-set method on the dual QP
///   min_u 1/2 ||y - D^T u||^2  s.t. |u_i| <= lam,   x = y - D^T u,  (D^T u)_k = u_{k-1} - u_k,
/// started from projected-gradient iterates; the active set is updated until it repeats, and
/// the reduced (tridiagonal, principal submatrix of D D^T) system is solved exactly. `kkt` reports
/// the largest violation of the KKT conditions of the result, which the tests check.
inline Tv1dReference tv1d_reference(const Vec& y, double lam) {
  const std::size_t n = y.size();
  Tv1dReference ref;
  if (n <= 1) {
    ref.x = y;
    return ref;
  }
  const std::size_t m = n - 1;
  Vec u(m, 0.0), x(n), mu(m);
  auto primal = [&] {
    for (std::size_t k = 0; k < n; ++k) {
      const double left = k > 0 ? u[k - 1] : 0.0;
      const double right = k < m ? u[k] : 0.0;
      x[k] = y[k] - (left - right);
    }
    for (std::size_t i = 0; i < m; ++i) mu[i] = x[i + 1] - x[i];
  };
  // Warm start: projected gradient (step 1/4 = 1/||D D^T||).
  for (int it = 0; it < 2000; ++it) {
    primal();
    for (std::size_t i = 0; i < m; ++i) u[i] = std::clamp(u[i] + 0.25 * mu[i], -lam, lam);
  }
  std::vector<int> state(m, 0), previous(m, 2);  // -1, 0 (free), +1
  for (int it = 0; it < 500; ++it) {
    primal();
    for (std::size_t i = 0; i < m; ++i) {
      const double v = u[i] + mu[i];
      state[i] = v > lam ? 1 : (v < -lam ? -1 : 0);
    }
    if (state == previous) break;
    previous = state;
    for (std::size_t i = 0; i < m; ++i)
      if (state[i] != 0) u[i] = state[i] * lam;
    // Free entries: (D D^T)_{FF} u_F = (D y)_F - (D D^T)_{FA} u_A, D D^T = tridiag(-1, 2, -1).
    std::vector<std::size_t> free;
    for (std::size_t i = 0; i < m; ++i)
      if (state[i] == 0) free.push_back(i);
    const std::size_t nf = free.size();
    if (nf == 0) continue;
    Vec a(nf), b(nf, 2.0), c(nf), r(nf);  // sub, diag, super, rhs
    for (std::size_t j = 0; j < nf; ++j) {
      const std::size_t i = free[j];
      r[j] = y[i + 1] - y[i];
      if (i > 0 && state[i - 1] != 0) r[j] += u[i - 1];
      if (i + 1 < m && state[i + 1] != 0) r[j] += u[i + 1];
      a[j] = j > 0 && free[j - 1] + 1 == i ? -1.0 : 0.0;
      c[j] = j + 1 < nf && free[j + 1] == i + 1 ? -1.0 : 0.0;
    }
    for (std::size_t j = 1; j < nf; ++j) {
      const double w = a[j] / b[j - 1];
      b[j] -= w * c[j - 1];
      r[j] -= w * r[j - 1];
    }
    Vec sol(nf);
    sol[nf - 1] = r[nf - 1] / b[nf - 1];
    for (std::size_t j = nf - 1; j-- > 0;) sol[j] = (r[j] - c[j] * sol[j + 1]) / b[j];
    for (std::size_t j = 0; j < nf; ++j) u[free[j]] = sol[j];
  }
  primal();
  double viol = 0;
  for (std::size_t i = 0; i < m; ++i) {
    viol = std::max(viol, std::abs(u[i]) - lam);
    if (std::abs(u[i]) < lam * (1 - 1e-12)) viol = std::max(viol, std::abs(mu[i]));
    if (u[i] >= lam * (1 - 1e-12)) viol = std::max(viol, -mu[i]);  // x increases there
    if (u[i] <= -lam * (1 - 1e-12)) viol = std::max(viol, mu[i]);  // x decreases there
  }
  ref.x = x;
  ref.u = u;
  ref.kkt = viol;
  return ref;
}

// ---------------------------------------------------------------------------------------------
// n-D TV (2-D, 3-D) with forward differences, Neumann boundary: plain index arithmetic.

struct Grid {
  std::vector<index_t> dims;  // row-major extents
  index_t size() const {
    index_t s = 1;
    for (index_t d : dims) s *= d;
    return s;
  }
  index_t stride(std::size_t a) const {
    index_t s = 1;
    for (std::size_t b = a + 1; b < dims.size(); ++b) s *= dims[b];
    return s;
  }
  index_t coord(index_t j, std::size_t a) const { return (j / stride(a)) % dims[a]; }
};

/// g[a][j] = u[j + e_a] - u[j] (0 on the last index of axis a).
inline std::vector<Vec> gradient(const Grid& g, const Vec& u) {
  std::vector<Vec> out(g.dims.size(), Vec(u.size(), 0.0));
  for (std::size_t a = 0; a < g.dims.size(); ++a)
    for (index_t j = 0; j < g.size(); ++j)
      if (g.coord(j, a) + 1 < g.dims[a])
        out[a][static_cast<std::size_t>(j)] =
            u[static_cast<std::size_t>(j + g.stride(a))] - u[static_cast<std::size_t>(j)];
  return out;
}

/// The adjoint of gradient(): (sum_a D_a^T p_a).
inline Vec gradient_adjoint(const Grid& g, const std::vector<Vec>& p) {
  Vec out(static_cast<std::size_t>(g.size()), 0.0);
  for (std::size_t a = 0; a < g.dims.size(); ++a)
    for (index_t j = 0; j < g.size(); ++j)
      if (g.coord(j, a) + 1 < g.dims[a]) {
        out[static_cast<std::size_t>(j + g.stride(a))] += p[a][static_cast<std::size_t>(j)];
        out[static_cast<std::size_t>(j)] -= p[a][static_cast<std::size_t>(j)];
      }
  return out;
}

inline double tv_nd(const Grid& g, const Vec& u, bool iso) {
  const auto gr = gradient(g, u);
  double s = 0;
  for (index_t j = 0; j < g.size(); ++j) {
    double acc = 0;
    for (const Vec& c : gr) {
      const double v = c[static_cast<std::size_t>(j)];
      acc += iso ? v * v : std::abs(v);
    }
    s += iso ? std::sqrt(acc) : acc;
  }
  return s;
}

inline double tv_nd_objective(const Grid& g, const Vec& u, const Vec& f, double lam, bool iso) {
  double s = 0;
  for (std::size_t i = 0; i < u.size(); ++i) s += 0.5 * (u[i] - f[i]) * (u[i] - f[i]);
  return s + lam * tv_nd(g, u, iso);
}

/// The dual objective at a feasible p: 1/2||f||^2 - 1/2||f - D^T p||^2 <= min of the primal.
inline double tv_nd_dual(const Grid& g, const std::vector<Vec>& p, const Vec& f) {
  const Vec dtp = gradient_adjoint(g, p);
  double s = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    s += 0.5 * f[i] * f[i] - 0.5 * (f[i] - dtp[i]) * (f[i] - dtp[i]);
  return s;
}

struct TvNdReference {
  Vec u;
  std::vector<Vec> p;  // feasible dual
  double primal = 0, dual = 0;
};

/// Chambolle-Pock primal-dual algorithm with acceleration for the 1-strongly convex primal
/// (Chambolle & Pock 2011, Algorithm 2), run for `iterations`: K = gradient, F = lam ||.||_{2,1}
/// (or l1), G = 1/2||. - f||^2.
inline TvNdReference tv_nd_reference(const Grid& g, const Vec& f, double lam, bool iso,
                                     int iterations) {
  const std::size_t nd = g.dims.size();
  const std::size_t n = f.size();
  double tau = 1.0 / std::sqrt(4.0 * double(nd)), sigma = tau;
  Vec u = f, ubar = f;
  std::vector<Vec> p(nd, Vec(n, 0.0));
  for (int it = 0; it < iterations; ++it) {
    const auto gu = gradient(g, ubar);
    for (std::size_t j = 0; j < n; ++j) {
      if (iso) {
        double s = 0;
        for (std::size_t a = 0; a < nd; ++a) {
          p[a][j] += sigma * gu[a][j];
          s += p[a][j] * p[a][j];
        }
        const double scale = std::max(1.0, std::sqrt(s) / lam);
        for (std::size_t a = 0; a < nd; ++a) p[a][j] /= scale;
      } else {
        for (std::size_t a = 0; a < nd; ++a)
          p[a][j] = std::clamp(p[a][j] + sigma * gu[a][j], -lam, lam);
      }
    }
    const Vec ktp = gradient_adjoint(g, p);
    Vec un(n);
    for (std::size_t j = 0; j < n; ++j) un[j] = (u[j] - tau * ktp[j] + tau * f[j]) / (1 + tau);
    const double theta = 1 / std::sqrt(1 + 2 * tau);
    tau *= theta;
    sigma /= theta;
    for (std::size_t j = 0; j < n; ++j) ubar[j] = un[j] + theta * (un[j] - u[j]);
    u = un;
  }
  TvNdReference ref;
  ref.u = u;
  ref.p = p;
  ref.primal = tv_nd_objective(g, u, f, lam, iso);
  ref.dual = tv_nd_dual(g, p, f);
  return ref;
}

// ---------------------------------------------------------------------------------------------
// A derivative-free minimiser for small nonsmooth problems: Nelder-Mead, restarted from the best
// point with a fresh simplex until a restart no longer improves.

inline Vec nelder_mead(const std::function<double(const Vec&)>& f, Vec x0, double step,
                       int max_evals = 400000) {
  const std::size_t n = x0.size();
  int evals = 0;
  double best = f(x0);
  for (int restart = 0; restart < 200 && evals < max_evals; ++restart) {
    std::vector<Vec> s(n + 1, x0);
    Vec fs(n + 1);
    for (std::size_t i = 0; i < n; ++i) s[i + 1][i] += step;
    for (std::size_t i = 0; i <= n; ++i) fs[i] = f(s[i]);
    evals += int(n) + 1;
    for (int it = 0; it < 20000; ++it) {
      std::vector<std::size_t> idx(n + 1);
      for (std::size_t i = 0; i <= n; ++i) idx[i] = i;
      std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return fs[a] < fs[b]; });
      std::vector<Vec> s2;
      Vec f2;
      for (auto i : idx) {
        s2.push_back(s[i]);
        f2.push_back(fs[i]);
      }
      s = s2;
      fs = f2;
      double spread = 0;
      for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t k = 0; k < n; ++k) spread = std::max(spread, std::abs(s[i][k] - s[0][k]));
      if (spread < 1e-13) break;
      Vec c(n, 0.0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < n; ++k) c[k] += s[i][k] / double(n);
      auto along = [&](double t) {
        Vec p(n);
        for (std::size_t k = 0; k < n; ++k) p[k] = c[k] + t * (s[n][k] - c[k]);
        return p;
      };
      const Vec xr = along(-1);
      const double fr = f(xr);
      ++evals;
      if (fr < fs[0]) {
        const Vec xe = along(-2);
        const double fe = f(xe);
        ++evals;
        if (fe < fr) {
          s[n] = xe;
          fs[n] = fe;
        } else {
          s[n] = xr;
          fs[n] = fr;
        }
      } else if (fr < fs[n - 1]) {
        s[n] = xr;
        fs[n] = fr;
      } else {
        const Vec xc = fr < fs[n] ? along(-0.5) : along(0.5);
        const double fc = f(xc);
        ++evals;
        if (fc < std::min(fr, fs[n])) {
          s[n] = xc;
          fs[n] = fc;
        } else {
          for (std::size_t i = 1; i <= n; ++i) {
            for (std::size_t k = 0; k < n; ++k) s[i][k] = s[0][k] + 0.5 * (s[i][k] - s[0][k]);
            fs[i] = f(s[i]);
          }
          evals += int(n);
        }
      }
    }
    const double fb = *std::min_element(fs.begin(), fs.end());
    const Vec xb = s[static_cast<std::size_t>(std::min_element(fs.begin(), fs.end()) - fs.begin())];
    const bool improved = fb < best - 1e-15;
    if (fb <= best) {
      best = fb;
      x0 = xb;
    }
    if (!improved && restart > 2) break;
    step = std::max(step * 0.5, 1e-6);
  }
  return x0;
}

}  // namespace tweed::priors::testing

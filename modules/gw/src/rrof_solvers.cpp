// rROF / exact TV of a 1-D series through the shared priors (Newton, taut string) and solvers
// (FISTA, PDHG, split Bregman) layers.
#include <algorithm>
#include <cmath>

#include "tweed/core/error.hpp"
#include "tweed/gw/denoise.hpp"
#include "tweed/linop/finite_difference.hpp"
#include "tweed/linop/identity.hpp"
#include "tweed/priors/rrof.hpp"
#include "tweed/priors/tv.hpp"
#include "tweed/solvers/fista.hpp"
#include "tweed/solvers/pdhg.hpp"
#include "tweed/solvers/split_bregman.hpp"

namespace tweed::gw {
namespace {

// prox of t * c * sqrt(z^2 + beta) at v, per element: the root of z + t c z / sqrt(z^2 + beta) = v,
// which has v's sign and |z| <= |v|. Safeguarded Newton on that bracket (the left side is
// increasing in z). beta = 0: the soft threshold.
double smooth_abs_prox(double v, double tc, double beta) {
  if (beta == 0) return std::copysign(std::max(0.0, std::abs(v) - tc), v);
  const double a = std::abs(v);
  double lo = 0, hi = a, z = a / (1 + tc / std::sqrt(a * a + beta));  // lagged start
  for (int it = 0; it < 60; ++it) {
    const double s = std::sqrt(z * z + beta);
    const double g = z + tc * z / s - a;
    if (g > 0)
      hi = z;
    else
      lo = z;
    const double dg = 1 + tc * beta / (s * s * s);
    double next = z - g / dg;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - z) <= 1e-15 * std::max(1.0, a)) {
      z = next;
      break;
    }
    z = next;
  }
  return std::copysign(z, v);
}

}  // namespace

Array<double> rrof_solve(const Array<double>& f, double lambda, double beta,
                         const RrofSolveOptions& options, RrofSolveReport* report) {
  if (f.rank() != 1) throw InvalidInput("rrof", "needs a 1-D series");
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw InvalidInput("lambda", "must be >= 0");
  if (!(beta >= 0) || !std::isfinite(beta)) throw InvalidInput("beta", "must be >= 0");
  if (!(options.tolerance > 0)) throw InvalidInput("rrof tolerance", "must be positive");
  RrofSolveReport rep;
  Array<double> u;
  const index_t n = f.size();
  if (lambda == 0 || n < 2) {
    u = f;
  } else if (beta == 0 && options.solver != RrofSolver::kPdhg &&
             options.solver != RrofSolver::kSplitBregman) {
    u = Array<double>(f.shape());
    priors::tv1d_denoise<double>(f.span(), lambda, u.span());
  } else {
    switch (options.solver) {
      case RrofSolver::kNewton: {
        priors::RrofOptions o;
        o.tolerance = options.tolerance;
        o.max_iterations = options.max_iterations;
        const auto r = priors::rrof_denoise(f, lambda, beta, u, o);
        rep.iterations = r.iterations;
        rep.converged = r.converged;
        break;
      }
      case RrofSolver::kFista: {
        const linop::FiniteDifference<double> d(f.shape());
        Array<double> du(d.range()), g(f.shape());
        auto grad = [&](const Array<double>& x, Array<double>& out) {
          d.apply(x, du);
          for (auto& v : du) v = lambda * v / std::sqrt(v * v + beta);
          d.apply_adjoint(du, out);
        };
        // prox of tau * 1/2 ||u - f||^2.
        auto prox = [&](const Array<double>& v, double tau, Array<double>& out) {
          for (index_t i = 0; i < n; ++i) out[i] = (v[i] + tau * f[i]) / (1 + tau);
        };
        solvers::FistaOptions o;
        o.lipschitz = 4 * lambda / std::sqrt(beta);
        o.max_iterations = options.max_iterations > 0 ? options.max_iterations : 20000;
        o.tol = options.tolerance;
        o.restart = true;
        o.keep_history = false;
        u = f;
        const auto r = solvers::fista<double>(grad, prox, u, o);
        rep.iterations = r.iterations;
        rep.converged = r.converged();
        break;
      }
      case RrofSolver::kPdhg: {
        const linop::FiniteDifference<double> d(f.shape());
        auto prox_g = [&](const Array<double>& v, double tau, Array<double>& out) {
          for (index_t i = 0; i < n; ++i) out[i] = (v[i] + tau * f[i]) / (1 + tau);
        };
        auto prox_f = [&](const Array<double>& v, double tau, Array<double>& out) {
          for (index_t i = 0; i < v.size(); ++i) out[i] = smooth_abs_prox(v[i], tau * lambda, beta);
        };
        solvers::PdhgOptions o;
        o.operator_norm = 2.0;  // ||D|| < 2 in 1-D
        o.max_iterations = options.max_iterations > 0 ? options.max_iterations : 20000;
        o.tol = options.tolerance;
        o.abs_tol = 0;
        o.keep_history = false;
        u = f;
        const auto r =
            solvers::pdhg<double>(d, prox_g, solvers::conjugate_prox<double>(prox_f), u, o);
        rep.iterations = r.iterations;
        rep.converged = r.converged();
        break;
      }
      case RrofSolver::kSplitBregman: {
        if (beta != 0)
          throw InvalidInput("rrof solver", "split Bregman solves exact TV only (beta = 0)");
        const linop::FiniteDifference<double> d(f.shape());
        const auto id = linop::identity<double>(f.shape());
        solvers::SplitBregmanOptions o;
        o.lambda = lambda;
        o.mu = std::max(1.0, lambda);
        o.max_iterations = options.max_iterations > 0 ? options.max_iterations : 5000;
        o.tol = options.tolerance;
        o.abs_tol = 0;
        o.cg_iterations = 50;
        o.cg_tol = 1e-12;
        o.keep_history = false;
        u = f;
        const auto r = solvers::split_bregman<double>(*id, f, d, u, o);
        rep.iterations = r.iterations;
        rep.converged = r.converged();
        break;
      }
    }
  }
  if (report) *report = rep;
  return u;
}

}  // namespace tweed::gw

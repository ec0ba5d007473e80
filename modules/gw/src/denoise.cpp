// Single and iterative rROF / TV denoising, noise level, automatic and calibrated lambda.
#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>

#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/gw/denoise.hpp"

namespace tweed::gw {
namespace {

double distance(const Array<double>& a, const Array<double>& b) {
  double s = 0;
  for (index_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

}  // namespace

double estimate_noise_sigma(const Array<double>& x) {
  if (x.size() == 0) throw InvalidInput("estimate_noise_sigma", "empty series");
  std::vector<double> v(x.begin(), x.end());
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  const double med = *mid;
  for (double& e : v) e = std::abs(e - med);
  std::nth_element(v.begin(), mid, v.end());
  return 1.482602218505602 * *mid;
}

double auto_lambda(double sigma, double sample_rate) {
  if (!(sigma >= 0) || !(sample_rate > 0))
    throw InvalidInput("auto_lambda", "needs sigma >= 0 and a positive sample rate");
  return kAutoLambdaPerSigma * sigma * (sample_rate / 4096.0);
}

std::vector<double> log_grid(double lo, double hi, int per_decade) {
  if (!(lo > 0 && hi >= lo) || per_decade < 1)
    throw InvalidInput("lambda grid", "needs 0 < lo <= hi and >= 1 point per decade");
  std::vector<double> g;
  const double step = 1.0 / per_decade;
  const double end = std::log10(hi) + 1e-9;
  for (double e = std::log10(lo); e <= end; e += step) g.push_back(std::pow(10.0, e));
  return g;
}

Array<double> denoise(const Array<double>& f, const DenoiseOptions& o, DenoiseReport* report) {
  if (f.rank() != 1 || f.size() < 2)
    throw InvalidInput("denoise", "needs a 1-D series of >= 2 samples");
  for (index_t i = 0; i < f.size(); ++i)
    if (!std::isfinite(f[i]))
      throw InvalidInput("denoise", "input sample " + std::to_string(i) + " is not finite");
  if (o.iterations < 1) throw InvalidInput("iterations", "must be >= 1");
  if (!(o.discrepancy > 0)) throw InvalidInput("discrepancy", "must be positive");
  DenoiseReport rep;
  const bool need_sigma = o.lambda <= 0 || o.stop == IterationStop::kDiscrepancy;
  rep.noise_sigma = o.noise_sigma > 0 ? o.noise_sigma : (need_sigma ? estimate_noise_sigma(f) : 0);
  rep.lambda = o.lambda > 0 ? o.lambda : auto_lambda(rep.noise_sigma, o.sample_rate);
  const double beta = o.method == DenoiseMethod::kTv ? 0.0 : o.beta;
  const double bound = o.discrepancy * rep.noise_sigma *
                       std::sqrt(static_cast<double>(f.size()));  // tau sigma sqrt(N)

  auto solve = [&](const Array<double>& g) {
    RrofSolveReport r;
    Array<double> u = rrof_solve(g, rep.lambda, beta, o.solver, &r);
    rep.passes += 1;
    rep.solver_iterations += r.iterations;
    rep.converged = rep.converged && r.converged;
    return u;
  };

  Array<double> u;
  const bool iterative =
      o.method == DenoiseMethod::kIterativeRrof || o.method == DenoiseMethod::kBregmanRrof;
  if (!iterative) {
    u = solve(f);
    rep.residual_norms.push_back(distance(u, f));
  } else if (o.method == DenoiseMethod::kIterativeRrof) {
    u = solve(f);
    rep.residual_norms.push_back(distance(u, f));
    for (int k = 1; k < o.iterations; ++k) {
      Array<double> next = solve(u);
      const double r = distance(next, f);
      if (o.stop == IterationStop::kDiscrepancy && r > bound) break;  // keep the last admissible
      u = std::move(next);
      rep.residual_norms.push_back(r);
    }
  } else {
    Array<double> v(f.shape());  // accumulated residual
    Array<double> g(f.shape());
    for (int k = 0; k < o.iterations; ++k) {
      for (index_t i = 0; i < f.size(); ++i) g[i] = f[i] + v[i];
      u = solve(g);
      const double r = distance(u, f);
      rep.residual_norms.push_back(r);
      if (o.stop == IterationStop::kDiscrepancy && r <= bound) break;
      for (index_t i = 0; i < f.size(); ++i) v[i] += f[i] - u[i];
    }
  }
  if (report) *report = std::move(rep);
  return u;
}

Calibration calibrate_lambda(const Array<double>& noisy, const Array<double>& clean, Window window,
                             index_t max_shift, std::span<const double> lambdas,
                             const DenoiseOptions& base) {
  if (noisy.size() != clean.size())
    throw ShapeMismatch("calibrate_lambda", "noisy and clean differ in length");
  if (lambdas.empty()) throw InvalidInput("lambda grid", "is empty");
  for (double l : lambdas)
    if (!(l > 0)) throw InvalidInput("lambda grid", "values must be positive");
  Calibration c;
  c.points.resize(lambdas.size());
  std::exception_ptr error;
  std::mutex error_mutex;
  parallel_for(
      0, static_cast<index_t>(lambdas.size()),
      [&](index_t i) {
        try {
          DenoiseOptions o = base;
          o.lambda = lambdas[static_cast<std::size_t>(i)];
          const Array<double> u = denoise(noisy, o);
          auto& p = c.points[static_cast<std::size_t>(i)];
          p.lambda = o.lambda;
          p.match = window_match(u, clean, window, max_shift).match;
          p.snr_gain_db = snr_gain_db(noisy, u, clean, window);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
        }
      },
      1);
  if (error) std::rethrow_exception(error);
  c.best_match = -1;
  for (const auto& p : c.points)
    if (p.match > c.best_match) {
      c.best_match = p.match;
      c.best_lambda = p.lambda;
    }
  return c;
}

}  // namespace tweed::gw

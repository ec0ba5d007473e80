// Private helpers shared by the solver implementations: iteration bookkeeping (monitor, history,
// stop reasons), argument checks, and the CG kernel that the ADMM-type solvers reuse for their
// x-steps with a workspace allocated once.
#pragma once

#include <chrono>
#include <cmath>
#include <complex>
#include <limits>
#include <string>
#include <utility>

#include "tweed/core/ops.hpp"
#include "tweed/solvers/cg.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

// Explicit instantiation for the four element types.
#define TWEED_SOLVERS_FOR_EACH_ELEMENT(MACRO) \
  MACRO(float)                                \
  MACRO(double)                               \
  MACRO(::tweed::cfloat)                      \
  MACRO(::tweed::cdouble)

namespace tweed::solvers::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A double as the element type (ops take elem_of<Y> scalars).
template <Element T>
T scalar(double a) {
  return T(static_cast<real_t<T>>(a));
}

/// Re <x, y>: the real inner product that CG's step lengths and restart tests use.
template <class X, class Y>
double re_dot(const X& x, const Y& y) {
  return std::real(dot(x, y));
}

/// ||a x + b y|| without storing the combination.
template <Element T>
double norm_of_lincomb(double a, const Array<T>& x, double b, const Array<T>& y) {
  const T* px = x.data();
  const T* py = y.data();
  const T sa = scalar<T>(a), sb = scalar<T>(b);
  return std::sqrt(parallel_reduce<double>(
      x.size(), 0.0,
      [&](index_t lo, index_t hi) {
        double s = 0;
        for (index_t i = lo; i < hi; ++i) s += tweed::detail::abs2(sa * px[i] + sb * py[i]);
        return s;
      },
      [](double u, double v) { return u + v; }));
}

/// A relative residual that stays finite when its scale vanishes (then it is the absolute one).
inline double relative(double value, double scale) {
  return scale > 0 ? value / scale : value;
}

/// Bookkeeping of one solver run: elapsed time, history, the monitor, and the stop decision.
class Tracker {
 public:
  Tracker(const Monitor& monitor, bool keep_history)
      : monitor_(monitor), keep_history_(keep_history), start_(std::chrono::steady_clock::now()) {}

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  /// Records iteration `it` and decides whether the solver stops after it. Precedence:
  /// a non-finite residual (diverged), convergence, the monitor's request, the budget. The
  /// monitor is called on every recorded iteration, the last one included.
  bool stop_after(int it, double residual, double objective, bool converged, int max_iterations) {
    const IterationInfo info{it, residual, objective, elapsed()};
    report_.iterations = it;
    report_.final_residual = residual;
    if (keep_history_) report_.history.push_back(info);
    if (!std::isfinite(residual)) return stop(StopReason::diverged);
    const bool go_on = !monitor_ || monitor_(info);
    if (converged) return stop(StopReason::converged);
    if (!go_on) return stop(StopReason::stopped_by_monitor);
    if (it >= max_iterations) return stop(StopReason::max_iterations);
    return false;
  }

  /// Ends the run with `reason` without recording an iteration (start-up checks, breakdowns).
  bool stop(StopReason reason) {
    report_.reason = reason;
    return true;
  }
  /// Sets the residual reported when the run ends before its first iteration.
  void set_initial_residual(double r) { report_.final_residual = r; }

  /// Records the initial residual and decides whether the run ends before its first iteration:
  /// a non-finite residual (diverged), one already within `tol` (converged), a zero budget.
  bool stop_at_start(double residual, double tol, int max_iterations) {
    set_initial_residual(residual);
    if (!std::isfinite(residual)) return stop(StopReason::diverged);
    if (residual <= tol) return stop(StopReason::converged);
    if (max_iterations == 0) return stop(StopReason::max_iterations);
    return false;
  }

  SolveReport finish() {
    report_.seconds = elapsed();
    return std::move(report_);
  }

 private:
  const Monitor& monitor_;
  bool keep_history_;
  std::chrono::steady_clock::time_point start_;
  SolveReport report_;
};

inline void require_positive(double v, const char* option) {
  if (!(v > 0) || !std::isfinite(v)) throw InvalidInput(option, "must be positive and finite");
}
inline void require_non_negative(double v, const char* option) {
  if (!(v >= 0) || !std::isfinite(v)) throw InvalidInput(option, "must be >= 0 and finite");
}
inline void require_iterations(int n, const char* option) {
  if (n < 0) throw InvalidInput(option, "must be >= 0");
}

/// The caller's initial guess: zero when empty, else it must have the expected shape.
template <Element T>
void prepare_unknown(Array<T>& x, const Shape& shape, const std::string& who) {
  if (x.empty() && shape.size() > 0) {
    x = Array<T>(shape);
    return;
  }
  if (x.shape() != shape)
    throw ShapeMismatch(who,
                        "initial x has shape " + x.shape().str() + ", expected " + shape.str());
}

template <Element T>
void require_shape(const Array<T>& a, const Shape& shape, const std::string& who,
                   const char* role) {
  if (a.shape() != shape)
    throw ShapeMismatch(
        who, std::string(role) + " has shape " + a.shape().str() + ", expected " + shape.str());
}

/// Preconditioned CG on an HPD map, with work arrays allocated once so that repeated solves (the
/// x-steps of ADMM-type solvers) allocate nothing.
template <Element T>
class CgKernel {
 public:
  explicit CgKernel(const Shape& shape) : r_(shape), p_(shape), q_(shape) {}

  /// Solves M x = b from the guess in x. `monitor` may be empty; `precond` may be empty.
  SolveReport run(const LinearMap<T>& apply_m, const Array<T>& b, Array<T>& x,
                  const CgOptions& options, const Monitor& monitor, const LinearMap<T>& precond) {
    Tracker tracker(monitor, options.keep_history);
    const double bnorm = norm2(b);
    if (!std::isfinite(bnorm)) {
      tracker.set_initial_residual(bnorm);
      tracker.stop(StopReason::diverged);
      return tracker.finish();
    }
    if (bnorm == 0) {  // the solution of an HPD system with b = 0 is 0
      fill(x, T{});
      tracker.set_initial_residual(0);
      tracker.stop(StopReason::converged);
      return tracker.finish();
    }
    apply_m(x, q_);
    lincomb(T(1), b, T(-1), q_, r_);  // r = b - M x
    double res = norm2(r_) / bnorm;
    if (tracker.stop_at_start(res, options.tol, options.max_iterations)) return tracker.finish();
    // z = M^{-1} r lives in z_ when preconditioned, else z is r itself.
    const Array<T>* z = &r_;
    if (precond) {
      if (z_.shape() != r_.shape()) z_ = Array<T>(r_.shape());
      precond(r_, z_);
      z = &z_;
    }
    copy(*z, p_);
    double rz = re_dot(r_, *z);
    if (!(rz > 0)) {
      tracker.stop(std::isfinite(rz) ? StopReason::breakdown : StopReason::diverged);
      return tracker.finish();
    }
    for (int k = 1;; ++k) {
      apply_m(p_, q_);
      const double pq = re_dot(p_, q_);
      if (!std::isfinite(pq)) {
        tracker.stop(StopReason::diverged);
        break;
      }
      if (!(pq > 0)) {  // M (or the preconditioner) is not positive definite
        tracker.stop(StopReason::breakdown);
        break;
      }
      const double alpha = rz / pq;
      axpy(scalar<T>(alpha), p_, x);
      axpy(scalar<T>(-alpha), q_, r_);
      res = norm2(r_) / bnorm;
      if (tracker.stop_after(k, res, kNaN, res <= options.tol, options.max_iterations)) break;
      if (precond) precond(r_, z_);
      const double rz_new = re_dot(r_, *z);
      if (!(rz_new > 0)) {
        tracker.stop(std::isfinite(rz_new) ? StopReason::breakdown : StopReason::diverged);
        break;
      }
      axpby(T(1), *z, scalar<T>(rz_new / rz), p_);  // p = z + beta p
      rz = rz_new;
    }
    return tracker.finish();
  }

 private:
  Array<T> r_, p_, q_, z_;
};

}  // namespace tweed::solvers::detail

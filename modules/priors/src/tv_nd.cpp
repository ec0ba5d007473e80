// 2-D and 3-D TV denoising on the dual, and the TV prox/value for every rank.
//
// Dual form: u = f + div q with |q_j| <= lambda; the dual objective 1/2||f||^2 - 1/2||f + div q||^2
// has gradient grad u (up to sign) with Lipschitz constant ||grad||^2 <= 4 d in d dimensions.
//
// Layout: axis 0 is cut into slabs (rows in 2-D, planes in 3-D); dual component a holds the
// differences along axis a. An iteration needs u = f + div q, which at slab s reads q at slabs s
// and s-1, and then updates q at slab s from grad u, which reads u at slabs s and s+1. One pass
// does both with a lag of one slab: compute u at slab s+1 (q at s+1 and s are still old), then
// update q at slab s. Threads own contiguous blocks of slabs; the u of each block's first slab
// is computed before the pass (a short pre-phase), so that no thread reads a dual slab that
// another is updating. Per-slab partial sums (fidelity, TV, gap) are added in slab order after
// the pass, so the result does not depend on the thread count.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/priors/tv.hpp"

// The sweeps are compiled twice, for the x86-64 baseline (SSE2) and for AVX2 (twice the vector
// width), and the AVX2 version is chosen at run time when the CPU has it: the build stays
// portable and the hot loops use the wider vectors. Only functions with internal linkage carry
// the AVX2 target (the shared row bodies are forced inline into them), so no AVX2 code can leak
// into baseline callers through shared template instantiations. Results are identical on both
// paths except for the order of the per-row sums (TV, fidelity), which are reductions over
// vector lanes: rounding-level differences in energies and gaps, none in u or q (ISO C++ mode,
// so no FMA contraction).
#if defined(__GNUC__) && defined(__x86_64__)
#define TWEED_TV_AVX2 1
#define TWEED_ALWAYS_INLINE __attribute__((always_inline)) inline
#define TWEED_ALWAYS_INLINE_LAMBDA __attribute__((always_inline))
#define TWEED_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define TWEED_TV_AVX2 0
#define TWEED_ALWAYS_INLINE inline
#define TWEED_ALWAYS_INLINE_LAMBDA
#endif

namespace tweed::priors {
namespace {

#if TWEED_TV_AVX2
/// True when the CPU runs AVX2; TWEED_NO_AVX2=1 in the environment forces the baseline path
/// (to compare the two).
bool cpu_has_avx2() {
  static const bool has = [] {
    const char* off = std::getenv("TWEED_NO_AVX2");
    return !(off && *off && *off != '0') && __builtin_cpu_supports("avx2");
  }();
  return has;
}
#endif

struct Geometry {
  index_t slabs = 1;  // extent of axis 0
  index_t rows = 1;   // rows per slab (1 in 2-D, extent of axis 1 in 3-D)
  index_t cols = 1;   // extent of the last axis
  index_t slab_size() const { return rows * cols; }
  index_t size() const { return slabs * rows * cols; }
};

/// The fewest pixels worth a thread of their own in one pass.
constexpr index_t kMinPixelsPerThread = 16384;

struct SlabSums {
  double fidelity = 0;  // sum (u - f)^2
  double tv = 0;        // TV(u)
  double restart = 0;   // FGP: sum <r - p, p - q_old>, > 0 when the momentum points uphill
};

template <class R, int ND, bool ISO, TvAlgorithm ALG>
class DualSolver {
  static_assert(ND == 2 || ND == 3);
  using Duals = std::array<std::vector<R>, ND>;

 public:
  DualSolver(const R* f, R* u, Geometry g, double lambda)
      : f_(f),
        u_(u),
        g_(g),
        lambda_(R(lambda)),
        lambda_d_(lambda),
        zero_(static_cast<std::size_t>(g.cols), R(0)),
        zero_d_(static_cast<std::size_t>(g.cols), 0.0),
        sums_(static_cast<std::size_t>(g.slabs)) {
    const auto n = static_cast<std::size_t>(g.size());
    for (int a = 0; a < ND; ++a) {
      q_[a].assign(n, R(0));
      if constexpr (ALG == TvAlgorithm::kFgp) r_[a].assign(n, R(0));
    }
    // Small images stay on one thread: a pass over them is shorter than waking a thread team.
    const index_t by_size = g.size() / kMinPixelsPerThread;
    const index_t nb = std::max<index_t>(1, std::min({index_t(num_threads()), g.slabs, by_size}));
    for (index_t b = 0; b <= nb; ++b) bounds_.push_back(g.slabs * b / nb);
  }

  /// q = lambda p from a warm start, made feasible: zero on each axis's last index, projected
  /// onto |q_j| <= lambda.
  void load(const std::array<const R*, ND>& p) {
    const index_t cols = g_.cols, slab = g_.slab_size();
    for (index_t j = 0; j < g_.size(); ++j) {
      std::array<bool, ND> last;
      last[0] = j / slab == g_.slabs - 1;
      if constexpr (ND == 3) last[1] = (j / cols) % g_.rows == g_.rows - 1;
      last[ND - 1] = j % cols == cols - 1;
      R v[ND];
      R n2 = 0;
      for (int a = 0; a < ND; ++a) {
        const auto aa = static_cast<std::size_t>(a);
        v[a] = last[aa] ? R(0) : lambda_ * p[aa][j];
        if (!std::isfinite(v[a])) v[a] = 0;
        n2 += v[a] * v[a];
      }
      const R scale = ISO && n2 > lambda_ * lambda_ ? lambda_ / std::sqrt(n2) : R(1);
      for (int a = 0; a < ND; ++a) {
        const R qa = ISO ? v[a] * scale : std::clamp(v[a], -lambda_, lambda_);
        q_[static_cast<std::size_t>(a)][static_cast<std::size_t>(j)] = qa;
        if constexpr (ALG == TvAlgorithm::kFgp)
          r_[static_cast<std::size_t>(a)][static_cast<std::size_t>(j)] = qa;
      }
    }
  }

  /// p = q / lambda, q made exactly feasible in double first (see project()).
  void store(const std::array<R*, ND>& p) {
    project();
    for (int a = 0; a < ND; ++a)
      for (index_t j = 0; j < g_.size(); ++j)
        p[static_cast<std::size_t>(a)][j] =
            R(qe_[static_cast<std::size_t>(a)][static_cast<std::size_t>(j)] / lambda_d_);
  }

  TvReport run(const TvOptions& opt) {
    TvReport rep;
    const auto n = static_cast<std::size_t>(g_.size());
    double norm_f2 = 0, norm_f1 = 0;  // only the gap rule needs them
    if (opt.stop == TvStop::kDualityGap) {
      norm_f2 = norm2_squared(std::span<const R>(f_, n));
      for (std::size_t j = 0; j < n; ++j) norm_f1 += std::abs(double(f_[j]));
    }
    const double tol = opt.tolerance;
    // Rounding floor of the gap. It is evaluated in double, where u = f + div q carries errors
    // of order eps |f|: about eps lambda (TV(u) + 2 d ||f||_1). And the iteration stores q in R:
    // its rounding (eps_R lambda per entry) leaves spurious differences of that order in flat
    // regions, each adding up to ~lambda * eps_R lambda to the gap: about eps_R lambda^2 N
    // (negligible for double, the limit for float). Reaching the floor counts as convergence:
    // more iterations cannot improve the certificate.
    const double eps = std::numeric_limits<double>::epsilon();
    const double eps_r = double(std::numeric_limits<R>::epsilon());
    auto gap_met = [&](const std::array<double, 2>& gt) {
      const double floor = 8 * eps * lambda_d_ * (gt[1] + 2 * ND * norm_f1) +
                           eps_r * lambda_d_ * lambda_d_ * double(n);
      return 2 * gt[0] <= tol * tol * norm_f2 || gt[0] <= floor;
    };
    const int check_every = std::max(1, opt.check_every);
    double e0 = 0, e_prev = 0;
    double t = 1;  // FGP momentum sequence
    int it = 0;
    bool done = false;
    for (; it < opt.max_iterations && !done; ++it) {
      double c = 0;
      if constexpr (ALG == TvAlgorithm::kFgp) {
        const double t_next = (1 + std::sqrt(1 + 4 * t * t)) / 2;
        c = (t - 1) / t_next;
        t = t_next;
      }
      iterate(R(c));
      if constexpr (ALG == TvAlgorithm::kFgp) {
        // Adaptive restart (O'Donoghue & Candes 2015, gradient scheme): when the step from the
        // extrapolated point r to the new p opposes the momentum p - q_old, the momentum points
        // uphill; drop it (r = q, t = 1). Without this, FGP started near the solution (warm
        // starts) first overshoots and can take longer than from zero.
        if (total().restart > 0) {
          t = 1;
          for (int a = 0; a < ND; ++a)
            r_[static_cast<std::size_t>(a)] = q_[static_cast<std::size_t>(a)];
        }
      }
      if (opt.stop == TvStop::kEnergyDecrease) {
        // scikit-image: E_n at the iterate before its dual update, stop on |E_{n-1} - E_n|.
        const SlabSums s = total();
        const double e = (s.fidelity + lambda_d_ * s.tv) / double(n);
        if (it == 0) {
          e0 = e_prev = e;
        } else if (std::abs(e_prev - e) < tol * e0) {
          done = true;
        } else {
          e_prev = e;
        }
      } else if (opt.stop == TvStop::kDualityGap && (it + 1) % check_every == 0) {
        const auto gt = certify();
        rep.gap = gt[0];
        done = gap_met(gt);
      }
    }
    rep.iterations = it;
    rep.converged = done;
    const bool certified = done && opt.stop == TvStop::kDualityGap;
    // FGP's output is u(q) for the last projected q. Chambolle's (as scikit-image's) is the last
    // u, unless a certificate was asked for.
    if (!certified && (ALG == TvAlgorithm::kFgp || opt.stop == TvStop::kDualityGap)) {
      const auto gt = certify();
      rep.gap = gt[0];
      if (opt.stop == TvStop::kDualityGap) rep.converged = gap_met(gt);
    }
    return rep;
  }

 private:
  // The dual variable that u is computed from: q (Chambolle) or the extrapolation r (FGP).
  const Duals& source() const {
    if constexpr (ALG == TvAlgorithm::kFgp)
      return r_;
    else
      return q_;
  }

  /// u = f + div p at slab s (p = `dual`, of R or double) into dst (the slab's first element;
  /// W = R or double); returns sum (u - f)^2 over the slab.
  template <class W, class Q>
  double compute_u(index_t s, const std::array<std::vector<Q>, ND>& dual, W* dst) const {
#if TWEED_TV_AVX2
    if (cpu_has_avx2()) return compute_u_avx2(s, dual, dst);
#endif
    return compute_u_body(s, dual, dst);
  }
#if TWEED_TV_AVX2
  template <class W, class Q>
  TWEED_TARGET_AVX2 double compute_u_avx2(index_t s, const std::array<std::vector<Q>, ND>& dual,
                                          W* dst) const {
    return compute_u_body(s, dual, dst);
  }
#endif
  template <class W, class Q>
  TWEED_ALWAYS_INLINE double compute_u_body(index_t s, const std::array<std::vector<Q>, ND>& dual,
                                            W* dst) const {
    const index_t cols = g_.cols, slab = g_.slab_size();
    const Q* zero = nullptr;
    if constexpr (std::is_same_v<Q, double>)
      zero = zero_d_.data();
    else
      zero = zero_.data();
    double fid = 0;
    for (index_t y = 0; y < g_.rows; ++y) {
      const index_t off = s * slab + y * cols;
      const Q* __restrict ql = dual[ND - 1].data() + off;
      const Q* __restrict a0 = dual[0].data() + off;
      const Q* __restrict a0p = s > 0 ? a0 - slab : zero;
      const Q* __restrict a1 = ND == 3 ? dual[ND == 3 ? 1 : 0].data() + off : zero;
      const Q* __restrict a1p = ND == 3 && y > 0 ? a1 - cols : zero;
      const R* __restrict ff = f_ + off;
      W* __restrict uu = dst + y * cols;
      W v0 = W(ql[0]) + (W(a0[0]) - W(a0p[0]));
      if constexpr (ND == 3) v0 += W(a1[0]) - W(a1p[0]);
      uu[0] = W(ff[0]) + v0;
      W acc = v0 * v0;
#pragma omp simd reduction(+ : acc)
      for (index_t x = 1; x < cols; ++x) {
        W v = (W(ql[x]) - W(ql[x - 1])) + (W(a0[x]) - W(a0p[x]));
        if constexpr (ND == 3) v += W(a1[x]) - W(a1p[x]);
        uu[x] = W(ff[x]) + v;
        acc += v * v;
      }
      fid += double(acc);
    }
    return fid;
  }

  /// Dual update at slab s (u must be current at slabs s and s+1). Returns {TV(u), restart sum}
  /// over the slab.
  /// The pixel update is written with scalars only (no per-pixel arrays of pointers), so that
  /// the row loop vectorises.
  std::array<double, 2> update_dual(index_t s, R c) {
#if TWEED_TV_AVX2
    if (cpu_has_avx2()) return update_dual_avx2(s, c);
#endif
    return update_dual_body(s, c);
  }
#if TWEED_TV_AVX2
  TWEED_TARGET_AVX2 std::array<double, 2> update_dual_avx2(index_t s, R c) {
    return update_dual_body(s, c);
  }
#endif
  TWEED_ALWAYS_INLINE std::array<double, 2> update_dual_body(index_t s, R c) {
    const index_t cols = g_.cols, slab = g_.slab_size();
    const R lambda = lambda_;
    const R tau = ALG == TvAlgorithm::kFgp ? R(1) / R(4 * ND) : R(1) / R(2 * ND);
    const R tol = tau / lambda;
    constexpr bool kFgp = ALG == TvAlgorithm::kFgp;
    double tv = 0, restart = 0;
    for (index_t y = 0; y < g_.rows; ++y) {
      const index_t off = s * slab + y * cols;
      const R* __restrict uu = u_ + off;
      // Neighbours along axes 0 (and 1); at the last index they point at u itself: D u = 0.
      const R* __restrict un0 = s + 1 < g_.slabs ? uu + slab : uu;
      const R* __restrict un1 = ND == 3 && y + 1 < g_.rows ? uu + cols : uu;
      R* __restrict q0 = q_[0].data() + off;
      R* __restrict q1 = ND == 3 ? q_[ND == 3 ? 1 : 0].data() + off : nullptr;
      R* __restrict ql = q_[ND - 1].data() + off;
      R* __restrict r0 = kFgp ? r_[0].data() + off : nullptr;
      R* __restrict r1 = kFgp && ND == 3 ? r_[ND == 3 ? 1 : 0].data() + off : nullptr;
      R* __restrict rl = kFgp ? r_[ND - 1].data() + off : nullptr;
      // Updates the dual at pixel x from grad u = (g0, g1, gl); returns |grad u| (iso or aniso)
      // and, for FGP, adds <r - p, p - q_old> to rs.
      auto pixel = [=](index_t x, R gl, R& rs) TWEED_ALWAYS_INLINE_LAMBDA -> R {
        const R g0 = un0[x] - uu[x];
        const R g1 = ND == 3 ? un1[x] - uu[x] : R(0);
        if constexpr (ISO) {
          const R norm = std::sqrt(g0 * g0 + g1 * g1 + gl * gl);
          if constexpr (!kFgp) {
            // Chambolle: q <- (q + tau g) / (1 + tau/lambda |g|)
            const R inv = R(1) / (R(1) + tol * norm);
            q0[x] = (q0[x] + tau * g0) * inv;
            if constexpr (ND == 3) q1[x] = (q1[x] + tau * g1) * inv;
            ql[x] = (ql[x] + tau * gl) * inv;
          } else {
            // FGP: p = proj(r + tau g); r <- p + c (p - q); q <- p
            const R v0 = r0[x] + tau * g0;
            const R v1 = ND == 3 ? r1[x] + tau * g1 : R(0);
            const R vl = rl[x] + tau * gl;
            const R scale = lambda / std::max(std::sqrt(v0 * v0 + v1 * v1 + vl * vl), lambda);
            const R p0 = v0 * scale, pl = vl * scale;
            rs += (r0[x] - p0) * (p0 - q0[x]) + (rl[x] - pl) * (pl - ql[x]);
            r0[x] = p0 + c * (p0 - q0[x]);
            q0[x] = p0;
            if constexpr (ND == 3) {
              const R p1 = v1 * scale;
              rs += (r1[x] - p1) * (p1 - q1[x]);
              r1[x] = p1 + c * (p1 - q1[x]);
              q1[x] = p1;
            }
            rl[x] = pl + c * (pl - ql[x]);
            ql[x] = pl;
          }
          return norm;
        } else {
          if constexpr (!kFgp) {
            q0[x] = (q0[x] + tau * g0) / (R(1) + tol * std::abs(g0));
            if constexpr (ND == 3) q1[x] = (q1[x] + tau * g1) / (R(1) + tol * std::abs(g1));
            ql[x] = (ql[x] + tau * gl) / (R(1) + tol * std::abs(gl));
          } else {
            const R p0 = std::clamp(r0[x] + tau * g0, -lambda, lambda);
            const R pl = std::clamp(rl[x] + tau * gl, -lambda, lambda);
            rs += (r0[x] - p0) * (p0 - q0[x]) + (rl[x] - pl) * (pl - ql[x]);
            r0[x] = p0 + c * (p0 - q0[x]);
            q0[x] = p0;
            if constexpr (ND == 3) {
              const R p1 = std::clamp(r1[x] + tau * g1, -lambda, lambda);
              rs += (r1[x] - p1) * (p1 - q1[x]);
              r1[x] = p1 + c * (p1 - q1[x]);
              q1[x] = p1;
            }
            rl[x] = pl + c * (pl - ql[x]);
            ql[x] = pl;
          }
          return std::abs(g0) + std::abs(g1) + std::abs(gl);
        }
      };
      R acc = 0, rs = 0;
#pragma omp simd reduction(+ : acc, rs)
      for (index_t x = 0; x < cols - 1; ++x) acc += pixel(x, uu[x + 1] - uu[x], rs);
      acc += pixel(cols - 1, R(0), rs);  // no difference along the last axis at the last column
      tv += double(acc);
      restart += double(rs);
    }
    return {tv, restart};
  }

  /// {gap, TV} at slab s in double for the projected dual qe: u = u(qe) at slab s in `cur`, at
  /// slab s+1 in `next` (null at the last slab); gap = sum lambda|grad u| - <qe, grad u>.
  std::array<double, 2> measure(index_t s, const double* cur, const double* next) const {
    const index_t cols = g_.cols, slab = g_.slab_size();
    const double lambda = lambda_d_;
    double tv = 0, gap = 0;
    for (index_t y = 0; y < g_.rows; ++y) {
      const index_t off = s * slab + y * cols;
      const double* uu = cur + y * cols;
      const double* un0 = next ? next + y * cols : uu;
      const double* un1 = ND == 3 && y + 1 < g_.rows ? uu + cols : uu;
      const double* q0 = qe_[0].data() + off;
      const double* q1 = qe_[ND == 3 ? 1 : 0].data() + off;
      const double* ql = qe_[ND - 1].data() + off;
      for (index_t x = 0; x < cols; ++x) {
        const double gl = x + 1 < cols ? uu[x + 1] - uu[x] : 0.0;
        const double g0 = un0[x] - uu[x];
        const double g1 = ND == 3 ? un1[x] - uu[x] : 0.0;
        double qg = ql[x] * gl + q0[x] * g0;
        if constexpr (ND == 3) qg += q1[x] * g1;
        const double norm = ISO ? std::sqrt(gl * gl + g0 * g0 + g1 * g1)
                                : std::abs(gl) + std::abs(g0) + std::abs(g1);
        tv += norm;
        gap += lambda * norm - qg;
      }
    }
    return {tv, gap};
  }

  /// Runs body(lo, hi) for each thread's block of slabs, after the pre-phase computing u at each
  /// block's first slab from `dual`.
  template <class Body>
  void sweep(const Duals& dual, Body&& body) {
    const index_t nb = static_cast<index_t>(bounds_.size()) - 1;
    auto pre = [&](index_t b) {
      const index_t s = bounds_[static_cast<std::size_t>(b)];
      sums_[static_cast<std::size_t>(s)].fidelity = compute_u(s, dual, u_ + s * g_.slab_size());
    };
    auto main = [&](index_t b) {
      body(bounds_[static_cast<std::size_t>(b)], bounds_[static_cast<std::size_t>(b + 1)]);
    };
    if (nb == 1) {
      pre(0);
      main(0);
    } else {
      parallel_for(0, nb, pre, 0);
      parallel_for(0, nb, main, 0);
    }
  }

  void iterate(R c) {
    const Duals& dual = source();
    const index_t slab = g_.slab_size();
    sweep(dual, [&](index_t lo, index_t hi) {
      for (index_t s = lo; s < hi; ++s) {
        if (s + 1 < hi)
          sums_[static_cast<std::size_t>(s + 1)].fidelity =
              compute_u(s + 1, dual, u_ + (s + 1) * slab);
        const auto [tv, restart] = update_dual(s, c);
        sums_[static_cast<std::size_t>(s)].tv = tv;
        sums_[static_cast<std::size_t>(s)].restart = restart;
      }
    });
  }

  /// qe = q projected in double onto |qe_j| <= lambda (the requested lambda). The iteration keeps
  /// |q| <= R(lambda) only up to rounding in R; the projection makes the certificate exact.
  void project() {
    const auto n = static_cast<std::size_t>(g_.size());
    for (int a = 0; a < ND; ++a) qe_[static_cast<std::size_t>(a)].resize(n);
    const double lambda = lambda_d_;
    parallel_for(0, g_.size(), [&](index_t jj) {
      const auto j = static_cast<std::size_t>(jj);
      if constexpr (ISO) {
        double n2 = 0;
        for (int a = 0; a < ND; ++a) {
          const double v = q_[static_cast<std::size_t>(a)][j];
          n2 += v * v;
        }
        const double scale = n2 > lambda * lambda ? lambda / std::sqrt(n2) : 1.0;
        for (int a = 0; a < ND; ++a)
          qe_[static_cast<std::size_t>(a)][j] = double(q_[static_cast<std::size_t>(a)][j]) * scale;
      } else {
        for (int a = 0; a < ND; ++a)
          qe_[static_cast<std::size_t>(a)][j] =
              std::clamp(double(q_[static_cast<std::size_t>(a)][j]), -lambda, lambda);
      }
    });
  }

  /// Sets u = u(qe) for the projected dual and returns {gap, TV(u)} for it, all in double (u
  /// recomputed from f and qe, so that float storage does not limit the certificate).
  std::array<double, 2> certify() {
    project();
    const index_t nb = static_cast<index_t>(bounds_.size()) - 1;
    const index_t slab = g_.slab_size();
    // Work buffers live in the solver: certificates are taken every few iterations and should
    // not allocate each time.
    std::vector<std::array<double, 2>>& parts = parts_;
    parts.resize(static_cast<std::size_t>(g_.slabs));
    slab_buffers_.resize(static_cast<std::size_t>(2 * nb));
    for (auto& b : slab_buffers_) b.resize(static_cast<std::size_t>(slab));
    auto block = [&](index_t b) {
      const index_t lo = bounds_[static_cast<std::size_t>(b)];
      const index_t hi = bounds_[static_cast<std::size_t>(b + 1)];
      std::vector<double>& cur = slab_buffers_[static_cast<std::size_t>(2 * b)];
      std::vector<double>& next = slab_buffers_[static_cast<std::size_t>(2 * b + 1)];
      compute_u(lo, qe_, cur.data());
      for (index_t s = lo; s < hi; ++s) {
        const bool has_next = s + 1 < g_.slabs;
        if (has_next) compute_u(s + 1, qe_, next.data());
        parts[static_cast<std::size_t>(s)] =
            measure(s, cur.data(), has_next ? next.data() : nullptr);
        std::transform(cur.begin(), cur.end(), u_ + s * slab, [](double v) { return R(v); });
        std::swap(cur, next);
      }
    };
    if (nb == 1)
      block(0);
    else
      parallel_for(0, nb, block, 0);
    std::array<double, 2> total{0, 0};
    for (const auto& p : parts) {
      total[0] += p[1];
      total[1] += p[0];
    }
    total[0] = std::max(0.0, total[0]);
    return total;
  }

  SlabSums total() const {
    SlabSums t;
    for (const SlabSums& s : sums_) {
      t.fidelity += s.fidelity;
      t.tv += s.tv;
      t.restart += s.restart;
    }
    return t;
  }

  const R* f_;
  R* u_;
  Geometry g_;
  R lambda_;
  double lambda_d_;
  Duals q_;
  Duals r_;
  std::array<std::vector<double>, ND> qe_;  // q projected in double (certificates, store)
  std::vector<R> zero_;
  std::vector<double> zero_d_;
  std::vector<std::array<double, 2>> parts_;       // certify(): per-slab {tv, gap}
  std::vector<std::vector<double>> slab_buffers_;  // certify(): u of two slabs per block
  std::vector<SlabSums> sums_;
  std::vector<index_t> bounds_;
};

/// The dual arrays of one batch item: p[a] + offset (null when there is no dual).
template <class R>
using DualPointers = std::array<R*, 3>;

template <class R, int ND, bool ISO, TvAlgorithm ALG>
TvReport solve_with(const R* f, R* u, Geometry g, double lambda, const TvOptions& opt,
                    DualPointers<R> p, bool warm) {
  DualSolver<R, ND, ISO, ALG> solver(f, u, g, lambda);
  std::array<const R*, ND> in;
  std::array<R*, ND> out;
  for (int a = 0; a < ND; ++a) {
    in[static_cast<std::size_t>(a)] = p[static_cast<std::size_t>(a)];
    out[static_cast<std::size_t>(a)] = p[static_cast<std::size_t>(a)];
  }
  if (warm) solver.load(in);
  const TvReport rep = solver.run(opt);
  if (p[0] != nullptr) solver.store(out);
  return rep;
}

template <class R, int ND, bool ISO>
TvReport solve_nd(const R* f, R* u, Geometry g, double lambda, const TvOptions& opt,
                  DualPointers<R> p, bool warm) {
  if (opt.algorithm == TvAlgorithm::kFgp)
    return solve_with<R, ND, ISO, TvAlgorithm::kFgp>(f, u, g, lambda, opt, p, warm);
  return solve_with<R, ND, ISO, TvAlgorithm::kChambolle>(f, u, g, lambda, opt, p, warm);
}

template <class R>
TvReport solve_item(const R* f, R* u, int nd, Geometry g, double lambda, const TvOptions& opt,
                    DualPointers<R> p, bool warm) {
  if (nd == 2) {
    return opt.isotropic ? solve_nd<R, 2, true>(f, u, g, lambda, opt, p, warm)
                         : solve_nd<R, 2, false>(f, u, g, lambda, opt, p, warm);
  }
  return opt.isotropic ? solve_nd<R, 3, true>(f, u, g, lambda, opt, p, warm)
                       : solve_nd<R, 3, false>(f, u, g, lambda, opt, p, warm);
}

/// The dual of exact 1-D TV along the last axis: lambda p_k = sum_{i<=k} (x_i - y_i).
template <class T>
void dual_1d(const Array<T>& y, const Array<T>& x, double lambda, Array<T>& p) {
  const index_t n = y.dim(y.rank() - 1);
  const index_t rows = y.size() / n;
  parallel_for(0, rows, [&](index_t r) {
    double acc = 0;
    for (index_t k = 0; k < n; ++k) {
      acc += double(x[r * n + k]) - double(y[r * n + k]);
      p[r * n + k] = k + 1 < n && lambda > 0 ? static_cast<T>(acc / lambda) : T(0);
    }
  });
}

int spatial_dims_of(const Shape& shape, int requested, const char* who) {
  const int rank = shape.rank();
  const int nd = requested == 0 ? rank : requested;
  if (requested < 0 || nd > rank || nd < 1 || nd > 3)
    throw InvalidInput(who, "TV over " + std::to_string(nd) + " axes of an array of shape " +
                                shape.str() + " is not supported (1 to 3 axes)");
  return nd;
}

}  // namespace

template <Element T>
TvReport tv_denoise(const Array<T>& f, double lambda, Array<T>& out, const TvOptions& opt) {
  return tv_denoise(f, lambda, out, opt, static_cast<TvDual<T>*>(nullptr));
}

template <Element T>
TvReport tv_denoise(const Array<T>& f, double lambda, Array<T>& out, const TvOptions& opt,
                    TvDual<T>* dual) {
  static_assert(!is_complex_v<T>, "TV denoising is implemented for real data");
  detail::require_nonnegative(lambda, "tv_denoise", "lambda");
  if (opt.max_iterations < 0) throw InvalidInput("tv_denoise", "max_iterations must be >= 0");
  if (!(opt.tolerance >= 0)) throw InvalidInput("tv_denoise", "tolerance must be >= 0");
  const int nd = spatial_dims_of(f.shape(), opt.spatial_dims, "tv_denoise");
  detail::prepare_out(f, out, "tv_denoise");
  if (f.size() == 0) return {};
  bool warm = false;
  if (dual != nullptr) {
    warm = static_cast<int>(dual->p.size()) == nd;
    for (const Array<T>& p : dual->p) warm = warm && p.shape() == f.shape();
    if (!warm) dual->p.assign(static_cast<std::size_t>(nd), Array<T>(f.shape()));
  }
  // The solvers read f at every step while they write u into out: keep f apart.
  Array<T> f_copy;
  const T* pf = f.data();
  if (out.data() == f.data() && ((nd > 1 && lambda > 0) || dual != nullptr)) {
    f_copy = f;
    pf = f_copy.data();
  }
  if (nd == 1 || lambda == 0) {
    if (nd == 1)
      tv1d_denoise_rows(f, lambda, out);
    else if (&out != &f)
      copy(f, out);
    if (dual != nullptr) {
      if (nd == 1 && lambda > 0) {
        dual_1d(f_copy.empty() ? f : f_copy, out, lambda, dual->p[0]);
      } else {
        for (Array<T>& p : dual->p) fill(p, T(0));
      }
    }
    TvReport rep;
    rep.gap = 0;
    return rep;
  }
  const int rank = f.rank();
  Geometry g;
  g.cols = f.dim(rank - 1);
  g.rows = nd == 3 ? f.dim(rank - 2) : 1;
  g.slabs = f.dim(rank - nd);
  const index_t item = g.size();
  const index_t items = f.size() / item;
  TvReport rep;
  rep.gap = 0;
  for (index_t b = 0; b < items; ++b) {
    DualPointers<T> p{nullptr, nullptr, nullptr};
    if (dual != nullptr)
      for (int a = 0; a < nd; ++a)
        p[static_cast<std::size_t>(a)] = dual->p[static_cast<std::size_t>(a)].data() + b * item;
    const TvReport r =
        solve_item<T>(pf + b * item, out.data() + b * item, nd, g, lambda, opt, p, warm);
    rep.iterations = std::max(rep.iterations, r.iterations);
    rep.converged = rep.converged && r.converged;
    rep.gap += r.gap;
  }
  return rep;
}

template <Element T>
double tv_value(const Array<T>& x, bool isotropic, int spatial_dims) {
  static_assert(!is_complex_v<T>, "TV is implemented for real data");
  const int nd = spatial_dims_of(x.shape(), spatial_dims, "tv_value");
  const int rank = x.rank();
  std::array<index_t, 3> ext{1, 1, 1};  // the spatial extents, padded in front with 1
  for (int a = 0; a < nd; ++a) ext[static_cast<std::size_t>(3 - nd + a)] = x.dim(rank - nd + a);
  const index_t item = ext[0] * ext[1] * ext[2];
  if (item == 0) return 0;
  const index_t lines = x.size() / ext[2];  // every line along the last axis, over the batch
  const T* p = x.data();
  // One partial per line, added in order: thread-count independent.
  std::vector<double> partial(static_cast<std::size_t>(lines));
  parallel_for(
      0, lines,
      [&](index_t line) {
        const index_t in_item = line % (ext[0] * ext[1]);
        const index_t z = in_item / ext[1], y = in_item % ext[1];
        const T* u = p + line * ext[2];
        const T* uz = z + 1 < ext[0] ? u + ext[1] * ext[2] : u;
        const T* uy = y + 1 < ext[1] ? u + ext[2] : u;
        double s = 0;
        for (index_t i = 0; i < ext[2]; ++i) {
          const double gx = i + 1 < ext[2] ? double(u[i + 1]) - double(u[i]) : 0.0;
          const double gy = double(uy[i]) - double(u[i]);
          const double gz = double(uz[i]) - double(u[i]);
          s += isotropic ? std::sqrt(gx * gx + gy * gy + gz * gz)
                         : std::abs(gx) + std::abs(gy) + std::abs(gz);
        }
        partial[static_cast<std::size_t>(line)] = s;
      },
      std::max<index_t>(1, kMinPixelsPerThread / ext[2]));
  double total = 0;
  for (double s : partial) total += s;
  return total;
}

template <Element T>
TvProx<T>::TvProx(double lambda, TvOptions options) : lambda_(lambda), options_(options) {
  detail::require_nonnegative(lambda, "TvProx", "lambda");
}

template <Element T>
void TvProx<T>::prox(const Array<T>& x, double tau, Array<T>& out) const {
  detail::require_nonnegative(tau, name(), "tau");
  TvReport rep;
  if (options_.warm_start) {
    // Solve on a copy of the cached dual, so that concurrent calls do not wait on each other.
    TvDual<T> dual;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dual = dual_;
    }
    rep = tv_denoise(x, tau * lambda_, out, options_, &dual);
    std::lock_guard<std::mutex> lock(mutex_);
    dual_ = std::move(dual);
    last_ = rep;
  } else {
    rep = tv_denoise(x, tau * lambda_, out, options_);
    std::lock_guard<std::mutex> lock(mutex_);
    last_ = rep;
  }
}

template <Element T>
TvReport TvProx<T>::last_report() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_;
}

template <Element T>
double TvProx<T>::value(const Array<T>& x) const {
  return lambda_ * tv_value(x, options_.isotropic, options_.spatial_dims);
}

template <Element T>
std::string TvProx<T>::name() const {
  return options_.isotropic ? "tv" : "tv_aniso";
}

template TvReport tv_denoise<float>(const Array<float>&, double, Array<float>&, const TvOptions&);
template TvReport tv_denoise<double>(const Array<double>&, double, Array<double>&,
                                     const TvOptions&);
template TvReport tv_denoise<float>(const Array<float>&, double, Array<float>&, const TvOptions&,
                                    TvDual<float>*);
template TvReport tv_denoise<double>(const Array<double>&, double, Array<double>&, const TvOptions&,
                                     TvDual<double>*);
template double tv_value<float>(const Array<float>&, bool, int);
template double tv_value<double>(const Array<double>&, bool, int);
template class TvProx<float>;
template class TvProx<double>;

}  // namespace tweed::priors

// Exact 1-D TV denoising by the taut string.
//
// With S_0 = 0, S_k = sum_{i<k} y_i, the solution x of min 1/2||x - y||^2 + lambda sum|x_{i+1} -
// x_i| is x_k = F_{k+1} - F_k for the shortest path F from (0, 0) to (N, S_N) with S_k - lambda <=
// F_k <= S_k + lambda at the inner knots (KKT: F_k = S_k + u_{k-1} with the dual u_k = lambda
// sign(x_{k+1} - x_k) in [-lambda, lambda]). The path is built by the funnel method: from the
// current apex, the "ceiling" chain (points S_k + lambda) is kept convex and the "floor" chain (S_k
// - lambda) concave; a new ceiling point that falls below the first floor segment fixes that floor
// point as a kink of the path (the apex moves there and the segment is emitted), and symmetrically.
// Every knot enters and leaves each chain at most once: O(N).
//
// The mean of y is removed first (TV is shift invariant) so that the cumulative sums stay a
// random walk around 0 instead of growing with N, which keeps the slopes accurate.
#include <algorithm>
#include <memory>

#include "common.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::priors {
namespace {

/// Chain storage reused across calls by one thread (allocated uninitialised so that a long
/// signal does not pay for touching pages its short chains never reach). Knot positions are
/// stored as doubles (exact below 2^53) so that the slope tests need no conversions.
struct ChainBuffers {
  std::unique_ptr<double[]> upper_i, upper_v, lower_i, lower_v;
  index_t capacity = 0;

  void reserve(index_t n) {
    if (n <= capacity) return;
    for (auto* p : {&upper_i, &upper_v, &lower_i, &lower_v})
      p->reset(new double[static_cast<std::size_t>(n)]);
    capacity = n;
  }
};

ChainBuffers& thread_buffers() {
  thread_local ChainBuffers buffers;
  return buffers;
}

template <class T>
void taut_string(const T* y, index_t n, double lambda, T* x) {
  if (n <= 0) return;
  if (n == 1 || lambda == 0) {
    if (x != y) std::copy(y, y + n, x);
    return;
  }
  double mean = 0;
  for (index_t i = 0; i < n; ++i) mean += double(y[i]);
  mean /= double(n);

  ChainBuffers& buf = thread_buffers();
  buf.reserve(n + 2);
  double* ui = buf.upper_i.get();
  double* uv = buf.upper_v.get();
  double* li = buf.lower_i.get();
  double* lv = buf.lower_v.get();
  // Each chain lives in [head, tail) of its arrays, and the apex is kept at [head - 1] of both:
  // the predecessor of any chain point is then always the entry before it (no apex special
  // case in the inner loops). Moving the apex along one chain advances that chain's head;
  // the other chain restarts at 1 with the apex at 0.
  ui[0] = li[0] = 0;
  uv[0] = lv[0] = 0;
  index_t uh = 1, ut = 1, lh = 1, lt = 1;
  index_t ai = 0;  // apex knot (integer) and path value there
  double av = 0;
  // The path is straight from the apex to knot b: x_i for i in [apex, b) is its slope.
  auto emit = [&](double bi, double bv) {
    const auto b = static_cast<index_t>(bi);
    const T value = static_cast<T>((bv - av) / (bi - double(ai)) + mean);
    for (index_t i = ai; i < b; ++i) x[i] = value;
    ai = b;
    av = bv;
  };

  double s = 0;
  for (index_t k = 1; k <= n; ++k) {
    // Read y_{k-1} before any write: x may alias y, and emit() writes only below knot k.
    s += double(y[k - 1]) - mean;
    const double cv = k < n ? s + lambda : s;  // the end knot is pinned: zero-width tube
    const double fv = k < n ? s - lambda : s;
    const double dk = double(k);

    // Ceiling point (k, cv). If it lies below the ray from the apex through the first floor
    // point, the path must pass over that floor point: it becomes a kink.
    while (lh < lt && (cv - av) * (li[lh] - double(ai)) < (lv[lh] - av) * (dk - double(ai))) {
      emit(li[lh], lv[lh]);
      ++lh;
      ui[0] = li[lh - 1];  // the new segment passes below every earlier ceiling point
      uv[0] = av;
      uh = ut = 1;
    }
    // Keep the ceiling chain convex (slopes increasing): drop points on or above the segment
    // from their predecessor to the new point.
    while (ut > uh && (cv - uv[ut - 2]) * (ui[ut - 1] - ui[ut - 2]) <=
                          (uv[ut - 1] - uv[ut - 2]) * (dk - ui[ut - 2]))
      --ut;
    ui[ut] = dk;
    uv[ut] = cv;
    ++ut;

    // Floor point (k, fv), symmetric.
    while (uh < ut && (fv - av) * (ui[uh] - double(ai)) > (uv[uh] - av) * (dk - double(ai))) {
      emit(ui[uh], uv[uh]);
      ++uh;
      li[0] = ui[uh - 1];
      lv[0] = av;
      lh = lt = 1;
    }
    while (lt > lh && (fv - lv[lt - 2]) * (li[lt - 1] - li[lt - 2]) >=
                          (lv[lt - 1] - lv[lt - 2]) * (dk - li[lt - 2]))
      --lt;
    li[lt] = dk;
    lv[lt] = fv;
    ++lt;
  }
  // Both chains now end at the pinned end knot and are straight from the apex (a convex ceiling
  // chain and a concave floor chain cannot both bend between the same end points).
  if (ai < n) emit(double(n), s);
}

}  // namespace

template <Element T>
void tv1d_denoise(std::span<const T> y, double lambda, std::span<T> x) {
  detail::require_nonnegative(lambda, "tv1d_denoise", "lambda");
  if (x.size() != y.size())
    throw ShapeMismatch("tv1d_denoise", "input has " + std::to_string(y.size()) +
                                            " samples, output " + std::to_string(x.size()));
  static_assert(!is_complex_v<T>, "1-D TV is implemented for real data");
  taut_string(y.data(), static_cast<index_t>(y.size()), lambda, x.data());
}

template <Element T>
void tv1d_denoise_rows(const Array<T>& y, double lambda, Array<T>& out) {
  detail::require_nonnegative(lambda, "tv1d_denoise_rows", "lambda");
  detail::prepare_out(y, out, "tv1d_denoise_rows");
  if (y.size() == 0) return;
  const index_t n = y.rank() == 0 ? 1 : y.dim(y.rank() - 1);
  const index_t rows = n == 0 ? 0 : y.size() / n;
  const T* py = y.data();
  T* po = out.data();
  parallel_for(
      0, rows, [&](index_t r) { taut_string(py + r * n, n, lambda, po + r * n); },
      std::max<index_t>(1, 16384 / std::max<index_t>(n, 1)));
}

template void tv1d_denoise<float>(std::span<const float>, double, std::span<float>);
template void tv1d_denoise<double>(std::span<const double>, double, std::span<double>);
template void tv1d_denoise_rows<float>(const Array<float>&, double, Array<float>&);
template void tv1d_denoise_rows<double>(const Array<double>&, double, Array<double>&);

}  // namespace tweed::priors

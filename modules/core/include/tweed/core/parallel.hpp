// Threading helpers over OpenMP. Work is split into chunks whose boundaries depend only on the
// problem size, never on the thread count, so reductions give bit-identical results with any
// number of threads (a reproducibility requirement: same seed => same output).
#pragma once

#include <algorithm>
#include <vector>

#include "tweed/core/types.hpp"

namespace tweed {

/// Threads Tweed uses (OpenMP and FFTW); defaults to the hardware's or OMP_NUM_THREADS.
int num_threads();
/// Sets the thread count for everything that follows; n <= 0 means "all cores".
void set_num_threads(int n);

/// Runs f(i) for i in [begin, end), in parallel when the range exceeds `grain` elements.
template <class F>
void parallel_for(index_t begin, index_t end, F&& f, index_t grain = 4096) {
  const index_t n = end - begin;
  if (n <= 0) return;
  if (n <= grain || num_threads() == 1) {
    for (index_t i = begin; i < end; ++i) f(i);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(num_threads())
  for (index_t i = begin; i < end; ++i) f(i);
}

/// Elements per reduction chunk; fixed so that partial sums do not depend on the thread count.
inline constexpr index_t kReduceChunk = 8192;

/// Deterministic parallel reduction: `partial(lo, hi)` returns the value of a chunk; chunks are
/// combined with `combine` in chunk order.
template <class R, class Partial, class Combine>
R parallel_reduce(index_t n, R init, Partial&& partial, Combine&& combine) {
  const index_t chunks = (n + kReduceChunk - 1) / kReduceChunk;
  if (chunks <= 1) return combine(init, n > 0 ? partial(index_t{0}, n) : init);
  std::vector<R> parts(static_cast<std::size_t>(chunks), init);
#pragma omp parallel for schedule(static) num_threads(num_threads())
  for (index_t c = 0; c < chunks; ++c)
    parts[static_cast<std::size_t>(c)] =
        partial(c * kReduceChunk, std::min(n, (c + 1) * kReduceChunk));
  R acc = init;
  for (const R& p : parts) acc = combine(acc, p);
  return acc;
}

}  // namespace tweed

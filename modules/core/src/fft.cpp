// FFTs over FFTW 3 (see fft.hpp for the conventions).
//
// How a transform runs: the axes are transformed one after the other (last axis first), each by
// batches ("chunks") of 1-D transforms described to FFTW's guru64 interface. For an axis of length
// n with `outer` elements before it and `inner` after it (row-major), a chunk is a block of `oc`
// outer indices times `ic` consecutive inner indices. The last axis (inner = 1) is transformed in
// place, a batch of contiguous rows per chunk; any other axis is staged: the chunk's lines are
// copied to a padded, contiguous per-thread buffer, transformed there and copied back (run_passes
// says why). Chunk sizes are fixed functions of the shape, never of the thread count, and every
// chunk is computed by one single-threaded plan chosen from the shape and the pointer's alignment
// only, so a result is bit-identical whatever num_threads() is; OpenMP merely decides which thread
// runs which chunk.
//
// Centred transforms: for an even length N, fftshift . F . ifftshift equals
// (-1)^(N/2) (-1)^k F[(-1)^n x] — sign flips, which are exact in floating point — so the
// modulation is fused into the first and last passes while the data are in cache. Odd lengths have
// no such identity (the phase ramp would need rounded twiddles), so their lines are really rotated,
// in cache, just before and after the pass of their own axis.
#include "tweed/core/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include "tweed/core/parallel.hpp"

namespace tweed::fft {
namespace {

// These constants fix the chunking, hence the numerics: changing one may change results in the
// last bits (never their dependence on the thread count). Values measured on 256x256
// complex<float>; results were flat for kChunkElems in 8192..32768.
//
// About this many elements per chunk: small enough to stay in L2 (128 KiB of complex<float>) and to
// give two threads several chunks each on a 256x256 image, large enough to amortise a call.
constexpr index_t kChunkElems = 16384;
// Neighbouring lines staged together on a strided axis: each array row is then read and written in
// runs of 32 elements (4 cache lines of complex<float>); 32 and 64 beat 8 and 16 by ~10%.
constexpr index_t kInnerBlock = 32;
// Staging-buffer rows are padded by this many elements so that the lines written by one gather do
// not all map to the same cache sets (they would for a power-of-two length: 1.5x slower without).
constexpr index_t kRowPad = 8;
// Upper bound on a staged chunk (elements), which bounds the per-thread buffer for very long axes.
constexpr index_t kMaxStage = index_t{1} << 22;
// Staging buffers up to this many elements are kept per thread between calls.
constexpr index_t kCachedStage = index_t{1} << 16;

using Dim = fftw_iodim64;  // the same struct for fftw_ and fftwf_

// One interface over FFTW's double and single precision APIs; plans travel as void*.
template <class R>
struct Api;

template <>
struct Api<double> {
  static constexpr std::int64_t kPrecision = 64;
  static fftw_complex* c(std::complex<double>* p) { return reinterpret_cast<fftw_complex*>(p); }
  static void* plan_dft(const Dim& d, int hr, const Dim* h, std::complex<double>* io, int sign) {
    return fftw_plan_guru64_dft(1, &d, hr, h, c(io), c(io), sign, FFTW_ESTIMATE);
  }
  static void* plan_r2c(const Dim& d, int hr, const Dim* h, double* in, std::complex<double>* out) {
    return fftw_plan_guru64_dft_r2c(1, &d, hr, h, in, c(out), FFTW_ESTIMATE);
  }
  static void* plan_c2r(const Dim& d, int hr, const Dim* h, std::complex<double>* in, double* out) {
    return fftw_plan_guru64_dft_c2r(1, &d, hr, h, c(in), out, FFTW_ESTIMATE);
  }
  static void exec_dft(void* p, std::complex<double>* io) {
    fftw_execute_dft(static_cast<fftw_plan>(p), c(io), c(io));
  }
  static void exec_r2c(void* p, double* in, std::complex<double>* out) {
    fftw_execute_dft_r2c(static_cast<fftw_plan>(p), in, c(out));
  }
  static void exec_c2r(void* p, std::complex<double>* in, double* out) {
    fftw_execute_dft_c2r(static_cast<fftw_plan>(p), c(in), out);
  }
  static void destroy(void* p) { fftw_destroy_plan(static_cast<fftw_plan>(p)); }
  static int alignment(const void* p) {
    return fftw_alignment_of(static_cast<double*>(const_cast<void*>(p)));
  }
};

template <>
struct Api<float> {
  static constexpr std::int64_t kPrecision = 32;
  static fftwf_complex* c(std::complex<float>* p) { return reinterpret_cast<fftwf_complex*>(p); }
  static void* plan_dft(const Dim& d, int hr, const Dim* h, std::complex<float>* io, int sign) {
    return fftwf_plan_guru64_dft(1, &d, hr, h, c(io), c(io), sign, FFTW_ESTIMATE);
  }
  static void* plan_r2c(const Dim& d, int hr, const Dim* h, float* in, std::complex<float>* out) {
    return fftwf_plan_guru64_dft_r2c(1, &d, hr, h, in, c(out), FFTW_ESTIMATE);
  }
  static void* plan_c2r(const Dim& d, int hr, const Dim* h, std::complex<float>* in, float* out) {
    return fftwf_plan_guru64_dft_c2r(1, &d, hr, h, c(in), out, FFTW_ESTIMATE);
  }
  static void exec_dft(void* p, std::complex<float>* io) {
    fftwf_execute_dft(static_cast<fftwf_plan>(p), c(io), c(io));
  }
  static void exec_r2c(void* p, float* in, std::complex<float>* out) {
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(p), in, c(out));
  }
  static void exec_c2r(void* p, std::complex<float>* in, float* out) {
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(p), c(in), out);
  }
  static void destroy(void* p) { fftwf_destroy_plan(static_cast<fftwf_plan>(p)); }
  static int alignment(const void* p) {
    return fftwf_alignment_of(static_cast<float*>(const_cast<void*>(p)));
  }
};

enum Kind : std::int64_t { kForward = 0, kInverse = 1, kR2c = 2, kC2r = 3 };

// {precision, kind, n, is, os, loops, loop0 n/is/os, loop1 n/is/os, alignment in, alignment out}
using PlanKey = std::array<std::int64_t, 14>;

// The FFTW planner is not thread-safe, so lookups and planning happen under one mutex; execution
// (fftw_execute_dft and friends on a finished plan) is thread-safe and runs outside it.
struct PlanCache {
  std::mutex mutex;
  std::map<PlanKey, void*> plans;
  void clear() {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& [key, plan] : plans) {
      if (key[0] == Api<double>::kPrecision)
        Api<double>::destroy(plan);
      else
        Api<float>::destroy(plan);
    }
    plans.clear();
  }
  ~PlanCache() { clear(); }
};

PlanCache& plan_cache() {
  static PlanCache cache;
  return cache;
}

// A batch of 1-D transforms: length n, element strides, and up to two loops (extent 1 dropped).
struct Batch {
  Dim dim;
  std::array<Dim, 2> loops;
  int n_loops = 0;
  void add_loop(index_t n, index_t is, index_t os) {
    if (n > 1) loops[static_cast<std::size_t>(n_loops++)] = Dim{n, is, os};
  }
  PlanKey key(std::int64_t precision, Kind kind, int align_in, int align_out) const {
    PlanKey k{precision, kind, dim.n, dim.is, dim.os, n_loops,  0,
              0,         0,    0,     0,      0,      align_in, align_out};
    for (int l = 0; l < n_loops; ++l) {
      k[static_cast<std::size_t>(6 + 3 * l)] = loops[static_cast<std::size_t>(l)].n;
      k[static_cast<std::size_t>(7 + 3 * l)] = loops[static_cast<std::size_t>(l)].is;
      k[static_cast<std::size_t>(8 + 3 * l)] = loops[static_cast<std::size_t>(l)].os;
    }
    return k;
  }
};

// Finds or makes the plan; the caller holds the cache mutex. With FFTW_ESTIMATE the planner
// reads only the pointers' alignment and never touches the data, so planning on live arrays is
// safe. (ESTIMATE plans may still pick up wisdom that other code in the process created with more
// patience; Tweed creates none, so a plan is a function of its key.)
template <class R, class MakePlan>
void* plan_for(PlanCache& cache, const PlanKey& key, MakePlan&& make) {
  auto it = cache.plans.find(key);
  if (it != cache.plans.end()) return it->second;
  void* plan = make();
  if (!plan)
    throw Unsupported("fft", "FFTW could not plan a transform of length " + std::to_string(key[2]));
  cache.plans.emplace(key, plan);
  return plan;
}

// Geometry of one axis of a row-major shape: outer * n * inner elements.
struct AxisGeom {
  index_t outer = 1, n = 1, inner = 1;
  AxisGeom(const Shape& shape, int axis) : n(shape[axis]) {
    for (int a = 0; a < axis; ++a) outer *= shape[a];
    for (int a = axis + 1; a < shape.rank(); ++a) inner *= shape[a];
  }
};

// The fixed chunking of one axis: blocks of `ob` outer indices times `ib` inner indices.
struct Chunking {
  index_t ob = 1, ib = 1, n_ob = 1, n_ib = 1;
  explicit Chunking(const AxisGeom& g) {
    ib = std::min(g.inner, kInnerBlock);
    if (g.inner > 1 && g.n * ib > kMaxStage) ib = std::max<index_t>(1, kMaxStage / g.n);
    ob = std::clamp<index_t>(kChunkElems / (g.n * ib), 1, g.outer);
    n_ib = (g.inner + ib - 1) / ib;
    n_ob = (g.outer + ob - 1) / ob;
  }
  index_t count() const { return n_ob * n_ib; }
};

// Parity of the sum of the indices along the axes in `mask` of the row-major index `lin` over the
// axes [first, last) of `shape`.
int index_parity(index_t lin, const Shape& shape, int first, int last, std::uint32_t mask) {
  int p = 0;
  for (int a = last - 1; a >= first; --a) {
    const index_t d = shape[a];
    if (mask >> a & 1u) p ^= static_cast<int>((lin % d) & 1);
    lin /= d;
  }
  return p;
}

// Multiplies rows [o0, o0 + oc) of a last-axis pass by s * (-1)^(sum of the indices along the
// axes in `mask`). Used with s = 1 for the pre-modulation of centred transforms and with
// s = +-scale after the last pass, while the rows are still in cache. Works on the interleaved
// real/imaginary parts (a pattern f0 f0 f1 f1) so that the loop vectorises.
template <class R>
void modulate_rows(std::complex<R>* data, const Shape& shape, int axis, const AxisGeom& g,
                   index_t o0, index_t oc, std::uint32_t mask, R s) {
  const bool axis_mod = (mask >> axis & 1u) != 0;
  for (index_t o = o0; o < o0 + oc; ++o) {
    const int po = index_parity(o, shape, 0, axis, mask);
    const R f0 = po ? -s : s;
    const R f1 = axis_mod ? -f0 : f0;
    R* q = reinterpret_cast<R*>(data + o * g.n);
    const index_t pairs = g.n / 2;
    for (index_t k = 0; k < pairs; ++k) {
      q[4 * k] *= f0;
      q[4 * k + 1] *= f0;
      q[4 * k + 2] *= f1;
      q[4 * k + 3] *= f1;
    }
    if (g.n % 2 != 0) {
      q[2 * g.n - 2] *= f0;
      q[2 * g.n - 1] *= f0;
    }
  }
}

// Copies one chunk of a strided axis into (Scatter = false) or back from (true) the staging
// buffer, where every 1-D line becomes a contiguous row `ld` elements apart, rotated by `rot`;
// with Modulate, each element is multiplied by s * (-1)^(sum of its indices along the axes in
// `mask`) on the way. The copy goes by tiles of kTile lines so that both sides are touched in
// runs: `ic` consecutive elements of each array row, kTile consecutive elements of each line.
template <class R, bool Scatter, bool Modulate>
void stage_lines(std::complex<R>* data, std::complex<R>* buf, index_t ld, const Shape& shape,
                 int axis, const AxisGeom& g, index_t o0, index_t oc, index_t i0, index_t ic,
                 index_t rot, std::uint32_t mask, R s) {
  constexpr index_t kTile = 8;
  std::array<R, kInnerBlock> sign_inner{};
  if constexpr (Modulate)
    for (index_t t = 0; t < ic; ++t)
      sign_inner[static_cast<std::size_t>(t)] =
          index_parity(i0 + t, shape, axis + 1, shape.rank(), mask) ? R(-1) : R(1);
  const bool axis_mod = (mask >> axis & 1u) != 0;
  for (index_t o = 0; o < oc; ++o) {
    const int po = Modulate ? index_parity(o0 + o, shape, 0, axis, mask) : 0;
    std::complex<R>* lines = buf + o * ic * ld;
    std::complex<R>* base = data + (o0 + o) * g.n * g.inner + i0;
    for (index_t m0 = 0; m0 < g.n; m0 += kTile) {
      const index_t mt = std::min(kTile, g.n - m0);
      std::array<std::complex<R>*, kTile> row{};
      std::array<R, kTile> f{};
      for (index_t k = 0; k < mt; ++k) {
        // Line position m holds array index j: rot != 0 realises the ifftshift on the way in and
        // the fftshift on the way out of an odd centred axis.
        const index_t m = m0 + k;
        const index_t j = m + rot < g.n ? m + rot : m + rot - g.n;
        row[static_cast<std::size_t>(k)] = base + j * g.inner;
        if constexpr (Modulate)
          f[static_cast<std::size_t>(k)] = (po ^ (axis_mod ? static_cast<int>(j & 1) : 0)) ? -s : s;
      }
      for (index_t t = 0; t < ic; ++t) {
        std::complex<R>* line = lines + t * ld + m0;
        const R st = Modulate ? sign_inner[static_cast<std::size_t>(t)] : R(1);
        for (index_t k = 0; k < mt; ++k) {
          std::complex<R>& a = row[static_cast<std::size_t>(k)][t];
          if constexpr (!Modulate) {
            if constexpr (Scatter)
              a = line[k];
            else
              line[k] = a;
          } else {
            const R factor = f[static_cast<std::size_t>(k)] * st;  // +-s exactly
            if constexpr (Scatter)
              a = line[k] * factor;
            else
              line[k] = a * factor;
          }
        }
      }
    }
  }
}

template <class R, bool Scatter>
void stage(std::complex<R>* data, std::complex<R>* buf, index_t ld, const Shape& shape, int axis,
           const AxisGeom& g, index_t o0, index_t oc, index_t i0, index_t ic, index_t rot,
           std::uint32_t mask, R s, bool modulate) {
  if (modulate)
    stage_lines<R, Scatter, true>(data, buf, ld, shape, axis, g, o0, oc, i0, ic, rot, mask, s);
  else
    stage_lines<R, Scatter, false>(data, buf, ld, shape, axis, g, o0, oc, i0, ic, rot, mask, s);
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using Block = std::unique_ptr<void, FreeDeleter>;

Block aligned_block(std::size_t bytes) {
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p) throw std::bad_alloc();
  return Block(p);
}

// Staging memory for one thread, 64-byte aligned. Chunks up to kCachedStage elements (all of them
// but those of very long axes) use a buffer kept per thread between calls, so the hot path does not
// allocate; larger ones get memory owned by `owned` for the pass only.
template <class R>
std::complex<R>* stage_memory(index_t elems, Block& owned) {
  const auto bytes = [](index_t n) {
    return static_cast<std::size_t>(n) * sizeof(std::complex<R>);
  };
  if (elems > kCachedStage) {
    owned = aligned_block(bytes(elems));
    return static_cast<std::complex<R>*>(owned.get());
  }
  thread_local Block kept;
  thread_local index_t capacity = 0;
  if (capacity < elems) {
    kept.reset();
    capacity = 0;
    kept = aligned_block(bytes(elems));
    capacity = elems;
  }
  return static_cast<std::complex<R>*>(kept.get());
}

// Options of one multi-axis complex transform after the public arguments have been resolved.
template <class R>
struct Passes {
  std::vector<int> axes;    // axes with length > 1, in processing order
  int sign = FFTW_FORWARD;  // FFTW's exponent sign
  std::uint32_t mask = 0;   // even centred axes, handled by modulation
  std::uint32_t odd = 0;    // odd centred axes, handled by rotating each line
  R post = R(1);            // final factor: scale, negated when the centring sign is -1
};

// Rotates each of `rows` contiguous lines of length n so that position m receives index
// (m + rot) mod n (an ifftshift for rot = n / 2, undone by rot = n - n / 2). Through a copy of the
// line: std::rotate's cycle-following is several times slower for lengths like 255.
template <class R>
void rotate_rows(std::complex<R>* data, index_t rows, index_t n, index_t rot) {
  std::vector<std::complex<R>> line(static_cast<std::size_t>(n));
  for (index_t r = 0; r < rows; ++r) {
    std::complex<R>* row = data + r * n;
    std::copy(row, row + n, line.begin());
    std::copy(line.begin() + rot, line.end(), row);
    std::copy(line.begin(), line.begin() + rot, row + (n - rot));
  }
}

// Runs the passes of a complex transform in place. The last axis is transformed in place by
// contiguous batches. A strided axis is staged: FFTW applied directly to lines `inner` elements
// apart is over 15x slower here when the stride is a power of two (every line falls into the same
// cache sets), so each chunk is copied to a padded contiguous buffer, transformed there and copied
// back; the copies also carry the centring (modulation or rotation) for free. Each chunk still
// runs one fixed plan chosen by the shape, hence the results do not depend on the thread count.
//
// Centring: the modulations of even axes commute with everything done along other axes, so the
// pre-modulation of all of them is applied in the first pass and the post-modulation (with the
// normalisation) in the last; an odd axis is rotated just before and after its own pass.
template <class R>
void run_passes(std::complex<R>* data, const Shape& shape, const Passes<R>& p) {
  const int nt = num_threads();
  const bool need_post = p.mask != 0 || p.post != R(1);
  const Kind kind = p.sign == FFTW_FORWARD ? kForward : kInverse;
  PlanCache& cache = plan_cache();
  std::vector<void*> plans;
  for (std::size_t pass = 0; pass < p.axes.size(); ++pass) {
    const int axis = p.axes[pass];
    const AxisGeom g(shape, axis);
    const Chunking ch(g);
    const index_t n_chunks = ch.count();
    const bool pre_here = pass == 0 && p.mask != 0;
    const bool post_here = pass + 1 == p.axes.size() && need_post;
    const index_t rot = (p.odd >> axis & 1u) ? g.n / 2 : 0;
    const bool staged = g.inner > 1;
    const index_t ld = g.n + kRowPad;
    const index_t stage_elems = staged ? ch.ob * ch.ib * ld : 0;

    auto chunk_at = [&](index_t c, index_t& o0, index_t& oc, index_t& i0, index_t& ic) {
      o0 = (c / ch.n_ib) * ch.ob;
      i0 = (c % ch.n_ib) * ch.ib;
      oc = std::min(ch.ob, g.outer - o0);
      ic = std::min(ch.ib, g.inner - i0);
    };

    // Plans are resolved before the parallel loop so that no thread waits on the planner. Staged
    // chunks are planned on this thread's buffer: all buffers are 64-byte aligned, so one plan
    // fits every thread's.
    plans.assign(static_cast<std::size_t>(n_chunks), nullptr);
    {
      Block owned;
      std::complex<R>* buf = staged ? stage_memory<R>(stage_elems, owned) : nullptr;
      std::lock_guard<std::mutex> lock(cache.mutex);
      for (index_t c = 0; c < n_chunks; ++c) {
        index_t o0, oc, i0, ic;
        chunk_at(c, o0, oc, i0, ic);
        std::complex<R>* ptr = staged ? buf : data + o0 * g.n;
        Batch b;
        b.dim = Dim{g.n, 1, 1};
        b.add_loop(staged ? oc * ic : oc, staged ? ld : g.n, staged ? ld : g.n);
        const int al = Api<R>::alignment(ptr);
        plans[static_cast<std::size_t>(c)] = plan_for<R>(
            cache, b.key(Api<R>::kPrecision, kind, al, al),
            [&] { return Api<R>::plan_dft(b.dim, b.n_loops, b.loops.data(), ptr, p.sign); });
      }
    }

    bool alloc_failed = false;
#pragma omp parallel num_threads(nt) if (nt > 1 && n_chunks > 1) reduction(|| : alloc_failed)
    {
      Block owned;
      std::complex<R>* buf = nullptr;
      if (staged) {
        try {
          buf = stage_memory<R>(stage_elems, owned);
        } catch (const std::bad_alloc&) {
          alloc_failed = true;  // an exception must not leave an OpenMP region
        }
      }
#pragma omp for schedule(static)
      for (index_t c = 0; c < n_chunks; ++c) {
        index_t o0, oc, i0, ic;
        chunk_at(c, o0, oc, i0, ic);
        void* plan = plans[static_cast<std::size_t>(c)];
        if (!staged) {
          std::complex<R>* rows = data + o0 * g.n;
          if (pre_here) modulate_rows<R>(data, shape, axis, g, o0, oc, p.mask, R(1));
          if (rot) rotate_rows(rows, oc, g.n, rot);
          Api<R>::exec_dft(plan, rows);
          if (rot) rotate_rows(rows, oc, g.n, g.n - rot);
          if (post_here) modulate_rows<R>(data, shape, axis, g, o0, oc, p.mask, p.post);
        } else if (buf) {
          stage<R, false>(data, buf, ld, shape, axis, g, o0, oc, i0, ic, rot, p.mask, R(1),
                          pre_here);
          Api<R>::exec_dft(plan, buf);
          stage<R, true>(data, buf, ld, shape, axis, g, o0, oc, i0, ic, rot, p.mask, p.post,
                         post_here);
        }
      }
    }
    if (alloc_failed) throw std::bad_alloc();
  }
}

// Sorted, unique, non-negative axes; empty means all. Negative axes count from the end (NumPy).
std::vector<int> resolve_axes(const std::vector<int>& axes, int rank, const char* what) {
  std::vector<int> out = normalize_axes(axes, rank, what);
  std::sort(out.begin(), out.end());
  return out;
}

// Circular shift in place: element at index i moves to (i + shift[a]) mod N along each axis.
template <class T>
void roll(T* data, const Shape& shape, std::array<index_t, kMaxRank> shift) {
  const int rank = shape.rank();
  const index_t size = shape.size();
  if (rank == 0 || size == 0) return;
  bool any = false;
  for (int a = 0; a < rank; ++a) {
    const index_t d = shape[a];
    auto& s = shift[static_cast<std::size_t>(a)];
    s = ((s % d) + d) % d;
    any = any || s != 0;
  }
  if (!any) return;
  const std::vector<T> src(data, data + size);
  const index_t n = shape[rank - 1];
  const index_t s_last = shift[static_cast<std::size_t>(rank - 1)];
  const index_t rows = size / n;
  // Rows move as wholes (with a rotation inside), so the copy order is irrelevant to the result.
  parallel_for(
      0, rows,
      [&](index_t row) {
        index_t rest = row, dst_row = 0, stride = 1;
        for (int a = rank - 2; a >= 0; --a) {
          const index_t d = shape[a];
          const index_t i = rest % d;
          rest /= d;
          dst_row += ((i + shift[static_cast<std::size_t>(a)]) % d) * stride;
          stride *= d;
        }
        const T* from = src.data() + row * n;
        T* to = data + dst_row * n;
        std::copy(from, from + (n - s_last), to + s_last);
        std::copy(from + (n - s_last), from + n, to);
      },
      std::max<index_t>(1, 4096 / n));
}

template <Element T>
void shift_axes(Array<T>& x, const std::vector<int>& axes, bool inverse, const char* what) {
  const std::vector<int> ax = resolve_axes(axes, x.rank(), what);
  std::array<index_t, kMaxRank> shift{};
  for (int a : ax) shift[static_cast<std::size_t>(a)] = inverse ? -(x.dim(a) / 2) : x.dim(a) / 2;
  roll(x.data(), x.shape(), shift);
}

double product_of(const Shape& shape, const std::vector<int>& axes) {
  double p = 1;
  for (int a : axes) p *= static_cast<double>(shape[a]);
  return p;
}

// Runs one r2c or c2r pass along the last axis, chunked by rows, scaling each chunk's output.
template <class R, bool Forward>
void run_real_pass(std::conditional_t<Forward, const R*, std::complex<R>*> in,
                   std::conditional_t<Forward, std::complex<R>*, R*> out, index_t rows, index_t n,
                   R scale) {
  const index_t m = n / 2 + 1;
  const index_t in_len = Forward ? n : m;
  const index_t out_len = Forward ? m : n;
  const index_t ob = std::clamp<index_t>(kChunkElems / n, 1, rows);
  const index_t n_chunks = (rows + ob - 1) / ob;
  using In = std::conditional_t<Forward, R, std::complex<R>>;
  using Out = std::conditional_t<Forward, std::complex<R>, R>;
  // FFTW's API takes non-const input; an out-of-place r2c plan never writes to it.
  In* in_data = const_cast<In*>(in);
  Out* out_data = out;

  std::vector<void*> plans(static_cast<std::size_t>(n_chunks));
  {
    PlanCache& cache = plan_cache();
    std::lock_guard<std::mutex> lock(cache.mutex);
    for (index_t c = 0; c < n_chunks; ++c) {
      const index_t r0 = c * ob, rc = std::min(ob, rows - r0);
      In* pi = in_data + r0 * in_len;
      Out* po = out_data + r0 * out_len;
      Batch b;
      b.dim = Dim{n, 1, 1};
      b.add_loop(rc, in_len, out_len);
      const PlanKey key = b.key(Api<R>::kPrecision, Forward ? kR2c : kC2r, Api<R>::alignment(pi),
                                Api<R>::alignment(po));
      plans[static_cast<std::size_t>(c)] = plan_for<R>(cache, key, [&] {
        if constexpr (Forward)
          return Api<R>::plan_r2c(b.dim, b.n_loops, b.loops.data(), pi, po);
        else
          return Api<R>::plan_c2r(b.dim, b.n_loops, b.loops.data(), pi, po);
      });
    }
  }
  const int nt = num_threads();
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && n_chunks > 1)
  for (index_t c = 0; c < n_chunks; ++c) {
    const index_t r0 = c * ob, rc = std::min(ob, rows - r0);
    In* pi = in_data + r0 * in_len;
    Out* po = out_data + r0 * out_len;
    if constexpr (Forward)
      Api<R>::exec_r2c(plans[static_cast<std::size_t>(c)], pi, po);
    else
      Api<R>::exec_c2r(plans[static_cast<std::size_t>(c)], pi, po);
    if (scale != R(1))
      for (index_t i = 0; i < rc * out_len; ++i) po[i] *= scale;
  }
}

// Axes [rank - n_axes, rank - 1) with length > 1: the complex part of a multi-axis real FFT.
std::vector<int> leading_real_axes(const Shape& shape, int n_axes) {
  std::vector<int> axes;
  for (int a = shape.rank() - 1 - 1; a >= shape.rank() - n_axes; --a)
    if (shape[a] > 1) axes.push_back(a);
  return axes;
}

void check_real_axes(int rank, int n_axes, const char* what) {
  if (rank < 1) throw InvalidInput(what, "needs an array of rank >= 1");
  if (n_axes < 1 || n_axes > rank)
    throw InvalidInput(what, "n_axes = " + std::to_string(n_axes) + " must be in [1, " +
                                 std::to_string(rank) + "]");
}

}  // namespace

template <class R>
void transform(std::complex<R>* data, const Shape& shape, const std::vector<int>& axes,
               Direction dir, Norm norm, bool centred) {
  const std::vector<int> ax = resolve_axes(axes, shape.rank(), "fft");
  if (shape.size() == 0) return;
  if (!data) throw InvalidInput("fft", "null data pointer");

  const double total = product_of(shape, ax);
  double scale = 1.0;
  if (norm == Norm::ortho)
    scale = 1.0 / std::sqrt(total);
  else if (dir == Direction::inverse)
    scale = 1.0 / total;

  Passes<R> p;
  p.sign = dir == Direction::forward ? FFTW_FORWARD : FFTW_BACKWARD;
  bool negate = false;
  for (int a : ax) {
    const index_t n = shape[a];
    if (n <= 1) continue;
    p.axes.push_back(a);
    if (!centred) continue;
    if (n % 2 == 0) {
      p.mask |= 1u << a;
      negate ^= (n / 2) % 2 == 1;
    } else {
      p.odd |= 1u << a;
    }
  }
  // Last axis first: its pass is contiguous and carries the pre-modulation cheaply.
  std::reverse(p.axes.begin(), p.axes.end());
  p.post = static_cast<R>(negate ? -scale : scale);
  run_passes(data, shape, p);
}

template <Element T>
void fftshift(Array<T>& x, const std::vector<int>& axes) {
  shift_axes(x, axes, false, "fftshift");
}

template <Element T>
void ifftshift(Array<T>& x, const std::vector<int>& axes) {
  shift_axes(x, axes, true, "ifftshift");
}

template <class R>
Array<std::complex<R>> rfft(const Array<R>& x, int n_axes, Norm norm) {
  check_real_axes(x.rank(), n_axes, "rfft");
  const int rank = x.rank();
  const index_t n = x.dim(rank - 1);
  if (n < 1) throw InvalidInput("rfft", "the last axis is empty");
  Shape out_shape = x.shape();
  out_shape[rank - 1] = n / 2 + 1;
  Array<std::complex<R>> y(out_shape);
  if (x.size() == 0) return y;

  double total = 1;
  for (int a = rank - n_axes; a < rank; ++a) total *= static_cast<double>(x.dim(a));
  const double scale = norm == Norm::ortho ? 1.0 / std::sqrt(total) : 1.0;

  Passes<R> p;
  p.axes = leading_real_axes(out_shape, n_axes);
  p.sign = FFTW_FORWARD;
  p.post = static_cast<R>(scale);
  // The scale goes with the last pass, so it is applied once.
  run_real_pass<R, true>(x.data(), y.data(), x.size() / n, n,
                         p.axes.empty() ? static_cast<R>(scale) : R(1));
  if (!p.axes.empty()) run_passes(y.data(), out_shape, p);
  return y;
}

template <class R>
Array<R> irfft(const Array<std::complex<R>>& X, index_t last_len, int n_axes, Norm norm) {
  check_real_axes(X.rank(), n_axes, "irfft");
  const int rank = X.rank();
  if (last_len < 1) throw InvalidInput("irfft", "last_len must be >= 1");
  if (X.dim(rank - 1) != last_len / 2 + 1)
    throw ShapeMismatch("irfft", "last axis has " + std::to_string(X.dim(rank - 1)) +
                                     " entries, a real length of " + std::to_string(last_len) +
                                     " needs " + std::to_string(last_len / 2 + 1));
  Shape out_shape = X.shape();
  out_shape[rank - 1] = last_len;
  Array<R> y(out_shape);
  if (y.size() == 0) return y;

  double total = 1;
  for (int a = rank - n_axes; a < rank; ++a) total *= static_cast<double>(out_shape[a]);
  const double scale = norm == Norm::ortho ? 1.0 / std::sqrt(total) : 1.0 / total;

  // c2r overwrites its input, and the leading axes are transformed in place: work on a copy.
  Array<std::complex<R>> work(X);
  Passes<R> p;
  p.axes = leading_real_axes(X.shape(), n_axes);
  p.sign = FFTW_BACKWARD;
  if (!p.axes.empty()) run_passes(work.data(), X.shape(), p);
  run_real_pass<R, false>(work.data(), y.data(), y.size() / last_len, last_len,
                          static_cast<R>(scale));
  return y;
}

std::size_t cached_plan_count() {
  PlanCache& cache = plan_cache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  return cache.plans.size();
}

void clear_plan_cache() {
  plan_cache().clear();
}

template void transform<float>(std::complex<float>*, const Shape&, const std::vector<int>&,
                               Direction, Norm, bool);
template void transform<double>(std::complex<double>*, const Shape&, const std::vector<int>&,
                                Direction, Norm, bool);
template void fftshift<float>(Array<float>&, const std::vector<int>&);
template void fftshift<double>(Array<double>&, const std::vector<int>&);
template void fftshift<cfloat>(Array<cfloat>&, const std::vector<int>&);
template void fftshift<cdouble>(Array<cdouble>&, const std::vector<int>&);
template void ifftshift<float>(Array<float>&, const std::vector<int>&);
template void ifftshift<double>(Array<double>&, const std::vector<int>&);
template void ifftshift<cfloat>(Array<cfloat>&, const std::vector<int>&);
template void ifftshift<cdouble>(Array<cdouble>&, const std::vector<int>&);
template Array<std::complex<float>> rfft<float>(const Array<float>&, int, Norm);
template Array<std::complex<double>> rfft<double>(const Array<double>&, int, Norm);
template Array<float> irfft<float>(const Array<std::complex<float>>&, index_t, int, Norm);
template Array<double> irfft<double>(const Array<std::complex<double>>&, index_t, int, Norm);

}  // namespace tweed::fft

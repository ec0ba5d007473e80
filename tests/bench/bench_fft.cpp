// FFT benchmarks. The headline figure is the centred 2-D round trip fftc + ifftc of a 256x256
// complex<float> image (the inner loop of an MRI reconstruction), at 1 and 2 threads; peer:
// tests/bench/fft_peer.py (NumPy's fft2 + ifft2 on the same size). FFTW's own 2-D plan is timed
// as well, to show what Tweed's deterministic batching and centring cost on top of FFTW.
//
//   build-fft/tests/bench/bench_fft --benchmark_repetitions=10 \
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <fftw3.h>

#include <complex>

#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"

namespace {

using tweed::Array;
using tweed::Shape;

template <class R>
Array<std::complex<R>> image(tweed::index_t n) {
  Array<std::complex<R>> x(Shape{n, n});
  tweed::fill_normal(x, tweed::CounterRng(1));
  return x;
}

// state.range(0): image side; state.range(1): threads.
template <class R, bool Centred>
void roundtrip(benchmark::State& state) {
  const int saved = tweed::num_threads();
  tweed::set_num_threads(static_cast<int>(state.range(1)));
  Array<std::complex<R>> x = image<R>(state.range(0));
  if constexpr (Centred) {
    tweed::fft::fftc(x);  // plans are made outside the timed loop
    tweed::fft::ifftc(x);
  } else {
    tweed::fft::fft(x);
    tweed::fft::ifft(x);
  }
  for (auto _ : state) {
    if constexpr (Centred) {
      tweed::fft::fftc(x);
      tweed::fft::ifftc(x);
    } else {
      tweed::fft::fft(x);
      tweed::fft::ifft(x);
    }
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  tweed::set_num_threads(saved);
  state.SetItemsProcessed(state.iterations());
}

void BM_fftc_roundtrip_cfloat(benchmark::State& s) {
  roundtrip<float, true>(s);
}
void BM_fft_roundtrip_cfloat(benchmark::State& s) {
  roundtrip<float, false>(s);
}
void BM_fftc_roundtrip_cdouble(benchmark::State& s) {
  roundtrip<double, true>(s);
}
BENCHMARK(BM_fftc_roundtrip_cfloat)
    ->ArgNames({"n", "threads"})
    ->Args({256, 1})
    ->Args({256, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_fft_roundtrip_cfloat)
    ->ArgNames({"n", "threads"})
    ->Args({256, 1})
    ->Args({256, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_fftc_roundtrip_cdouble)
    ->ArgNames({"n", "threads"})
    ->Args({256, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Reference: FFTW's own single-threaded in-place 2-D plans (FFTW_ESTIMATE, as Tweed plans),
// forward + backward, no normalisation and no centring.
void BM_fftw_native_2d_cfloat(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Array<std::complex<float>> x = image<float>(n);
  auto* p = reinterpret_cast<fftwf_complex*>(x.data());
  fftwf_plan fwd = fftwf_plan_dft_2d(n, n, p, p, FFTW_FORWARD, FFTW_ESTIMATE);
  fftwf_plan bwd = fftwf_plan_dft_2d(n, n, p, p, FFTW_BACKWARD, FFTW_ESTIMATE);
  for (auto _ : state) {
    fftwf_execute(fwd);
    fftwf_execute(bwd);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  fftwf_destroy_plan(fwd);
  fftwf_destroy_plan(bwd);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fftw_native_2d_cfloat)
    ->ArgNames({"n"})
    ->Arg(256)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

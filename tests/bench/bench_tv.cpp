// TV benchmarks. Headline figures:
//  - 2-D isotropic TV denoising of a 512x512 image in scikit-image's mode (Chambolle's
//    projection, its energy stopping rule: the same iterations and the same output as
//    skimage.restoration.denoise_tv_chambolle at the same weight), float64 and float32, 1 and 2
//    threads; the default certified FGP solver for comparison;
//  - exact 1-D TV (taut string) on 10^6 samples, in ns/sample.
// Peer: tests/bench/tv_peer.py, which runs scikit-image and this binary on the same image in one
// run and prints both objectives and the time ratio:
//
//   /usr/bin/python3 tests/bench/tv_peer.py --bench build-priors/tests/bench/bench_tv
//
// Google Benchmark cases (synthetic noisy phantom):
//   build-priors/tests/bench/bench_tv --benchmark_repetitions=5 \
//       --benchmark_report_aggregates_only=true
//
// Peer mode (used by tv_peer.py; prints one JSON line, runs no benchmark):
//   bench_tv --peer_image=FILE --peer_shape=512,512 [--peer_dtype=float64|float32]
//            [--peer_weight=0.1] [--peer_eps=2e-4] [--peer_max_iter=200] [--peer_repeats=7]
//            [--peer_threads=1] [--peer_solver=skimage|fgp] [--peer_tolerance=1e-2]
//   FILE holds raw little-endian float64 values, row-major; a 1-element shape (e.g. 1000000)
//   runs exact 1-D TV instead.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/priors/tv.hpp"

namespace {

using tweed::Array;
using tweed::index_t;
using tweed::Shape;
using tweed::priors::TvAlgorithm;
using tweed::priors::TvOptions;

/// A piecewise-constant 2-D test image (discs and bars in [0, 1]) plus Gaussian noise 0.1.
template <class T>
Array<T> noisy_image(index_t n) {
  Array<T> x(Shape{n, n});
  tweed::fill_normal(x, tweed::CounterRng(7), 0.0, 0.1);
  for (index_t r = 0; r < n; ++r)
    for (index_t c = 0; c < n; ++c) {
      const double y = 2.0 * double(r) / double(n) - 1, xx = 2.0 * double(c) / double(n) - 1;
      double v = 0.2;
      if (xx * xx + y * y < 0.6) v = 0.6;
      if ((xx - 0.2) * (xx - 0.2) + (y + 0.1) * (y + 0.1) < 0.05) v = 1.0;
      if (std::abs(y - 0.5) < 0.05 && std::abs(xx) < 0.5) v = 0.0;
      x(r, c) += T(v);
    }
  return x;
}

/// Steps plus noise, n samples.
Array<double> noisy_signal(index_t n) {
  Array<double> x(Shape{n});
  tweed::CounterRng rng(3);
  double level = 0;
  for (index_t i = 0; i < n; ++i) {
    if (rng.uniform(std::uint64_t(i), 1) < 1e-3) level = rng.uniform(std::uint64_t(i), 2);
    x[i] = level + 0.1 * rng.normal(std::uint64_t(i));
  }
  return x;
}

// state.range(0): 0 = scikit-image mode (Chambolle, eps 2e-4, 200 iterations at most),
// 1 = FGP with the default certified tolerance; state.range(1): threads.
template <class T>
void BM_tv2d_512(benchmark::State& state) {
  const Array<T> f = noisy_image<T>(512);
  const TvOptions o = state.range(0) == 0 ? TvOptions::skimage() : TvOptions{};
  tweed::set_num_threads(int(state.range(1)));
  Array<T> out;
  int iterations = 0;
  for (auto _ : state) {
    iterations = tweed::priors::tv_denoise(f, 0.1, out, o).iterations;
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["iterations"] = iterations;
  state.counters["ms_per_iter"] =
      benchmark::Counter(double(iterations) * 1e3, benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
  tweed::set_num_threads(0);
}
BENCHMARK(BM_tv2d_512<double>)
    ->ArgNames({"fgp", "threads"})
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_tv2d_512<float>)
    ->ArgNames({"fgp", "threads"})
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A fixed number of iterations, to time one iteration of each solver (state.range(0): 0
// Chambolle, 1 FGP; range(1): isotropic).
template <class T>
void BM_tv2d_iteration(benchmark::State& state) {
  const Array<T> f = noisy_image<T>(512);
  TvOptions o;
  o.algorithm = state.range(0) == 0 ? TvAlgorithm::kChambolle : TvAlgorithm::kFgp;
  o.isotropic = state.range(1) == 1;
  o.stop = tweed::priors::TvStop::kEnergyDecrease;
  o.tolerance = 0;  // never met: run max_iterations
  o.max_iterations = 20;
  tweed::set_num_threads(1);
  Array<T> out;
  for (auto _ : state) {
    tweed::priors::tv_denoise(f, 0.1, out, o);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 20 * f.size());  // pixel-iterations
  tweed::set_num_threads(0);
}
BENCHMARK(BM_tv2d_iteration<double>)
    ->ArgNames({"fgp", "iso"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_tv2d_iteration<float>)
    ->ArgNames({"fgp", "iso"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

void BM_tv3d_128(benchmark::State& state) {
  Array<float> f(Shape{128, 128, 128});
  tweed::fill_normal(f, tweed::CounterRng(2), 0.5, 0.1);
  TvOptions o = TvOptions::skimage();
  o.tolerance = 0;
  o.max_iterations = 10;
  tweed::set_num_threads(int(state.range(0)));
  Array<float> out;
  for (auto _ : state) {
    tweed::priors::tv_denoise(f, 0.1, out, o);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 10 * f.size());
  tweed::set_num_threads(0);
}
BENCHMARK(BM_tv3d_128)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Exact 1-D TV on 10^6 samples; items/s is samples/s (ns/sample = 1e9 / items_per_second).
void BM_tv1d_exact(benchmark::State& state) {
  const Array<double> y = noisy_signal(state.range(0));
  const double lambda = double(state.range(1)) / 100.0;
  Array<double> x(y.shape());
  for (auto _ : state) {
    tweed::priors::tv1d_denoise<double>(y.span(), lambda, x.span());
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(state.iterations() * y.size());
}
BENCHMARK(BM_tv1d_exact)
    ->ArgNames({"n", "lambda_x100"})
    ->ArgsProduct({{1000000}, {10, 100, 1000}})
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// Peer mode.

struct PeerArgs {
  std::string image, dtype = "float64", solver = "skimage";
  std::vector<index_t> shape;
  double weight = 0.1, eps = 2e-4, tolerance = 1e-2;
  int max_iter = 200, repeats = 7, threads = 1;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <class T>
int run_peer(const PeerArgs& a, const std::vector<double>& raw) {
  Array<T> f(Shape(a.shape));
  for (index_t i = 0; i < f.size(); ++i) f[i] = T(raw[static_cast<std::size_t>(i)]);
  tweed::set_num_threads(a.threads);
  const bool one_d = a.shape.size() == 1;
  TvOptions o = a.solver == "fgp" ? TvOptions{} : TvOptions::skimage(a.eps, a.max_iter);
  if (a.solver == "fgp") o.tolerance = a.tolerance;
  Array<T> out;
  std::vector<double> times;
  tweed::priors::TvReport rep;
  for (int r = 0; r < a.repeats + 1; ++r) {  // the first run warms caches and pages
    const auto t0 = std::chrono::steady_clock::now();
    if (one_d) {
      if (out.empty()) out = Array<T>(f.shape());
      tweed::priors::tv1d_denoise<T>(f.span(), a.weight, out.span());
    } else {
      rep = tweed::priors::tv_denoise(f, a.weight, out, o);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r > 0) times.push_back(s);
  }
  // The objective 1/2||u - f||^2 + weight TV(u), accumulated in double.
  double fid = 0;
  for (index_t i = 0; i < f.size(); ++i) fid += 0.5 * std::pow(double(out[i]) - double(f[i]), 2);
  const double objective = fid + a.weight * tweed::priors::tv_value(out);
  std::printf(
      "{\"mode\": \"%s\", \"dtype\": \"%s\", \"solver\": \"%s\", \"threads\": %d, "
      "\"iterations\": %d, \"median_s\": %.9g, \"min_s\": %.9g, \"objective\": %.17g, "
      "\"checksum\": %.17g}\n",
      one_d ? "tv1d" : "tv2d", a.dtype.c_str(), one_d ? "taut-string" : a.solver.c_str(),
      tweed::num_threads(), rep.iterations, median(times),
      *std::min_element(times.begin(), times.end()), objective,
      double(tweed::sum(std::span<const T>(out.data(), static_cast<std::size_t>(out.size())))));
  return 0;
}

/// Parses and removes the --peer_* flags; returns true when peer mode was asked for.
bool parse_peer(int& argc, char** argv, PeerArgs& a) {
  bool peer = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&](const char* key) -> const char* {
      const std::string k = std::string("--") + key + "=";
      return s.rfind(k, 0) == 0 ? argv[i] + k.size() : nullptr;
    };
    if (const char* v = value("peer_image")) {
      a.image = v;
      peer = true;
    } else if (const char* v = value("peer_shape")) {
      a.shape.clear();
      for (const char* p = v; *p;) {
        char* end = nullptr;
        a.shape.push_back(std::strtoll(p, &end, 10));
        p = *end == ',' ? end + 1 : end;
      }
    } else if (const char* v = value("peer_dtype")) {
      a.dtype = v;
    } else if (const char* v = value("peer_solver")) {
      a.solver = v;
    } else if (const char* v = value("peer_weight")) {
      a.weight = std::atof(v);
    } else if (const char* v = value("peer_eps")) {
      a.eps = std::atof(v);
    } else if (const char* v = value("peer_tolerance")) {
      a.tolerance = std::atof(v);
    } else if (const char* v = value("peer_max_iter")) {
      a.max_iter = std::atoi(v);
    } else if (const char* v = value("peer_repeats")) {
      a.repeats = std::max(1, std::atoi(v));
    } else if (const char* v = value("peer_threads")) {
      a.threads = std::atoi(v);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return peer;
}

}  // namespace

int main(int argc, char** argv) {
  PeerArgs peer;
  if (parse_peer(argc, argv, peer)) {
    index_t n = 1;
    for (index_t d : peer.shape) n *= d;
    if (peer.shape.empty() || n <= 0) {
      std::fprintf(stderr, "bench_tv: --peer_shape is required\n");
      return 2;
    }
    std::vector<double> raw(static_cast<std::size_t>(n));
    std::ifstream in(peer.image, std::ios::binary);
    in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(n * 8));
    if (!in) {
      std::fprintf(stderr, "bench_tv: cannot read %lld float64 values from %s\n",
                   static_cast<long long>(n), peer.image.c_str());
      return 2;
    }
    return peer.dtype == "float32" ? run_peer<float>(peer, raw) : run_peer<double>(peer, raw);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

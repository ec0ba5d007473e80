// Benchmarks of the zero-shot learned denoisers (tweed::learned, libtorch CPU plugin).
// Headline figure: milliseconds per training step of the pair denoiser (Noise2Noise on flicked
// sinograms, the CT flicking method) on 256x256 images, width 48, depth 4, batch 4 pairs (one
// forward/backward pass over 8 images plus one Adam update), on whole images and on the default
// 64x64 crops, and of ZS-N2N on a 256x256 image.
// The time per step is taken between the end of the first and the end of the last step (via the
// progress callback), so network construction, the first step's allocations and the final
// inference are excluded.
//
// Peer: tests/bench/flick_train_peer.py times the same network and step in PyTorch
// (/usr/bin/python3, python3-torch 1.13, the same libtorch build) and runs this binary's peer
// mode in the same run, printing both figures and their ratio:
//
//   /usr/bin/python3 tests/bench/flick_train_peer.py --bench
//   build-learned/tests/bench/bench_learned
//
// Google Benchmark cases:
//   build-learned/tests/bench/bench_learned --benchmark_counters_tabular=true
//
// Peer mode (prints one JSON line, runs no benchmark):
//   bench_learned --peer_size=256 [--peer_width=48] [--peer_depth=4] [--peer_batch=4]
//                 [--peer_steps=30] [--peer_threads=2] [--peer_method=pairs|zs_n2n]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/learned/zero_shot.hpp"

namespace {

using tweed::Array;
using tweed::index_t;
using tweed::Shape;
using tweed::learned::TrainOptions;
using Clock = std::chrono::steady_clock;

/// A noisy stack [n, size, size]: a smooth ramp plus Gaussian noise 0.1 (content does not change
/// the cost of a convolution; the values only need to be realistic).
Array<float> noisy_stack(index_t n, index_t size, std::uint32_t stream) {
  Array<float> x(Shape{n, size, size});
  tweed::fill_normal(x, tweed::CounterRng(11, stream), 0.0, 0.1);
  for (index_t i = 0; i < x.size(); ++i) x[i] += static_cast<float>((i % size) / double(size));
  return x;
}

struct StepTiming {
  Clock::time_point first, last;
  int steps = 0;
  double ms_per_step() const {
    return steps > 1 ? std::chrono::duration<double, std::milli>(last - first).count() / (steps - 1)
                     : 0.0;
  }
};

/// Runs one training of `steps` steps and returns the steady-state time per step.
double time_training(const std::string& method, index_t size, int width, int depth, int batch,
                     int steps, int patch = 0) {
  StepTiming timing;
  TrainOptions o;
  o.iterations = steps;
  o.width = width;
  o.depth = depth;
  o.batch = batch;
  o.patch = patch;
  o.alpha = 1;    // the plain pair step, as timed in PyTorch (flick_train_peer.py)
  o.holdout = 0;  // no held-out checks between the timed steps
  o.threads = 0;  // torch uses tweed's thread count, set by the caller
  o.on_step = [&](int step, double) {
    const auto now = Clock::now();
    if (step == 1) timing.first = now;
    timing.last = now;
    timing.steps = step;
    return true;
  };
  if (method == "zs_n2n") {
    Array<float> y = noisy_stack(1, size, 1);
    y.reshape(Shape{size, size});
    benchmark::DoNotOptimize(tweed::learned::zs_n2n(y, o));
  } else {
    const Array<float> a = noisy_stack(batch, size, 1), b = noisy_stack(batch, size, 2);
    const Array<float> apply = noisy_stack(1, size, 3);
    benchmark::DoNotOptimize(tweed::learned::train_pairs_and_apply(a, b, apply, o));
  }
  return timing.ms_per_step();
}

void BM_PairStep(benchmark::State& state) {
  tweed::set_num_threads(static_cast<int>(state.range(1)));
  double ms = 0;
  const int patch = static_cast<int>(state.range(2));
  for (auto _ : state) ms = time_training("pairs", state.range(0), 48, 4, 4, patch ? 40 : 8, patch);
  state.counters["ms_per_step"] = ms;
}
// Args: image side, threads, crop side (0: whole images, the peer's setting).
BENCHMARK(BM_PairStep)
    ->Args({256, 1, 0})
    ->Args({256, 2, 0})
    ->Args({256, 1, 64})
    ->Args({256, 2, 64})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_ZsN2nStep(benchmark::State& state) {
  tweed::set_num_threads(static_cast<int>(state.range(1)));
  double ms = 0;
  for (auto _ : state) ms = time_training("zs_n2n", state.range(0), 48, 0, 1, 40);
  state.counters["ms_per_step"] = ms;
}
BENCHMARK(BM_ZsN2nStep)
    ->Args({256, 1})
    ->Args({256, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

bool flag(const char* arg, const char* name, std::string& value) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string size, width = "48", depth = "4", batch = "4", steps = "30", threads = "2",
                    method = "pairs";
  for (int i = 1; i < argc; ++i) {
    flag(argv[i], "--peer_size", size) || flag(argv[i], "--peer_width", width) ||
        flag(argv[i], "--peer_depth", depth) || flag(argv[i], "--peer_batch", batch) ||
        flag(argv[i], "--peer_steps", steps) || flag(argv[i], "--peer_threads", threads) ||
        flag(argv[i], "--peer_method", method);
  }
  if (!size.empty()) {
    tweed::set_num_threads(std::stoi(threads));
    const double ms = time_training(method, std::stoll(size), std::stoi(width), std::stoi(depth),
                                    std::stoi(batch), std::stoi(steps));
    std::printf(
        "{\"method\": \"%s\", \"size\": %s, \"width\": %s, \"depth\": %s, \"batch\": %s, "
        "\"threads\": %s, \"steps\": %s, \"ms_per_step\": %.3f}\n",
        method.c_str(), size.c_str(), width.c_str(), depth.c_str(), batch.c_str(), threads.c_str(),
        steps.c_str(), ms);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

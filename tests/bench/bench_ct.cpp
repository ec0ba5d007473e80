// CT benchmarks and the issue-6 quality table.
//
// Google Benchmark cases: Joseph forward projection, its adjoint, and FBP (ram-lak) of a 256 x 256
// Shepp-Logan with 720 views over 2 pi (parallel, 363 bins), and for profiling FBP's two steps
// apart (filtering, backprojection), the FFTs of the filtering and the projector's setup, with all
// threads (OMP_NUM_THREADS=1 for one):
//   build-ct/tests/bench/bench_ct --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Peer mode (used by tests/bench/ct_peer.py, which runs scikit-image's radon/iradon on the same
// image in the same run; prints one JSON line):
//   bench_ct --peer_image=FILE --peer_size=256 --peer_views=720 [--peer_repeats=5]
//   FILE: raw little-endian float64, row-major size x size. The geometry matches scikit-image's
//   radon(image, theta=360 * arange(views) / views, circle=False): parallel beam, views over
//   2 pi, ceil(sqrt 2 size) bins of one pixel.
//
// Quality mode (the Done-when measurements of issue 6; prints a table):
//   bench_ct --quality [--image=FILE.dcm | --size=256] [--I0=5e3] [--seed=1] [--iters=2000]
//            [--pairs=16] [--methods=fbp,zsn2n,flick-image,flick-sino,fixed-pair,
//                                 flick-variants,tv,tv-fbp]
//            [--tv_weights=0.5,1,2] [--threads=0]
//   Without --image: Shepp-Logan (core, brain = water) on a size^2 grid of 1 mm pixels. With a
//   DICOM CT: the slice in HU converted to attenuation at its own pixel size. Parallel beam, 720
//   views over 2 pi; noise from simulate_low_dose(I0, sigma_e^2 = 10, seed). PSNR and SSIM are
//   against the ram-lak FBP of the noiseless sinogram, data range = that reference's range.
//   fixed-pair: the image variant without swapping (the two half-scans as the only pair);
//   flick-variants: one image-domain training, four inference choices.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tweed/core/fft.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/phantom.hpp"
#include "tweed/ct/fbp.hpp"
#include "tweed/ct/flicking.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/ct/reconstruct.hpp"
#include "tweed/ct/simulate.hpp"

namespace {

using namespace tweed;
using namespace tweed::ct;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const Geometry& bench_geometry() {
  static const Geometry g = parallel_geometry(256, 256, 720);
  return g;
}

void BM_ForwardProject(benchmark::State& state) {
  const Geometry& g = bench_geometry();
  Projector a(g);
  const Array<float> x = phantom::shepp_logan(256);
  Array<float> y(a.range());
  for (auto _ : state) {
    a.apply(x, y);
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_ForwardProject)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Adjoint(benchmark::State& state) {
  const Geometry& g = bench_geometry();
  Projector a(g);
  const Array<float> y = a(phantom::shepp_logan(256));
  Array<float> x(a.domain());
  for (auto _ : state) {
    a.apply_adjoint(y, x);
    benchmark::DoNotOptimize(x.data());
  }
}
BENCHMARK(BM_Adjoint)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Fbp(benchmark::State& state) {
  const Geometry& g = bench_geometry();
  const Array<float> y = Projector(g)(phantom::shepp_logan(256));
  for (auto _ : state) {
    Array<float> r = fbp(y, g);
    benchmark::DoNotOptimize(r.data());
  }
}
BENCHMARK(BM_Fbp)->Unit(benchmark::kMillisecond)->UseRealTime();

// FBP's two steps apart: weighting + FFT filtering, and the backprojection.
void BM_FilterSinogram(benchmark::State& state) {
  const Geometry& g = bench_geometry();
  const Array<float> y = Projector(g)(phantom::shepp_logan(256));
  for (auto _ : state) {
    Array<float> q = filter_sinogram(y, g);
    benchmark::DoNotOptimize(q.data());
  }
}
BENCHMARK(BM_FilterSinogram)->Unit(benchmark::kMillisecond)->UseRealTime();

// The FFT share of the filtering: rfft and irfft of [720, 1024] rows.
void BM_FilterFft(benchmark::State& state) {
  Array<float> x(Shape{720, 1024});
  for (index_t i = 0; i < x.size(); ++i) x[i] = float(i % 7);
  for (auto _ : state) {
    Array<std::complex<float>> s = fft::rfft(x, 1, fft::Norm::backward);
    Array<float> r = fft::irfft(s, 1024, 1, fft::Norm::backward);
    benchmark::DoNotOptimize(r.data());
  }
}
BENCHMARK(BM_FilterFft)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Backproject(benchmark::State& state) {
  const Geometry& g = bench_geometry();
  const Array<float> q = filter_sinogram(Projector(g)(phantom::shepp_logan(256)), g);
  for (auto _ : state) {
    Array<float> r = backproject(q, g);
    benchmark::DoNotOptimize(r.data());
  }
}
BENCHMARK(BM_Backproject)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ProjectorSetup(benchmark::State& state) {
  const Geometry& g = bench_geometry();
  for (auto _ : state) {
    Projector a(g);
    benchmark::DoNotOptimize(&a);
  }
}
BENCHMARK(BM_ProjectorSetup)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- command-line helpers ---------------------------------------------------------------------

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  const std::string key = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind(key, 0) == 0) return a.substr(key.size());
  }
  return fallback;
}
bool flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--" + name) return true;
  return false;
}
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string t; std::getline(ss, t, ',');)
    if (!t.empty()) out.push_back(t);
  return out;
}

// ---- peer mode --------------------------------------------------------------------------------

int peer(int argc, char** argv) {
  const index_t n = std::stol(arg(argc, argv, "peer_size", "256"));
  const index_t views = std::stol(arg(argc, argv, "peer_views", "720"));
  const int repeats = std::stoi(arg(argc, argv, "peer_repeats", "5"));
  std::ifstream f(arg(argc, argv, "peer_image", ""), std::ios::binary);
  std::vector<double> raw(static_cast<std::size_t>(n * n));
  f.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * 8));
  if (!f) {
    std::fprintf(stderr, "bench_ct: cannot read --peer_image\n");
    return 1;
  }
  Array<float> img(Shape{n, n});
  for (index_t i = 0; i < n * n; ++i) img[i] = static_cast<float>(raw[static_cast<std::size_t>(i)]);
  Geometry g = parallel_geometry(n, n, views);
  g.detectors = static_cast<index_t>(std::ceil(std::sqrt(2.0) * double(n)));
  auto time_median = [&](auto&& fn) {
    fn();  // warm-up
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      fn();
      t.push_back(seconds_since(t0));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  };
  Array<float> sino;
  const double t_setup = time_median([&] { Projector a(g); });
  const double t_fwd = time_median([&] { sino = Projector(g)(img); });
  Array<float> rec;
  const double t_fbp = time_median([&] { rec = fbp(sino, g); });
  const double psnr = metrics::psnr(img, rec, 0.0);
  std::printf(
      "{\"threads\": %d, \"forward_s\": %.6f, \"projector_setup_s\": %.6f, \"fbp_s\": %.6f, "
      "\"fbp_psnr_vs_image\": %.3f, \"detectors\": %ld}\n",
      num_threads(), t_fwd, t_setup, t_fbp, psnr, static_cast<long>(g.detectors));
  return 0;
}

// ---- quality mode -----------------------------------------------------------------------------

struct Row {
  std::string method;
  double psnr, ssim, seconds;
  std::string note;
};

int quality(int argc, char** argv) {
  const int threads = std::stoi(arg(argc, argv, "threads", "0"));
  set_num_threads(threads);
  const double i0 = std::stod(arg(argc, argv, "I0", "5e3"));
  const auto seed = static_cast<std::uint64_t>(std::stoull(arg(argc, argv, "seed", "1")));
  const int iters = std::stoi(arg(argc, argv, "iters", "2000"));
  const int pairs = std::stoi(arg(argc, argv, "pairs", "16"));
  const std::string image = arg(argc, argv, "image", "");
  const auto methods =
      split(arg(argc, argv, "methods", "fbp,zsn2n,flick-image,flick-sino,tv,tv-fbp"));
  const auto tv_weights = split(arg(argc, argv, "tv_weights", "0.5,1,2"));

  Array<float> mu;
  double pixel = 1.0;
  std::string name;
  if (image.empty()) {
    const index_t n = std::stol(arg(argc, argv, "size", "256"));
    mu = make_phantom(Phantom::shepp_logan, n, double(n));
    name = "shepp-logan " + std::to_string(n) + "^2";
  } else {
    AttenuationImage a = read_attenuation_image(image);
    mu = std::move(a.mu);
    pixel = a.pixel_size;
    name = image + (a.from_hounsfield ? " (HU)" : "");
  }
  const Geometry g = parallel_geometry(mu.dim(0), mu.dim(1), 720, pixel);
  const Array<float> clean = Projector(g)(mu);
  DoseOptions dose;
  dose.photons = i0;
  dose.seed = seed;
  const Array<float> noisy = simulate_low_dose(clean, dose);
  const Array<float> ref = fbp(clean, g);
  double lo = ref[0], hi = ref[0];
  for (float v : ref) lo = std::min(lo, double(v)), hi = std::max(hi, double(v));
  const double range = hi - lo;
  std::printf(
      "# %s, %ld x %ld, pixel %.3f mm, %ld views x %ld bins, I0 %.0f, seed %lu, threads %d\n",
      name.c_str(), long(g.rows), long(g.cols), pixel, long(g.views), long(g.detectors), i0,
      static_cast<unsigned long>(seed), num_threads());
  double pmax = 0;
  for (float v : clean) pmax = std::max(pmax, double(v));
  std::printf("# max line integral %.2f (%.0f photons behind it)\n", pmax, i0 * std::exp(-pmax));

  std::vector<Row> rows;
  auto run = [&](const std::string& label, Method m, const ReconOptions& o,
                 const std::string& note) {
    const auto t0 = std::chrono::steady_clock::now();
    const Array<float> x = reconstruct(noisy, g, m, o);
    const double t = seconds_since(t0);
    rows.push_back({label, metrics::psnr(ref, x, range), metrics::ssim(ref, x, range), t, note});
    const Row& r = rows.back();
    std::printf("%-28s PSNR %6.2f dB  SSIM %.4f  %8.1f s  %s\n", r.method.c_str(), r.psnr, r.ssim,
                r.seconds, r.note.c_str());
    std::fflush(stdout);
  };
  learned::TrainOptions train;
  train.iterations = iters;
  train.seed = seed;
  train.average = std::stod(arg(argc, argv, "average", std::to_string(train.average)));
  for (const std::string& m : methods) {
    ReconOptions o;
    if (m == "fbp") {
      for (Filter f :
           {Filter::ram_lak, Filter::shepp_logan, Filter::cosine, Filter::hamming, Filter::hann}) {
        o.fbp.filter = f;
        run("fbp " + to_string(f), Method::fbp, o, "");
      }
    } else if (m == "zsn2n") {
      o.zsn2n = train;
      for (Filter f : {Filter::ram_lak, Filter::hann}) {
        o.fbp.filter = f;
        run("zsn2n on fbp " + to_string(f), Method::zsn2n, o, std::to_string(iters) + " it");
      }
    } else if (m == "flick-image" || m == "flick-sino" || m == "fixed-pair") {
      o.flicking.train = train;
      o.flicking.pairs = m == "fixed-pair" ? 1 : pairs;
      o.flicking.inference_flicks = m == "fixed-pair" ? 1 : std::min(pairs, 4);
      o.flicking.swap_probability = m == "fixed-pair" ? 0.0 : 0.5;
      o.flicking.domain = m == "flick-sino" ? FlickDomain::sinogram : FlickDomain::image;
      run(m, Method::flicker, o,
          std::to_string(iters) + " it, " + std::to_string(o.flicking.pairs) + " pairs");
    } else if (m == "flick-variants") {
      // One image-domain training, several inference choices: the mean of f over the 2Q
      // half-scan images of the first Q flicks (Q = 1, 4, all), and f applied to the full FBP.
      const auto t0 = std::chrono::steady_clock::now();
      FlickOptions fo{0.5, seed};
      HalfScanPairs hp = half_scan_pairs(noisy, g, pairs, fo);
      const Array<float> full = fbp(noisy, g);
      float peak = 0;
      for (float v : full) peak = std::max(peak, std::abs(v));
      const index_t plane = g.rows * g.cols;
      Array<float> apply(g.image_shape().prepend(2 * pairs + 1));
      for (index_t i = 0; i < plane * pairs; ++i) {
        hp.a[i] /= peak;
        hp.b[i] /= peak;
      }
      for (index_t k = 0; k < pairs; ++k)
        for (index_t i = 0; i < plane; ++i) {
          apply[2 * k * plane + i] = hp.a[k * plane + i];
          apply[(2 * k + 1) * plane + i] = hp.b[k * plane + i];
        }
      for (index_t i = 0; i < plane; ++i) apply[2 * pairs * plane + i] = full[i] / peak;
      const Array<float> den = learned::train_pairs_and_apply(hp.a, hp.b, apply, train);
      const double t = seconds_since(t0);
      auto report = [&](const std::string& label, index_t first, index_t count) {
        Array<float> x(g.image_shape());
        for (index_t i = 0; i < plane; ++i) {
          double acc = 0;
          for (index_t k = first; k < first + count; ++k) acc += den[k * plane + i];
          x[i] = static_cast<float>(acc / double(count) * peak);
        }
        rows.push_back({label, metrics::psnr(ref, x, range), metrics::ssim(ref, x, range), t, ""});
        std::printf("%-28s PSNR %6.2f dB  SSIM %.4f  %8.1f s  %d it, %d pairs\n", label.c_str(),
                    rows.back().psnr, rows.back().ssim, t, iters, pairs);
        std::fflush(stdout);
      };
      report("flick-image mean Q=1", 0, 2);
      report("flick-image mean Q=4", 0, std::min<index_t>(8, 2 * pairs));
      report("flick-image mean Q=all", 0, 2 * pairs);
      report("flick-image f(full fbp)", 2 * pairs, 1);
    } else if (m == "tv" || m == "tv-fbp") {
      for (const std::string& w : tv_weights) {
        o.tv.weight = o.tv_fbp.weight = std::stod(w);
        o.tv.iterations = std::stoi(arg(argc, argv, "tv_iters", "300"));
        run(m + " weight " + w, m == "tv" ? Method::tv : Method::tv_fbp, o,
            m == "tv" ? std::to_string(o.tv.iterations) + " PDHG it" : "");
      }
    } else {
      std::fprintf(stderr, "bench_ct: unknown method '%s'\n", m.c_str());
      return 2;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (flag(argc, argv, "quality")) return quality(argc, argv);
    if (!arg(argc, argv, "peer_image", "").empty()) return peer(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ct: %s\n", e.what());
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// gw benchmarks: rROF / TV denoising of 32 s of whitened strain at 4096 Hz (131072 samples), for
// every solver of tweed::gw::rrof_solve. Peer: tests/bench/gw_tv_peer.py, which times
// scikit-image's denoise_tv_chambolle on the same series up to the same objective value:
//
//   /usr/bin/python3 tests/bench/gw_tv_peer.py --bench build/tests/bench/bench_gw
//
// The series: a GW150914-like chirp (36 + 29 Msun, optimal SNR 15, merger at 20 s) in aLIGO
// design noise (seed 1), whitened with the true PSD and band-passed 20-1000 Hz (order 4): what
// `tweed gw denoise --whiten --band 20,1000` hands to the denoiser.
//
// Google Benchmark cases (Newton and exact TV at weight 5.6):
//   bench_gw --benchmark_repetitions=7 --benchmark_report_aggregates_only=true
//
// Peer mode (prints one JSON line per solver, runs no benchmark):
//   bench_gw --write_series=FILE          writes the series as raw little-endian float64
//   bench_gw --peer_series=FILE [--peer_lambda=5.6] [--peer_repeats=7] [--peer_threads=1]
//            [--peer_solvers=exact,newton,fista,pdhg,bregman] [--peer_pdhg_iterations=200]
// Each line: {"solver", "beta", "iterations", "converged", "runs", "seconds" (median),
// "ns_per_sample", "objective_tv" = 1/2 ||u - f||^2 + lambda sum |u_{i+1} - u_i| of the output,
// "objective_rrof" = the same with sqrt(d^2 + beta)}.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/denoise.hpp"
#include "tweed/gw/noise.hpp"
#include "tweed/gw/waveforms.hpp"

namespace {

using tweed::Array;
using tweed::index_t;
using tweed::Shape;
namespace gw = tweed::gw;

Array<double> strain_series() {
  const double fs = 4096;
  const index_t n = 32 * 4096;
  const gw::Psd psd = gw::aligo_design_psd(n, fs, 10);
  gw::ChirpParams p;
  p.merger_time = 20;
  Array<double> h = gw::chirp_waveform(p, n, fs);
  gw::scale_to_snr(h, psd, 15, 20, 2000);
  Array<double> x = gw::coloured_noise(psd, tweed::CounterRng(1));
  for (index_t i = 0; i < n; ++i) x[i] += h[i];
  return gw::bandpass(gw::whiten(x, psd), fs, 20, 1000, 4);
}

const Array<double>& series() {
  static const Array<double> s = strain_series();
  return s;
}

void BM_Newton(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(gw::rrof_solve(series(), 5.6, gw::kDefaultBeta).data());
  state.SetItemsProcessed(state.iterations() * series().size());
}
BENCHMARK(BM_Newton)->Unit(benchmark::kMillisecond);

void BM_ExactTv(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(gw::rrof_solve(series(), 5.6, 0.0).data());
  state.SetItemsProcessed(state.iterations() * series().size());
}
BENCHMARK(BM_ExactTv)->Unit(benchmark::kMicrosecond);

struct Objective {
  double tv = 0, rrof = 0;
};
Objective objective(const Array<double>& u, const Array<double>& f, double lambda, double beta) {
  Objective o;
  double fid = 0, tv = 0, tvb = 0;
  for (index_t i = 0; i < f.size(); ++i) fid += (u[i] - f[i]) * (u[i] - f[i]);
  for (index_t i = 0; i + 1 < f.size(); ++i) {
    const double d = u[i + 1] - u[i];
    tv += std::abs(d);
    tvb += std::sqrt(d * d + beta);
  }
  o.tv = 0.5 * fid + lambda * tv;
  o.rrof = 0.5 * fid + lambda * tvb;
  return o;
}

struct Peer {
  std::string series, write, solvers = "exact,newton,fista,pdhg,bregman";
  double lambda = 5.6;
  int repeats = 7, threads = 1, pdhg_iterations = 200;
};

bool parse_peer(int argc, char** argv, Peer& p) {
  bool peer = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* key, std::string& out) {
      const std::string k = std::string(key) + "=";
      if (a.rfind(k, 0) != 0) return false;
      out = a.substr(k.size());
      return true;
    };
    std::string v;
    if (value("--peer_series", p.series) || value("--write_series", p.write)) peer = true;
    if (value("--peer_lambda", v)) p.lambda = std::stod(v);
    if (value("--peer_repeats", v)) p.repeats = std::stoi(v);
    if (value("--peer_threads", v)) p.threads = std::stoi(v);
    if (value("--peer_pdhg_iterations", v)) p.pdhg_iterations = std::stoi(v);
    value("--peer_solvers", p.solvers);
  }
  return peer;
}

int run_peer(const Peer& p) {
  if (!p.write.empty()) {
    const Array<double>& s = series();
    std::ofstream out(p.write, std::ios::binary);
    out.write(reinterpret_cast<const char*>(s.data()), std::streamsize(s.size() * 8));
    if (!out) {
      std::fprintf(stderr, "bench_gw: cannot write %s\n", p.write.c_str());
      return 2;
    }
    return 0;
  }
  const index_t n = 32 * 4096;
  Array<double> f(Shape{n});
  std::ifstream in(p.series, std::ios::binary);
  in.read(reinterpret_cast<char*>(f.data()), std::streamsize(n * 8));
  if (!in) {
    std::fprintf(stderr, "bench_gw: cannot read %lld float64 values from %s\n",
                 static_cast<long long>(n), p.series.c_str());
    return 2;
  }
  tweed::set_num_threads(p.threads);
  struct Case {
    const char* name;
    double beta;
    gw::RrofSolver solver;
    double tolerance;
    int max_iterations;
    int repeats;
  };
  const int slow = std::max(1, std::min(p.repeats, 3));
  const Case cases[] = {
      {"exact", 0.0, gw::RrofSolver::kNewton, 1e-8, 0, p.repeats},  // taut string
      {"newton", gw::kDefaultBeta, gw::RrofSolver::kNewton, 1e-8, 0, p.repeats},
      {"fista", gw::kDefaultBeta, gw::RrofSolver::kFista, 1e-8, 0, slow},
      {"pdhg", gw::kDefaultBeta, gw::RrofSolver::kPdhg, 1e-6, p.pdhg_iterations, 1},
      {"bregman", 0.0, gw::RrofSolver::kSplitBregman, 1e-6, 0, slow},
  };
  for (const Case& c : cases) {
    if (("," + p.solvers + ",").find(std::string(",") + c.name + ",") == std::string::npos)
      continue;
    gw::RrofSolveOptions o;
    o.solver = c.solver;
    o.tolerance = c.tolerance;
    o.max_iterations = c.max_iterations;
    std::vector<double> seconds;
    Array<double> u;
    gw::RrofSolveReport report;
    for (int r = 0; r < c.repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      u = gw::rrof_solve(f, p.lambda, c.beta, o, &report);
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double med = seconds[seconds.size() / 2];
    const Objective obj = objective(u, f, p.lambda, c.beta);
    std::printf(
        "{\"solver\": \"%s\", \"beta\": %g, \"iterations\": %d, \"converged\": %s, \"runs\": %d, "
        "\"seconds\": %.6g, \"ns_per_sample\": %.4g, \"objective_tv\": %.12g, "
        "\"objective_rrof\": %.12g}\n",
        c.name, c.beta, report.iterations, report.converged ? "true" : "false", c.repeats, med,
        med / double(n) * 1e9, obj.tv, obj.rrof);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Peer peer;
  if (parse_peer(argc, argv, peer)) return run_peer(peer);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

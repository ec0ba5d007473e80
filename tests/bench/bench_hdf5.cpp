// HDF5 write and read throughput of Tweed's native format: a 64 MiB complex64 array
// ([2048, 4096]), stored contiguous and chunked ([32, 4096] = 1 MiB chunks) with gzip level 1.
// Throughput is reported as MB/s (10^6 bytes of array data per second). hdf5_peer.py does the
// same with h5py on the same data and prints the ratios (docs/benchmarks.md has the command).
//
// Files go to $TWEED_BENCH_DIR (default: the system temp folder); writes include Tweed's atomic
// rename; no fsync on either side, so both measure writing into the page cache.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "tweed/io/hdf5.hpp"

namespace {

using tweed::Array;
using tweed::cfloat;
using tweed::index_t;
using tweed::Shape;

constexpr index_t kRows = 2048, kCols = 4096;  // 8 Mi complex64 values = 64 MiB
constexpr double kBytes = double(kRows) * double(kCols) * sizeof(cfloat);

// Smooth signal, as in hdf5_peer.py: compressible the way measured data are, not like zeros.
const Array<cfloat>& data() {
  static const Array<cfloat> a = [] {
    Array<cfloat> x(Shape{kRows, kCols});
    for (index_t k = 0; k < x.size(); ++k)
      x[k] = cfloat(static_cast<float>(std::sin(1e-3 * double(k))),
                    static_cast<float>(std::cos(7e-4 * double(k))));
    return x;
  }();
  return a;
}

std::string folder() {
  const char* d = std::getenv("TWEED_BENCH_DIR");
  return d ? d : std::filesystem::temp_directory_path().string();
}

tweed::io::H5WriteOptions options(bool gzip) {
  tweed::io::H5WriteOptions o;
  if (gzip) {
    o.chunk = {32, kCols};
    o.gzip = 1;
  }
  return o;
}

std::string file_name(const char* what, bool gzip) {
  return folder() + "/tweed_bench_" + what + (gzip ? "_gzip1_" : "_contig_") +
         std::to_string(getpid()) + ".h5";
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBytes));
  state.counters["MB/s"] =
      benchmark::Counter(kBytes / 1e6 * double(state.iterations()), benchmark::Counter::kIsRate);
}

void bench_write(benchmark::State& state, bool gzip) {
  const Array<cfloat>& x = data();
  const std::string path = file_name("write", gzip);
  for (auto _ : state) tweed::io::write_hdf5(path, "x", x, options(gzip));
  state.counters["file_MB"] = double(std::filesystem::file_size(path)) / 1e6;
  std::filesystem::remove(path);
  report(state);
}

void bench_read(benchmark::State& state, bool gzip) {
  const std::string path = file_name("read", gzip);
  tweed::io::write_hdf5(path, "x", data(), options(gzip));
  for (auto _ : state) {
    Array<cfloat> y = tweed::io::read_hdf5<cfloat>(path, "x");
    benchmark::DoNotOptimize(y.data());
  }
  std::filesystem::remove(path);
  report(state);
}

}  // namespace

int main(int argc, char** argv) {
  for (bool gzip : {false, true}) {
    const std::string tag = gzip ? "chunked_gzip1" : "contiguous";
    benchmark::RegisterBenchmark(("hdf5_write/" + tag).c_str(), bench_write, gzip)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(2.0);
    benchmark::RegisterBenchmark(("hdf5_read/" + tag).c_str(), bench_read, gzip)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(2.0);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

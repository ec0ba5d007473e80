// Simulation: PSD models and files, coloured noise, injections, SNR scaling, glitches.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>

#include "test_files.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/noise.hpp"
#include "tweed/gw/psd.hpp"
#include "tweed/gw/waveforms.hpp"

namespace tweed::gw {
namespace {

using tweed::test::TempDir;

TEST(GwPsd, AligoDesignFitAtItsKnee) {
  // x = 1: S0 [1 - 5 + 111 (1/2) / (3/2)] = 33 S0.
  EXPECT_NEAR(aligo_design_psd(215.0), 3.3e-48, 1e-60);
  EXPECT_TRUE(std::isinf(aligo_design_psd(0.0)));
  const Psd p = aligo_design_psd(4096, 4096, 10);
  EXPECT_EQ(p.bins(), 2049);
  EXPECT_TRUE(std::isinf(p.values[9]));
  EXPECT_EQ(p.values[10], aligo_design_psd(10.0));
  EXPECT_THROW(aligo_design_psd(4096, 4096, 5), InvalidInput);
}

TEST(GwPsd, FileTableIsInterpolatedLogLog) {
  TempDir dir;
  const std::string path = dir.file("asd.txt");
  {
    std::ofstream f(path);
    f << "# f asd\n10 1e-21\n\n100, 1e-22\n1000\t1e-23\n";
  }
  const PsdTable t = read_psd_file(path, PsdFileColumn::kAsd);
  ASSERT_EQ(t.frequency.size(), 3u);
  EXPECT_DOUBLE_EQ(t.value[1], 1e-44);
  // S = 1e-40 (f/1 Hz)^-2 exactly: log-log interpolation is exact for a power law.
  const Psd p = psd_on_grid(t, 8192, 4096, 0);
  for (index_t k = 20; k <= 2000; k += 37)
    EXPECT_NEAR(p.values[k] / (1e-40 / (p.frequency(k) * p.frequency(k))), 1.0, 1e-12);
  EXPECT_TRUE(std::isinf(p.values[19]));    // 9.5 Hz: below the table
  EXPECT_TRUE(std::isinf(p.values[2001]));  // 1000.5 Hz: above
  const std::string bad = dir.file("bad.txt");
  tweed::test::write_bytes(bad, "10 1\n5 2\n");
  EXPECT_IO_ERROR(read_psd_file(bad), bad, "line 2: frequencies must increase");
  tweed::test::write_bytes(bad, "10 1\nten 2\n");
  EXPECT_IO_ERROR(read_psd_file(bad), bad, "line 2");
}

TEST(GwNoise, ColouredNoiseHasThePsd) {
  const double fs = 4096;
  const index_t n = 64 * 4096;
  const Psd psd = aligo_design_psd(n, fs, 20);
  const Array<double> x = coloured_noise(psd, CounterRng(42));
  double var = 0, expected = 0;
  for (double v : x) var += v * v;
  var /= static_cast<double>(n);
  for (index_t k = 0; k < psd.bins(); ++k)
    if (std::isfinite(psd.values[k])) expected += psd.values[k] * psd.df();
  EXPECT_NEAR(var / expected, 1.0, 0.05);
  // The Welch estimate follows the model within the scatter of ~63 averaged segments.
  const Psd w = welch_psd(x, fs, {});
  for (double f : {30.0, 60.0, 150.0, 400.0, 1000.0}) {
    const index_t k = static_cast<index_t>(f / w.df());
    double ratio = 0;
    for (index_t j = k - 32; j < k + 32; ++j)
      ratio += w.values[j] / aligo_design_psd(w.frequency(j));
    EXPECT_NEAR(ratio / 64, 1.0, 0.08) << f << " Hz";
  }
  // Same seed, same noise; another seed, other noise.
  const Array<double> y = coloured_noise(psd, CounterRng(42));
  const Array<double> z = coloured_noise(psd, CounterRng(43));
  for (index_t i = 0; i < n; i += 997) ASSERT_EQ(x[i], y[i]);
  EXPECT_NE(x[1000], z[1000]);
}

TEST(GwWelch, WhiteNoiseLevelForMeanAndMedian) {
  const double fs = 1024, sigma = 3;
  Array<double> x(Shape{256 * 1024});
  fill_normal(x, CounterRng(5), 0.0, sigma);
  for (auto avg : {WelchAverage::kMean, WelchAverage::kMedian}) {
    WelchOptions o;
    o.average = avg;
    const Psd p = welch_psd(x, fs, o);
    EXPECT_EQ(p.n, 4096);
    double mean = 0;
    for (index_t k = 1; k < p.bins() - 1; ++k) mean += p.values[k];
    mean /= static_cast<double>(p.bins() - 2);
    EXPECT_NEAR(mean / (2 * sigma * sigma / fs), 1.0, 0.02);
  }
  // A loud glitch biases the mean but hardly the median.
  for (index_t i = 100000; i < 100050; ++i) x[i] += 500;
  WelchOptions mean_o, median_o;
  median_o.average = WelchAverage::kMedian;
  const Psd pm = welch_psd(x, fs, mean_o), pd = welch_psd(x, fs, median_o);
  EXPECT_GT(pm.values[3] / (2 * sigma * sigma / fs), 2.0);
  EXPECT_NEAR(pd.values[3] / (2 * sigma * sigma / fs), 1.0, 0.35);
  EXPECT_THROW(welch_psd(Array<double>(Shape{4}), fs, {}), InvalidInput);
}

TEST(GwWaveforms, ChirpReachesIscoAndRingsDown) {
  const double fs = 4096;
  ChirpParams p;  // 36 + 29
  p.merger_time = 6.0;
  const Array<double> h = chirp_waveform(p, 8 * 4096, fs);
  const double f_isco = isco_frequency(65);
  EXPECT_NEAR(f_isco, 4397.0 / 65, 0.5);
  // Peak amplitude 1 at the merger, continuous through it.
  const index_t m = static_cast<index_t>(6.0 * fs);
  double peak = 0;
  for (double v : h) peak = std::max(peak, std::abs(v));
  EXPECT_LE(peak, 1.0 + 1e-12);
  EXPECT_NEAR(h[m], std::cos(0.0), 2e-3);
  // Zero crossings: the frequency just before the merger is close to f_ISCO, the one 0.5 s
  // earlier follows the Newtonian law, and the signal starts (after the taper) near 20 Hz.
  auto freq_near = [&](double t) {
    const index_t c = static_cast<index_t>(t * fs);
    std::vector<double> zc;
    for (index_t i = c - 400; i < c + 400; ++i)
      if ((h[i] < 0) != (h[i + 1] < 0))
        zc.push_back(static_cast<double>(i) + h[i] / (h[i] - h[i + 1]));
    // Half-period around t.
    double best = 1e9, period = 0;
    for (std::size_t i = 0; i + 1 < zc.size(); ++i)
      if (std::abs(0.5 * (zc[i] + zc[i + 1]) - t * fs) < best) {
        best = std::abs(0.5 * (zc[i] + zc[i + 1]) - t * fs);
        period = 2 * (zc[i + 1] - zc[i]) / fs;
      }
    return 1 / period;
  };
  // (df/dt ~ 700 Hz/s there, and a half-period is centred within 4 ms of the time asked for.)
  EXPECT_NEAR(freq_near(6.0 - 0.012), frequency_before_isco(36, 29, 0.012), 3.0);
  EXPECT_NEAR(freq_near(5.5), frequency_before_isco(36, 29, 0.5), 1.0);
  const double t_start =
      6.0 - (time_to_coalescence(36, 29, 20) - time_to_coalescence(36, 29, f_isco));
  EXPECT_EQ(h[static_cast<index_t>((t_start - 0.01) * fs)], 0.0);
  EXPECT_NE(h[static_cast<index_t>((t_start + 0.3) * fs)], 0.0);
  // Ringdown: a damped cosine at f_ISCO with e-folding time 2 / f_ISCO, phase-continuous.
  for (index_t j : {m + 7, m + 101, m + 517}) {
    const double dt = static_cast<double>(j - m) / fs;
    EXPECT_NEAR(h[j], std::exp(-dt * f_isco / 2) * std::cos(2 * std::numbers::pi * f_isco * dt),
                1e-12);
  }
}

TEST(GwWaveforms, LongInspiralStartsWhereItFits) {
  // GW170817 from 20 Hz lasts minutes: the template starts at the frequency that fits.
  ChirpParams p;
  p.m1 = 1.46;
  p.m2 = 1.27;
  p.merger_time = 20.0;
  const Array<double> h = chirp_waveform(p, 32 * 4096, 4096);
  EXPECT_GT(frequency_before_isco(1.46, 1.27, 20.0), 20.0);
  EXPECT_NE(h[4096], 0.0);  // the signal is present from (nearly) the start
  EXPECT_THROW(chirp_waveform(p, 16 * 4096, 4096), InvalidInput);  // merger outside
  EXPECT_EQ(event_preset("GW190521").m1, 85.0);
  EXPECT_THROW(event_preset("GW000000"), InvalidInput);
  EXPECT_EQ(event_presets().size(), 4u);
}

TEST(GwWaveforms, SineGaussianHrssAndDampedSinusoid) {
  const double fs = 16384;
  SineGaussianParams p{235, 9, 2.5e-22, 0.5, 0.3};
  const Array<double> h = sine_gaussian(p, 16384, fs);
  double e = 0;
  for (double v : h) e += v * v / fs;
  EXPECT_NEAR(std::sqrt(e) / 2.5e-22, 1.0, 1e-6);
  DampedSinusoidParams d{300, 0.01, 2.0, 0.25, 0.0};
  const Array<double> r = damped_sinusoid(d, 16384, fs);
  EXPECT_EQ(r[static_cast<index_t>(0.2 * fs)], 0.0);
  const double t = 0.25 + 0.03 + 1.0 / 1200;  // a crest: sin = 1
  EXPECT_NEAR(r[static_cast<index_t>(std::llround(t * fs))], 2 * std::exp(-(t - 0.25) / 0.01),
              1e-2);
}

TEST(GwWaveforms, ScaleToSnrHitsTheTarget) {
  const Psd psd = aligo_design_psd(8 * 4096, 4096, 20);
  ChirpParams p;
  p.merger_time = 6;
  Array<double> h = chirp_waveform(p, 8 * 4096, 4096);
  scale_to_snr(h, psd, 15.0);
  EXPECT_NEAR(optimal_snr(h, psd), 15.0, 1e-9);
  EXPECT_NEAR(optimal_snr(h, psd, 20, 1000) / optimal_snr(h, psd), 1.0, 0.01);
  Array<double> zero(Shape{8 * 4096});
  EXPECT_THROW(scale_to_snr(zero, psd, 10), InvalidInput);
}

TEST(GwNoise, GlitchesAreSeededAndScaled) {
  const index_t n = 16 * 4096;
  const Psd psd = aligo_design_psd(n, 4096, 20);
  GlitchOptions o;
  o.count = 6;
  Array<double> a(Shape{n}), b(Shape{n});
  const auto ga = add_glitches(a, psd, o, CounterRng(9, 3));
  const auto gb = add_glitches(b, psd, o, CounterRng(9, 3));
  ASSERT_EQ(ga.size(), 6u);
  int blips = 0;
  for (std::size_t i = 0; i < ga.size(); ++i) {
    EXPECT_EQ(ga[i].time, gb[i].time);
    EXPECT_GE(ga[i].time, o.edge);
    EXPECT_LE(ga[i].time, 16 - o.edge);
    EXPECT_GE(ga[i].snr, o.snr_min);
    EXPECT_LE(ga[i].snr, o.snr_max);
    if (i) {
      EXPECT_LE(ga[i - 1].time, ga[i].time);
    }
    blips += ga[i].kind == GlitchKind::kBlip;
  }
  EXPECT_GT(blips, 0);
  EXPECT_LT(blips, 6);
  for (index_t i = 0; i < n; i += 101) ASSERT_EQ(a[i], b[i]);
  // One glitch alone has the SNR it was given.
  o.count = 1;
  for (std::uint32_t s = 0; s < 4; ++s) {
    Array<double> c(Shape{n});
    const auto g = add_glitches(c, psd, o, CounterRng(100 + s));
    EXPECT_NEAR(optimal_snr(c, psd), g[0].snr, 1e-9 * g[0].snr);
  }
}

}  // namespace
}  // namespace tweed::gw

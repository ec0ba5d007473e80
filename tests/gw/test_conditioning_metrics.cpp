// Conditioning (Tukey, whitening, band-pass, notch) and metrics (SNR, matched filter, overlap,
// match, window match, SNR gain).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "tweed/core/rng.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/noise.hpp"
#include "tweed/gw/waveforms.hpp"

namespace tweed::gw {
namespace {
constexpr double kPi = std::numbers::pi;

Array<double> sinusoid(index_t n, double fs, double f, double a = 1, double phase = 0) {
  Array<double> x(Shape{n});
  for (index_t i = 0; i < n; ++i)
    x[i] = a * std::sin(2 * kPi * f * static_cast<double>(i) / fs + phase);
  return x;
}

TEST(GwConditioning, TukeyMatchesItsDefinition) {
  const Array<double> w = tukey_window(9, 0.5);  // tapers of alpha (n-1)/2 = 2 samples
  const double expected[] = {0, 0.5, 1, 1, 1, 1, 1, 0.5, 0};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(w[i], expected[i], 1e-15) << i;
  const Array<double> hann = tukey_window(5, 1.0);
  EXPECT_NEAR(hann[1], 0.5, 1e-15);
  EXPECT_NEAR(hann[2], 1.0, 1e-15);
  EXPECT_THROW(tukey_window(5, 1.5), InvalidInput);
}

TEST(GwConditioning, WhiteningGivesUnitVariance) {
  const index_t n = 32 * 4096;
  const Psd psd = aligo_design_psd(n, 4096, 20);
  const Array<double> x = coloured_noise(psd, CounterRng(1));
  const Array<double> w = whiten(x, psd);
  double var = 0;
  for (double v : w) var += v * v;
  var /= static_cast<double>(n);
  EXPECT_NEAR(var, 1.0 - 20.0 / 2048, 0.02);  // bins below 20 Hz carry nothing
  // A Welch estimate on 4 s segments (resampled to 32 s) whitens as well.
  const Array<double> w2 = whiten(x, welch_psd(x, 4096, {}));
  double var2 = 0;
  for (double v : w2) var2 += v * v;
  EXPECT_NEAR(var2 / static_cast<double>(n), var, 0.05);
}

TEST(GwConditioning, ButterworthBandPassGain) {
  const double fs = 4096;
  // Pass band ~1, -3 dB per pass (gain 1/2 for |H|^2) at the edges, steep outside.
  EXPECT_NEAR(butterworth_gain(150, fs, 20, 1000, 4), 1.0, 1e-6);
  EXPECT_NEAR(butterworth_gain(20, fs, 20, 1000, 4), 0.5, 1e-12);
  EXPECT_NEAR(butterworth_gain(1000, fs, 20, 1000, 4), 0.5, 1e-12);
  EXPECT_LT(butterworth_gain(5, fs, 20, 1000, 4), 1e-4);
  EXPECT_NEAR(butterworth_gain(300, fs, 0, 300, 4), 0.5, 1e-12);   // low-pass
  EXPECT_NEAR(butterworth_gain(300, fs, 300, fs, 4), 0.5, 1e-12);  // high-pass
  // Circular filtering of whole-cycle sinusoids scales each by its gain exactly.
  const index_t n = 4096;
  Array<double> x = sinusoid(n, fs, 200);
  const Array<double> lo = sinusoid(n, fs, 8, 3.0);
  for (index_t i = 0; i < n; ++i) x[i] += lo[i];
  const Array<double> y = bandpass(x, fs, 20, 1000, 4);
  const double g200 = butterworth_gain(200, fs, 20, 1000, 4),
               g8 = butterworth_gain(8, fs, 20, 1000, 4);
  for (index_t i = 0; i < n; i += 17)
    ASSERT_NEAR(y[i],
                g200 * std::sin(2 * kPi * 200 * i / fs) + 3 * g8 * std::sin(2 * kPi * 8 * i / fs),
                1e-10);
  EXPECT_THROW(bandpass(x, fs, 500, 100, 4), InvalidInput);
}

TEST(GwConditioning, NotchRemovesALine) {
  const double fs = 4096;
  EXPECT_NEAR(notch_gain(60, fs, 60, 30), 0.0, 1e-20);
  EXPECT_NEAR(notch_gain(61, fs, 60, 30), 0.5, 0.05);  // -3 dB at f0 +- f0 / (2Q)
  EXPECT_NEAR(notch_gain(200, fs, 60, 30), 1.0, 1e-2);
  Array<double> x = sinusoid(4096, fs, 60, 5.0);
  const Array<double> s = sinusoid(4096, fs, 150);
  for (index_t i = 0; i < 4096; ++i) x[i] += s[i];
  const double lines[] = {60, 120};
  const Array<double> y = notch(x, fs, lines, 30);
  const double g = notch_gain(150, fs, 60, 30) * notch_gain(150, fs, 120, 30);
  for (index_t i = 0; i < 4096; i += 13) ASSERT_NEAR(y[i], g * s[i], 1e-9);
  const double bad[] = {3000};
  EXPECT_THROW(notch(x, fs, bad, 30), InvalidInput);
}

TEST(GwMetrics, OptimalSnrOfASinusoidInWhiteNoise) {
  // White one-sided PSD S0: (h|h) = (2 / S0) integral h^2 dt = A^2 T / S0 for whole cycles.
  const double fs = 1024, s0 = 1e-40, a = 1e-20;
  const index_t n = 4 * 1024;
  Psd psd{n, fs, Array<double>(Shape{n / 2 + 1}, s0)};
  const Array<double> h = sinusoid(n, fs, 100, a);
  EXPECT_NEAR(optimal_snr(h, psd), std::sqrt(a * a * 4.0 / s0), 1e-9 * std::sqrt(a * a * 4.0 / s0));
  EXPECT_NEAR(optimal_snr(h, psd, 200, 400), 0.0, 1e-6);
  EXPECT_NEAR(overlap(h, h, psd), 1.0, 1e-12);
}

TEST(GwMetrics, MatchedFilterFindsTheShiftAndPhase) {
  const index_t n = 8 * 4096;
  const double fs = 4096;
  const Psd psd = aligo_design_psd(n, fs, 20);
  ChirpParams p;
  p.merger_time = 2.0;
  Array<double> templ = chirp_waveform(p, n, fs);
  p.merger_time = 5.5;
  p.phase = 1.1;
  Array<double> signal = chirp_waveform(p, n, fs);
  scale_to_snr(signal, psd, 20);
  Array<double> data = coloured_noise(psd, CounterRng(3));
  for (index_t i = 0; i < n; ++i) data[i] += signal[i];
  const auto r = matched_filter(data, templ, psd, 20, 1000);
  EXPECT_NEAR(static_cast<double>(r.peak), 3.5 * fs, 2.0);
  EXPECT_NEAR(r.snr, 20.0, 3.0);
  // Without noise the match of two phases and times of one chirp is 1, the overlap is not.
  EXPECT_NEAR(match(signal, templ, psd, 20, 1000), 1.0, 1e-3);
  EXPECT_LT(std::abs(overlap(signal, templ, psd, 20, 1000)), 0.2);
}

TEST(GwMetrics, WindowMatchOverShiftAndPhase) {
  const index_t n = 4096;
  const double fs = 4096;
  SineGaussianParams p{150, 8, 1, 0.5, 0};
  const Array<double> ref = sine_gaussian(p, n, fs);
  p.t0 = 0.5 + 7 / fs;  // x lags by 7 samples
  const Array<double> x = sine_gaussian(p, n, fs);
  const Window w = window_around(0.5, 0.1, 0.1, n, fs);
  EXPECT_EQ(w.size(), 820);
  const auto m = window_match(x, ref, w, 10);
  EXPECT_EQ(m.shift, 7);
  EXPECT_NEAR(m.match, 1.0, 1e-9);
  EXPECT_LT(window_overlap(x, ref, w), 0.9);
  // A quarter-cycle phase change: only the phase-maximised match recovers it.
  p.t0 = 0.5;
  p.phase = kPi / 2;
  const Array<double> xq = sine_gaussian(p, n, fs);
  EXPECT_NEAR(window_match(xq, ref, w, 0, true).match, 1.0, 2e-3);
  EXPECT_LT(window_match(xq, ref, w, 0, false).match, 0.2);
}

TEST(GwMetrics, SnrGainAndResidualEnergy) {
  Array<double> s(Shape{4}, 1.0), x(Shape{4}), u(Shape{4});
  for (int i = 0; i < 4; ++i) {
    x[i] = 1.0 + (i % 2 ? 1.0 : -1.0);  // error energy 4
    u[i] = 1.0 + (i % 2 ? 0.1 : -0.1);  // error energy 0.04
  }
  EXPECT_NEAR(snr_gain_db(x, u, s, {0, 4}), 20.0, 1e-12);
  EXPECT_NEAR(residual_energy(u, s, {0, 4}), 0.01, 1e-15);
  EXPECT_THROW(residual_energy(u, s, {2, 9}), InvalidInput);
}

}  // namespace
}  // namespace tweed::gw

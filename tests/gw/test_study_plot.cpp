// The study engine (trials, sweep, summary, CSV, plot) and the raster plots / spectrograms.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>

#include "expect_error.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/plot.hpp"
#include "tweed/gw/study.hpp"

namespace tweed::gw {
namespace {

namespace fs = std::filesystem;

// A short, fast study set-up: 8 s at 4096 Hz, merger at 5 s.
StudyOptions small_study() {
  StudyOptions o;
  o.events = {"GW150914"};
  o.snrs = {20};
  o.methods = {StudyMethod::kRrof, StudyMethod::kLowpass};
  o.seeds = 2;
  o.base_seed = 5;
  o.lambdas = {0.5, 5.6};
  o.cutoffs = {80, 400};
  o.duration = 8;
  o.merger_time = 5;
  return o;
}

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("tweed_gw_study_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream f(p);
  std::vector<std::string> lines;
  for (std::string l; std::getline(f, l);) lines.push_back(l);
  return lines;
}

TEST(GwStudy, MethodNamesRoundTripAndUnknownNamesFail) {
  for (StudyMethod m :
       {StudyMethod::kTv, StudyMethod::kRrof, StudyMethod::kIterativeRrof, StudyMethod::kLowpass})
    EXPECT_EQ(parse_study_method(study_method_name(m)), m);
  EXPECT_TWEED_ERROR(parse_study_method("wiener"), InvalidInput, "--methods", "wiener");
}

TEST(GwStudy, MeanStdIsTheSampleMeanAndDeviation) {
  const double v[] = {1, 2, 3, 6};
  const MeanStd m = mean_std(v);
  EXPECT_DOUBLE_EQ(m.mean, 3.0);
  EXPECT_NEAR(m.std, std::sqrt((4.0 + 1 + 0 + 9) / 3), 1e-15);
  const double one[] = {2.5};
  EXPECT_EQ(mean_std(one).std, 0.0);
}

TEST(GwStudy, TrialIsDeterministicPerSeedAndCentredOnTheMerger) {
  const StudyOptions o = small_study();
  const StudyTrial a = prepare_study_trial(o, "GW150914", 20, 7);
  const StudyTrial b = prepare_study_trial(o, "GW150914", 20, 7);
  const StudyTrial c = prepare_study_trial(o, "GW150914", 20, 8);
  ASSERT_EQ(a.data.size(), static_cast<index_t>(2.5 * 4096));
  for (index_t i = 0; i < a.data.size(); ++i) ASSERT_EQ(a.data[i], b.data[i]);
  double diff = 0, clean_diff = 0;
  for (index_t i = 0; i < a.data.size(); ++i) {
    diff += std::abs(a.data[i] - c.data[i]);
    clean_diff += std::abs(a.clean[i] - c.clean[i]);
  }
  EXPECT_GT(diff, 100.0);      // other noise
  EXPECT_EQ(clean_diff, 0.0);  // same injection
  EXPECT_EQ(a.window.begin, static_cast<index_t>(0.75 * 4096));
  EXPECT_EQ(a.window.end, static_cast<index_t>(1.75 * 4096));
  EXPECT_EQ(a.max_shift, 41);
  // Whitened noise has unit variance; the band-pass keeps about (1000 - 20) / 2048 of it.
  EXPECT_NEAR(a.sigma, std::sqrt(980.0 / 2048), 0.06);
  // The clean crop peaks inside the window (the merger is at 1.5 s of the crop).
  index_t peak = 0;
  for (index_t i = 0; i < a.clean.size(); ++i)
    if (std::abs(a.clean[i]) > std::abs(a.clean[peak])) peak = i;
  EXPECT_GE(peak, a.window.begin);
  EXPECT_LT(peak, a.window.end);
  EXPECT_TWEED_ERROR(prepare_study_trial(o, "GW999999", 20, 1), InvalidInput, "GW999999", "");
}

TEST(GwStudy, SweepRowsAreTheDenoisersScoresAndIndependentOfThreads) {
  const StudyOptions o = small_study();
  int done = 0;
  std::mutex m;
  const StudyResult r = run_study(o, [&] {
    std::lock_guard lock(m);
    ++done;
  });
  EXPECT_EQ(done, 2);
  // Per seed: rrof 2 grid + 1 default, lowpass 2 cut-offs.
  ASSERT_EQ(r.rows.size(), 10u);
  // Recompute one default row and one low-pass row from their definitions.
  const StudyTrial t = prepare_study_trial(o, "GW150914", 20, 6);
  const StudyRow& def = r.rows[7];
  ASSERT_EQ(def.seed, 6u);
  ASSERT_EQ(def.method, StudyMethod::kRrof);
  ASSERT_EQ(def.kind, LambdaKind::kDefault);
  EXPECT_DOUBLE_EQ(def.lambda, auto_lambda(t.sigma, 4096));
  const Array<double> u = study_denoise(o, StudyMethod::kRrof, def.lambda, t);
  EXPECT_DOUBLE_EQ(def.match_after, window_match(u, t.clean, t.window, t.max_shift).match);
  EXPECT_DOUBLE_EQ(def.match_before, window_match(t.data, t.clean, t.window, t.max_shift).match);
  EXPECT_DOUBLE_EQ(def.snr_gain_db, snr_gain_db(t.data, u, t.clean, t.window));
  EXPECT_GT(def.match_after, def.match_before + 0.2);  // SNR 20: rROF helps a lot
  const StudyRow& lp = r.rows[8];
  ASSERT_EQ(lp.method, StudyMethod::kLowpass);
  EXPECT_EQ(lp.lambda, 80);
  const Array<double> l = bandpass(t.data, 4096, 0, 80, 4);
  EXPECT_DOUBLE_EQ(lp.match_after, window_match(l, t.clean, t.window, t.max_shift).match);

  const int threads = num_threads();
  set_num_threads(1);
  const StudyResult serial = run_study(o);
  set_num_threads(threads);
  ASSERT_EQ(serial.rows.size(), r.rows.size());
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    EXPECT_EQ(serial.rows[i].match_after, r.rows[i].match_after) << i;
    EXPECT_EQ(serial.rows[i].snr_gain_db, r.rows[i].snr_gain_db) << i;
  }
}

TEST(GwStudy, SummaryPicksTheBestGridWeightAndPutsTheTunedLowpassBeside) {
  auto row = [](StudyMethod m, LambdaKind k, double lambda, std::uint64_t seed, double after) {
    StudyRow r;
    r.event = "GW150914";
    r.snr = 15;
    r.method = m;
    r.kind = k;
    r.lambda = lambda;
    r.seed = seed;
    r.match_before = 0.3 + 0.01 * double(seed);
    r.match_after = after;
    r.snr_gain_db = 10 * after;
    return r;
  };
  const auto G = LambdaKind::kGrid, D = LambdaKind::kDefault;
  const auto R = StudyMethod::kRrof, L = StudyMethod::kLowpass;
  const std::vector<StudyRow> rows = {
      row(R, G, 1, 0, 0.5),   row(R, G, 5, 0, 0.8),  row(R, D, 4, 0, 0.7), row(L, G, 80, 0, 0.6),
      row(L, G, 200, 0, 0.4), row(R, G, 1, 1, 0.6),  row(R, G, 5, 1, 0.6), row(R, D, 6, 1, 0.9),
      row(L, G, 80, 1, 0.7),  row(L, G, 200, 1, 0.8)};
  const std::vector<StudySummaryRow> s = summarise_study(rows);
  ASSERT_EQ(s.size(), 3u);  // rrof best, rrof default, lowpass best
  EXPECT_EQ(s[0].kind, LambdaKind::kGrid);
  EXPECT_EQ(s[0].lambda, 5);  // mean 0.7 against 0.55
  EXPECT_NEAR(s[0].match_after.mean, 0.7, 1e-15);
  EXPECT_NEAR(s[0].match_after.std, std::sqrt(0.02), 1e-15);
  EXPECT_NEAR(s[0].match_before.mean, 0.305, 1e-15);
  EXPECT_NEAR(s[0].snr_gain_db.mean, 7.0, 1e-12);
  EXPECT_EQ(s[0].seeds, 2);
  EXPECT_EQ(s[1].kind, LambdaKind::kDefault);
  EXPECT_NEAR(s[1].lambda, 5, 1e-15);  // mean of the default weights
  EXPECT_NEAR(s[1].match_after.mean, 0.8, 1e-15);
  EXPECT_EQ(s[2].method, StudyMethod::kLowpass);
  EXPECT_EQ(s[2].lambda, 80);  // mean 0.65 against 0.6
  for (const auto& x : s) {
    EXPECT_EQ(x.lowpass_cutoff, 80);
    EXPECT_NEAR(x.lowpass_match.mean, 0.65, 1e-15);
  }
}

TEST(GwStudy, WritesTheCsvFilesAndThePlot) {
  StudyOptions o = small_study();
  o.seeds = 1;
  o.methods = {StudyMethod::kIterativeRrof, StudyMethod::kTv, StudyMethod::kLowpass};
  o.lambdas = {5.6};
  o.irrof_passes = 4;
  const StudyResult r = run_study(o);
  const fs::path dir = scratch("csv");
  write_study_csv((dir / "rows.csv").string(), r.rows);
  write_summary_csv((dir / "summary.csv").string(), r.summary);
  write_study_plot((dir / "plot.png").string(), r.summary);
  const auto rows = read_lines(dir / "rows.csv");
  ASSERT_EQ(rows.size(), 1 + r.rows.size());
  EXPECT_EQ(rows[0],
            "event,snr,method,lambda_kind,lambda,seed,match_before,match_after,snr_gain_db");
  EXPECT_EQ(rows[1].rfind("GW150914,20,irrof,grid,5.6,5,", 0), 0u) << rows[1];
  const auto sum = read_lines(dir / "summary.csv");
  ASSERT_EQ(sum.size(), 1 + r.summary.size());
  EXPECT_NE(sum[1].find(",best,"), std::string::npos);
  std::ifstream png(dir / "plot.png", std::ios::binary);
  char sig[8] = {};
  png.read(sig, 8);
  EXPECT_EQ(std::string(sig + 1, 3), "PNG");
  fs::remove_all(dir);
}

TEST(GwStudy, BadOptionsNameTheOption) {
  StudyOptions o = small_study();
  o.seeds = 0;
  EXPECT_TWEED_ERROR(run_study(o), InvalidInput, "--seeds", ">= 1");
  o = small_study();
  o.snrs = {-1};
  EXPECT_TWEED_ERROR(run_study(o), InvalidInput, "--snr", "positive");
  o = small_study();
  o.cutoffs = {5000};
  EXPECT_TWEED_ERROR(run_study(o), InvalidInput, "--cutoffs", "Nyquist");
  o = small_study();
  o.merger_time = 7.5;
  EXPECT_TWEED_ERROR(run_study(o), InvalidInput, "--merger-time", "fit");
}

// ---- plots ----

TEST(GwPlot, NiceTicksAreRoundAndCoverTheRange) {
  const std::vector<double> t = nice_ticks(0.13, 0.97, 4);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_NEAR(t[0], 0.2, 1e-12);
  EXPECT_NEAR(t[3], 0.8, 1e-12);
  const std::vector<double> u = nice_ticks(-3, 42, 5);
  EXPECT_EQ(u.front(), 0);
  EXPECT_EQ(u.back(), 40);
  EXPECT_EQ(u[1] - u[0], 10);
  EXPECT_TRUE(nice_ticks(1, 1, 5).empty());
}

TEST(GwPlot, DrawTextFollowsTheGlyphs) {
  Array<double> img(Shape{12, 12}, 1.0);
  EXPECT_EQ(draw_text(img, 1, 1, "1", 0.0, 2), 6);
  // '1' = rows 010 110 010 010 111 at scale 2: row 0 has only the middle column set.
  EXPECT_EQ(img(1, 1), 1.0);
  EXPECT_EQ(img(1, 3), 0.0);
  EXPECT_EQ(img(1, 5), 1.0);
  EXPECT_EQ(img(3, 1), 0.0);   // row 1: 110
  EXPECT_EQ(img(9, 5), 0.0);   // row 4: 111
  EXPECT_EQ(img(11, 5), 1.0);  // below the glyph
}

TEST(GwPlot, LinesLandOnTheirPixelsAndDashesLeaveGaps) {
  PlotPanel p;
  p.x_min = 0;
  p.x_max = 10;
  p.y_min = -1;
  p.y_max = 1;
  p.series.push_back({{0, 10}, {0.5, 0.5}, LineStyle{0.0, {}, 1, false}, ""});
  p.series.push_back({{0, 10}, {-0.5, -0.5}, LineStyle{0.0, {6, 6}, 1, false}, ""});
  FigureOptions f;
  f.width = 400;
  f.height = 300;
  const PlotPanel panels[] = {p};
  const Array<double> img = render_figure(panels, f);
  // Plot area: rows 18 .. 300 - 34 - 1, columns 62 .. 400 - 14 - 1 (see plot.cpp).
  const double top = 18, bottom = 265, left = 62, right = 385;
  const index_t r_solid = std::lround(bottom - 0.75 * (bottom - top));
  const index_t r_dash = std::lround(bottom - 0.25 * (bottom - top));
  int solid = 0, dashed = 0, span = 0;
  for (index_t c = index_t(left) + 10; c < index_t(right) - 10; ++c, ++span) {
    solid += img(r_solid, c) == 0.0;
    dashed += img(r_dash, c) == 0.0;
  }
  EXPECT_EQ(solid, span);
  EXPECT_GT(dashed, span / 3);
  EXPECT_LT(dashed, 2 * span / 3);
  // The zero line is dotted light grey; the frame is black.
  EXPECT_EQ(img(index_t(top), index_t(left) + 50), 0.0);
  p.series[0].x = {0, 1, 2};
  const PlotPanel bad[] = {p};
  EXPECT_TWEED_ERROR(render_figure(bad, f), InvalidInput, "plot series", "length");
  f.width = 50;
  EXPECT_TWEED_ERROR(render_figure(panels, f), InvalidInput, "plot", "too small");
}

TEST(GwPlot, SpectrogramFindsTheToneAtTheRightLevel) {
  const double fs = 1024;
  const index_t n = 4096;
  Array<double> x(Shape{n});
  fill_normal(x, CounterRng(3), 0.0, 1.0);
  for (index_t i = 0; i < n; ++i) x[i] += 4 * std::sin(2 * std::numbers::pi * 200 * double(i) / fs);
  SpectrogramOptions o;
  o.segment = 0.25;  // 256 samples, 4 Hz bins
  o.overlap = 0.5;
  const Spectrogram s = spectrogram(x, fs, o);
  EXPECT_EQ(s.power.dim(0), 129);
  EXPECT_EQ(s.power.dim(1), 1 + (n - 256) / 128);
  EXPECT_DOUBLE_EQ(s.df, 4.0);
  EXPECT_DOUBLE_EQ(s.dt, 0.125);
  // Every frame peaks at 200 Hz (bin 50).
  for (index_t j = 0; j < s.power.dim(1); ++j) {
    index_t best = 0;
    for (index_t k = 0; k < s.power.dim(0); ++k)
      if (s.power(k, j) > s.power(best, j)) best = k;
    EXPECT_EQ(best, 50) << j;
  }
  // Away from the tone, unit white noise has one-sided PSD 2 / fs.
  double mean = 0;
  int count = 0;
  for (index_t k = 80; k < 120; ++k)
    for (index_t j = 0; j < s.power.dim(1); ++j, ++count) mean += s.power(k, j);
  EXPECT_NEAR(mean / count, 2 / fs, 0.1 * 2 / fs);
  const PlotPanel p = spectrogram_panel(s, 100, 300, spectrogram_peak_db(s, 300), 30);
  EXPECT_EQ(p.image.dim(0), 51);    // bins 25 .. 75
  EXPECT_GT(p.image(25, 0), 0.95);  // the tone is the brightest row (row 25 = bin 50)
  for (index_t r = 0; r < p.image.dim(0); ++r)
    EXPECT_TRUE(r == 25 || p.image(r, 0) < p.image(25, 0)) << r;
  EXPECT_TWEED_ERROR(spectrogram(x, fs, SpectrogramOptions{0.001, 0.5}), InvalidInput,
                     "spectrogram segment", "8 samples");
}

}  // namespace
}  // namespace tweed::gw

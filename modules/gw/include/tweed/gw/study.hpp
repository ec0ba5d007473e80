// The calibration / reproducibility study of `tweed gw study` (docs/gw.md): event-like chirps
// injected into simulated aLIGO design noise, conditioned, denoised by each method over a grid of
// weights and at the default weight, and scored against the clean injection, over many seeds.
//
// One trial (event e, optimal SNR rho, seed k), all times in seconds from the first sample:
//  1. noise   coloured_noise(aligo_design_psd(n, fs, 10 Hz), CounterRng(base_seed + k, 0)), n =
//             duration * fs; with `glitches`, add_glitches(..., CounterRng(base_seed + k, 1)).
//             The same seed gives the same noise for every event and SNR (common random numbers:
//             differences between cells are not noise-realisation differences);
//  2. signal  chirp_waveform(m1, m2 of the preset, merger at merger_time, f_start 20 Hz), scaled
//             to optimal SNR rho over [snr_f_low, snr_f_high] Hz against the same PSD;
//  3. conditioning  whiten with the true PSD, zero-phase Butterworth band-pass [band_low,
//             band_high] of order band_order, applied identically to data and injection, then
//             both cropped to [t_m - crop_before, t_m + crop_after) (the denoisers see the crop);
//  4. score   window_match(u, clean, [t_m - window_before, t_m + window_after), +-max_shift) (no
//             phase maximisation), the same for the band-passed input ("before"), and
//             snr_gain_db on the same window.
// Methods: kTv (exact TV, weight lambda), kRrof (rROF, beta), kIterativeRrof (forward scale space:
// irrof_passes passes of weight lambda / irrof_passes each, so lambda is the total weight and the
// grid is shared with the single-step methods), kLowpass (zero-phase Butterworth low-pass of the
// conditioned input at cut-off `cutoffs`, order band_order: the linear baseline). Each
// denoiser runs at every grid weight and at its default weight, auto_lambda(sigma, fs) with sigma =
// estimate_noise_sigma of the crop (irrof: the same total, split over the passes). The low-pass
// has no default: its rows are the cut-off grid.
//
// Determinism: every random choice comes from the per-seed generators above; trials run in
// parallel but their rows are stored by index, so the output is identical for any thread count.
// The "best" weight of a cell is the grid weight with the highest mean match over the seeds:
// it is tuned on the seeds it is reported on (an optimistic, oracle figure; the default rows are
// not tuned).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/gw/denoise.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/noise.hpp"

namespace tweed::gw {

enum class StudyMethod { kTv, kRrof, kIterativeRrof, kLowpass };
/// "tv", "rrof", "irrof", "lowpass".
std::string_view study_method_name(StudyMethod m);
/// The inverse of study_method_name; InvalidInput naming `option` for anything else.
StudyMethod parse_study_method(std::string_view name, const std::string& option = "--methods");

/// The default weight grid: 10^(-1/2) .. 10^2, four points per decade (0.316 .. 100): it spans
/// the best weights measured for the four event-like cases (GW151226-like near 1.8, GW150914-like
/// near 5.6) with a step of 10^(1/4) (about 1.78x), coarse enough to keep the sweep short.
std::vector<double> default_study_lambdas();
/// The default low-pass cut-off grid (Hz): 30, 40, 60, 80, 100, 150, 200, 300, 500 (30 Hz for
/// GW190521-like signals, whose f_ISCO is 29 Hz).
std::vector<double> default_study_cutoffs();

struct StudyOptions {
  std::vector<std::string> events = {"GW150914", "GW151226", "GW170817", "GW190521"};
  std::vector<double> snrs = {10, 15, 24, 40};
  std::vector<StudyMethod> methods = {StudyMethod::kTv, StudyMethod::kRrof,
                                      StudyMethod::kIterativeRrof, StudyMethod::kLowpass};
  int seeds = 10;                                         ///< trials per (event, SNR)
  std::uint64_t base_seed = 0;                            ///< trial k uses seed base_seed + k
  std::vector<double> lambdas = default_study_lambdas();  ///< TV weights (irrof: total)
  std::vector<double> cutoffs = default_study_cutoffs();  ///< low-pass cut-offs (Hz)
  bool glitches = false;
  /// Glitches per series and their shapes (used when `glitches`): 16 per 32 s by default.
  GlitchOptions glitch = [] {
    GlitchOptions g;
    g.count = 16;
    return g;
  }();
  double sample_rate = 4096;               ///< Hz
  double duration = 32;                    ///< s
  double merger_time = 20;                 ///< s from the first sample
  double band_low = 20, band_high = 1000;  ///< Hz
  int band_order = 4;
  double snr_f_low = 20, snr_f_high = 2000;  ///< band of the optimal SNR (Hz)
  double crop_before = 1.5, crop_after = 1.0;
  double window_before = 0.75, window_after = 0.25;
  double max_shift = 0.01;  ///< s
  int irrof_passes = 16;
  double beta = kDefaultBeta;
};

/// One prepared trial: conditioned, cropped data and injection, and the scoring window.
struct StudyTrial {
  Array<double> data;   ///< whitened, band-passed, cropped noisy series
  Array<double> clean;  ///< the injection under the same conditioning and crop
  Window window;        ///< match window, in samples of the crop
  index_t max_shift = 0;
  double sigma = 0;  ///< estimate_noise_sigma(data)
};

/// Steps 1-3 above for the preset `event` at optimal SNR `snr` and seed `seed` (the seed itself,
/// not an offset from base_seed). Throws InvalidInput for an unknown event or bad options.
StudyTrial prepare_study_trial(const StudyOptions& options, std::string_view event, double snr,
                               std::uint64_t seed);

/// The denoised series of `method` at weight (or cut-off) `lambda` for a prepared trial.
Array<double> study_denoise(const StudyOptions& options, StudyMethod method, double lambda,
                            const StudyTrial& trial);
/// The default weight of `method` for a trial (auto_lambda of its sigma; total for irrof).
/// InvalidInput for kLowpass.
double study_default_lambda(const StudyOptions& options, StudyMethod method,
                            const StudyTrial& trial);

enum class LambdaKind { kGrid, kDefault };

struct StudyRow {
  std::string event;
  double snr = 0;
  StudyMethod method = StudyMethod::kRrof;
  LambdaKind kind = LambdaKind::kGrid;
  double lambda = 0;  ///< weight (irrof: total), or the cut-off in Hz for the low-pass
  std::uint64_t seed = 0;
  double match_before = 0, match_after = 0, snr_gain_db = 0;
};

struct MeanStd {
  double mean = 0;
  double std = 0;  ///< sample standard deviation (n - 1); 0 for one value
};
MeanStd mean_std(std::span<const double> values);

struct StudySummaryRow {
  std::string event;
  double snr = 0;
  StudyMethod method = StudyMethod::kRrof;
  /// kGrid: the best grid weight of the cell; kDefault: the default weight (lambda = its mean
  /// over the seeds).
  LambdaKind kind = LambdaKind::kGrid;
  double lambda = 0;
  int seeds = 0;
  MeanStd match_before, match_after, snr_gain_db;
  /// The tuned low-pass of the same cell (the best cut-off by mean match), for comparison; 0 /
  /// empty when the study ran without kLowpass.
  double lowpass_cutoff = 0;
  MeanStd lowpass_match;
};

struct StudyResult {
  std::vector<StudyRow> rows;  ///< event, SNR, seed, method, grid order
  std::vector<StudySummaryRow> summary;
  double seconds = 0;  ///< wall time of the sweep
};

/// Number of trials (events x SNRs x seeds): the units `on_trial_done` counts.
index_t study_trial_count(const StudyOptions& options);

/// Runs the sweep. `on_trial_done` (optional) is called once per finished trial, possibly from
/// worker threads (it must be thread-safe: Progress::advance is). Throws InvalidInput for empty
/// lists, an unknown event, non-positive SNRs, weights or cut-offs, or seeds < 1.
StudyResult run_study(const StudyOptions& options,
                      const std::function<void()>& on_trial_done = nullptr);

/// Mean and std per (event, SNR, method) at the best grid weight and at the default weight.
std::vector<StudySummaryRow> summarise_study(std::span<const StudyRow> rows);

/// CSV of every row: event,snr,method,lambda_kind,lambda,seed,match_before,match_after,
/// snr_gain_db (lambda_kind "grid" or "default"). Written atomically.
void write_study_csv(const std::string& path, std::span<const StudyRow> rows);
/// CSV of the summary: event,snr,method,lambda_kind,lambda,seeds,match_before_mean,
/// match_before_std,match_after_mean,match_after_std,snr_gain_db_mean,snr_gain_db_std,
/// lowpass_cutoff,lowpass_match_mean,lowpass_match_std (lambda_kind "best" or "default").
/// Written atomically.
void write_summary_csv(const std::string& path, std::span<const StudySummaryRow> summary);

/// PNG of the match gain (mean match after - mean match before) against the input SNR: one panel
/// per event (two per row, in the order of first appearance), one series per method at its best
/// grid value per cell (tuned weight or cut-off: the same footing for all), with a legend: lowpass
/// thick light grey, tv dashed grey, rrof solid black, irrof dotted dark grey with markers. The
/// panels share one y range. Written atomically (io::write_png).
void write_study_plot(const std::string& path, std::span<const StudySummaryRow> summary);

}  // namespace tweed::gw

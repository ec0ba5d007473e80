// The denoising study (study.hpp): trials, the sweep, its summary, CSV files and the plot.
#include "tweed/gw/study.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/provenance.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/plot.hpp"
#include "tweed/gw/psd.hpp"
#include "tweed/gw/waveforms.hpp"

namespace tweed::gw {
namespace {

void validate(const StudyOptions& o) {
  if (o.events.empty()) throw InvalidInput("--events", "the study needs at least one event");
  for (const std::string& e : o.events) (void)event_preset(e);
  if (o.snrs.empty()) throw InvalidInput("--snr", "the study needs at least one SNR");
  for (double s : o.snrs)
    if (!(s > 0)) throw InvalidInput("--snr", "SNRs must be positive");
  if (o.methods.empty()) throw InvalidInput("--methods", "the study needs at least one method");
  if (o.seeds < 1) throw InvalidInput("--seeds", "must be >= 1");
  for (double l : o.lambdas)
    if (!(l > 0)) throw InvalidInput("--lambda-grid", "weights must be positive");
  for (double c : o.cutoffs)
    if (!(c > 0 && c < o.sample_rate / 2))
      throw InvalidInput("--cutoffs", "cut-offs must lie between 0 and the Nyquist frequency");
  const bool lowpass = std::count(o.methods.begin(), o.methods.end(), StudyMethod::kLowpass) > 0;
  const bool denoiser = std::any_of(o.methods.begin(), o.methods.end(),
                                    [](StudyMethod m) { return m != StudyMethod::kLowpass; });
  if (lowpass && o.cutoffs.empty()) throw InvalidInput("--cutoffs", "is empty");
  if (denoiser && o.lambdas.empty()) throw InvalidInput("--lambda-grid", "is empty");
  if (!(o.sample_rate > 0) || !(o.duration > 0))
    throw InvalidInput("study", "the sample rate and duration must be positive");
  if (!(o.merger_time - o.crop_before >= 0 && o.merger_time + o.crop_after <= o.duration))
    throw InvalidInput("--merger-time", "the crop around the merger must fit in the series");
  if (!(o.window_before <= o.crop_before && o.window_after <= o.crop_after))
    throw InvalidInput("study", "the match window must lie inside the crop");
  if (o.irrof_passes < 1) throw InvalidInput("irrof passes", "must be >= 1");
}

Array<double> crop(const Array<double>& x, index_t begin, index_t end) {
  Array<double> out(Shape{end - begin}, uninitialized);
  std::copy(x.begin() + begin, x.begin() + end, out.begin());
  return out;
}

StudyTrial prepare(const StudyOptions& o, const Psd& psd, const EventPreset& ev, double snr,
                   std::uint64_t seed) {
  const double fs = o.sample_rate;
  const index_t n = psd.n;
  ChirpParams cp;
  cp.m1 = ev.m1;
  cp.m2 = ev.m2;
  cp.merger_time = o.merger_time;
  cp.f_start = 20;
  Array<double> h = chirp_waveform(cp, n, fs);
  scale_to_snr(h, psd, snr, o.snr_f_low, o.snr_f_high);
  Array<double> x = coloured_noise(psd, CounterRng(seed, 0));
  if (o.glitches) add_glitches(x, psd, o.glitch, CounterRng(seed, 1));
  for (index_t i = 0; i < n; ++i) x[i] += h[i];
  const Array<double> xw = bandpass(whiten(x, psd), fs, o.band_low, o.band_high, o.band_order);
  const Array<double> hw = bandpass(whiten(h, psd), fs, o.band_low, o.band_high, o.band_order);
  const index_t b = static_cast<index_t>(std::llround((o.merger_time - o.crop_before) * fs));
  const index_t e =
      std::min<index_t>(n, static_cast<index_t>(std::llround((o.merger_time + o.crop_after) * fs)));
  StudyTrial t;
  t.data = crop(xw, b, e);
  t.clean = crop(hw, b, e);
  t.window = window_around(o.crop_before, o.window_before, o.window_after, e - b, fs);
  t.max_shift = static_cast<index_t>(std::llround(o.max_shift * fs));
  t.sigma = estimate_noise_sigma(t.data);
  return t;
}

const char* kind_name(LambdaKind k, bool summary) {
  if (k == LambdaKind::kDefault) return "default";
  return summary ? "best" : "grid";
}

std::string fmt(double v, const char* f = "%.6g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::string_view study_method_name(StudyMethod m) {
  switch (m) {
    case StudyMethod::kTv:
      return "tv";
    case StudyMethod::kRrof:
      return "rrof";
    case StudyMethod::kIterativeRrof:
      return "irrof";
    case StudyMethod::kLowpass:
      return "lowpass";
  }
  return "?";
}

StudyMethod parse_study_method(std::string_view name, const std::string& option) {
  for (StudyMethod m :
       {StudyMethod::kTv, StudyMethod::kRrof, StudyMethod::kIterativeRrof, StudyMethod::kLowpass})
    if (name == study_method_name(m)) return m;
  throw InvalidInput(
      option, "unknown method '" + std::string(name) + "' (expected tv, rrof, irrof or lowpass)");
}

std::vector<double> default_study_lambdas() {
  return log_grid(std::pow(10.0, -0.5), 100, 4);
}
std::vector<double> default_study_cutoffs() {
  return {30, 40, 60, 80, 100, 150, 200, 300, 500};
}

MeanStd mean_std(std::span<const double> v) {
  MeanStd r;
  if (v.empty()) return r;
  for (double x : v) r.mean += x;
  r.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    double q = 0;
    for (double x : v) q += (x - r.mean) * (x - r.mean);
    r.std = std::sqrt(q / static_cast<double>(v.size() - 1));
  }
  return r;
}

StudyTrial prepare_study_trial(const StudyOptions& o, std::string_view event, double snr,
                               std::uint64_t seed) {
  StudyOptions one = o;
  one.events = {std::string(event)};
  one.snrs = {snr};
  validate(one);
  const index_t n = static_cast<index_t>(std::llround(o.duration * o.sample_rate));
  return prepare(o, aligo_design_psd(n, o.sample_rate, 10), event_preset(event), snr, seed);
}

double study_default_lambda(const StudyOptions& o, StudyMethod m, const StudyTrial& t) {
  if (m == StudyMethod::kLowpass)
    throw InvalidInput("lowpass", "the low-pass baseline has no default cut-off");
  return auto_lambda(t.sigma, o.sample_rate);
}

Array<double> study_denoise(const StudyOptions& o, StudyMethod m, double lambda,
                            const StudyTrial& t) {
  if (m == StudyMethod::kLowpass) return bandpass(t.data, o.sample_rate, 0, lambda, o.band_order);
  DenoiseOptions d;
  d.lambda = lambda;
  d.beta = o.beta;
  d.noise_sigma = t.sigma;
  d.sample_rate = o.sample_rate;
  if (m == StudyMethod::kTv) d.method = DenoiseMethod::kTv;
  if (m == StudyMethod::kRrof) d.method = DenoiseMethod::kRrof;
  if (m == StudyMethod::kIterativeRrof) {
    d.method = DenoiseMethod::kIterativeRrof;
    d.iterations = o.irrof_passes;
    d.lambda = lambda / o.irrof_passes;
  }
  return denoise(t.data, d);
}

index_t study_trial_count(const StudyOptions& o) {
  return static_cast<index_t>(o.events.size() * o.snrs.size()) * std::max(o.seeds, 0);
}

StudyResult run_study(const StudyOptions& o, const std::function<void()>& on_trial_done) {
  validate(o);
  const auto start = std::chrono::steady_clock::now();
  const index_t n = static_cast<index_t>(std::llround(o.duration * o.sample_rate));
  const Psd psd = aligo_design_psd(n, o.sample_rate, 10);
  const index_t trials = study_trial_count(o);
  const index_t per_event = static_cast<index_t>(o.snrs.size()) * o.seeds;
  std::vector<std::vector<StudyRow>> parts(static_cast<std::size_t>(trials));
  std::exception_ptr error;
  std::mutex error_mutex;
  parallel_for(
      0, trials,
      [&](index_t t) {
        try {
          const std::size_t e = static_cast<std::size_t>(t / per_event);
          const std::size_t s = static_cast<std::size_t>((t % per_event) / o.seeds);
          const std::uint64_t seed = o.base_seed + static_cast<std::uint64_t>(t % o.seeds);
          const StudyTrial trial = prepare(o, psd, event_preset(o.events[e]), o.snrs[s], seed);
          const double before =
              window_match(trial.data, trial.clean, trial.window, trial.max_shift).match;
          std::vector<StudyRow>& rows = parts[static_cast<std::size_t>(t)];
          auto score = [&](StudyMethod m, LambdaKind kind, double lambda) {
            const Array<double> u = study_denoise(o, m, lambda, trial);
            StudyRow r;
            r.event = o.events[e];
            r.snr = o.snrs[s];
            r.method = m;
            r.kind = kind;
            r.lambda = lambda;
            r.seed = seed;
            r.match_before = before;
            r.match_after = window_match(u, trial.clean, trial.window, trial.max_shift).match;
            r.snr_gain_db = snr_gain_db(trial.data, u, trial.clean, trial.window);
            rows.push_back(std::move(r));
          };
          for (StudyMethod m : o.methods) {
            if (m == StudyMethod::kLowpass) {
              for (double c : o.cutoffs) score(m, LambdaKind::kGrid, c);
              continue;
            }
            for (double l : o.lambdas) score(m, LambdaKind::kGrid, l);
            score(m, LambdaKind::kDefault, study_default_lambda(o, m, trial));
          }
          if (on_trial_done) on_trial_done();
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
        }
      },
      1);
  if (error) std::rethrow_exception(error);
  StudyResult result;
  for (auto& p : parts)
    for (auto& r : p) result.rows.push_back(std::move(r));
  result.summary = summarise_study(result.rows);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::vector<StudySummaryRow> summarise_study(std::span<const StudyRow> rows) {
  // Cells in order of first appearance: (event, snr) -> methods -> (kind, lambda) -> rows.
  struct Values {
    std::vector<double> lambda, before, after, gain;
  };
  struct MethodCell {
    StudyMethod method;
    std::vector<double> grid;     // grid weights in order of appearance
    std::map<double, Values> at;  // per grid weight
    Values deflt;
  };
  struct Cell {
    std::string event;
    double snr;
    std::vector<MethodCell> methods;
  };
  std::vector<Cell> cells;
  for (const StudyRow& r : rows) {
    auto c = std::find_if(cells.begin(), cells.end(),
                          [&](const Cell& x) { return x.event == r.event && x.snr == r.snr; });
    if (c == cells.end()) c = cells.insert(cells.end(), Cell{r.event, r.snr, {}});
    auto m = std::find_if(c->methods.begin(), c->methods.end(),
                          [&](const MethodCell& x) { return x.method == r.method; });
    if (m == c->methods.end())
      m = c->methods.insert(c->methods.end(), MethodCell{r.method, {}, {}, {}});
    Values* v = &m->deflt;
    if (r.kind == LambdaKind::kGrid) {
      if (!m->at.count(r.lambda)) m->grid.push_back(r.lambda);
      v = &m->at[r.lambda];
    }
    v->lambda.push_back(r.lambda);
    v->before.push_back(r.match_before);
    v->after.push_back(r.match_after);
    v->gain.push_back(r.snr_gain_db);
  }
  auto best_of = [](const MethodCell& m) -> const Values* {
    const Values* best = nullptr;
    double best_mean = -2;
    for (double l : m.grid) {
      const Values& v = m.at.at(l);
      const double mm = mean_std(v.after).mean;
      if (mm > best_mean) {
        best_mean = mm;
        best = &v;
      }
    }
    return best;
  };
  std::vector<StudySummaryRow> out;
  for (const Cell& c : cells) {
    const Values* lowpass = nullptr;
    for (const MethodCell& m : c.methods)
      if (m.method == StudyMethod::kLowpass) lowpass = best_of(m);
    auto fill = [&](const MethodCell& m, LambdaKind kind, const Values& v) {
      StudySummaryRow s;
      s.event = c.event;
      s.snr = c.snr;
      s.method = m.method;
      s.kind = kind;
      s.lambda = mean_std(v.lambda).mean;
      s.seeds = static_cast<int>(v.after.size());
      s.match_before = mean_std(v.before);
      s.match_after = mean_std(v.after);
      s.snr_gain_db = mean_std(v.gain);
      if (lowpass) {
        s.lowpass_cutoff = lowpass->lambda.front();
        s.lowpass_match = mean_std(lowpass->after);
      }
      out.push_back(std::move(s));
    };
    for (const MethodCell& m : c.methods) {
      if (const Values* b = best_of(m)) fill(m, LambdaKind::kGrid, *b);
      if (!m.deflt.after.empty()) fill(m, LambdaKind::kDefault, m.deflt);
    }
  }
  return out;
}

void write_study_csv(const std::string& path, std::span<const StudyRow> rows) {
  std::ostringstream s;
  s << "event,snr,method,lambda_kind,lambda,seed,match_before,match_after,snr_gain_db\n";
  for (const StudyRow& r : rows)
    s << r.event << ',' << fmt(r.snr) << ',' << study_method_name(r.method) << ','
      << kind_name(r.kind, false) << ',' << fmt(r.lambda) << ',' << r.seed << ','
      << fmt(r.match_before) << ',' << fmt(r.match_after) << ',' << fmt(r.snr_gain_db) << '\n';
  write_text_atomically(path, s.str());
}

void write_summary_csv(const std::string& path, std::span<const StudySummaryRow> summary) {
  std::ostringstream s;
  s << "event,snr,method,lambda_kind,lambda,seeds,match_before_mean,match_before_std,"
       "match_after_mean,match_after_std,snr_gain_db_mean,snr_gain_db_std,lowpass_cutoff,"
       "lowpass_match_mean,lowpass_match_std\n";
  for (const StudySummaryRow& r : summary) {
    s << r.event << ',' << fmt(r.snr) << ',' << study_method_name(r.method) << ','
      << kind_name(r.kind, true) << ',' << fmt(r.lambda) << ',' << r.seeds << ','
      << fmt(r.match_before.mean) << ',' << fmt(r.match_before.std) << ','
      << fmt(r.match_after.mean) << ',' << fmt(r.match_after.std) << ',' << fmt(r.snr_gain_db.mean)
      << ',' << fmt(r.snr_gain_db.std) << ',';
    if (r.lowpass_cutoff > 0)
      s << fmt(r.lowpass_cutoff) << ',' << fmt(r.lowpass_match.mean) << ','
        << fmt(r.lowpass_match.std);
    else
      s << ",,";
    s << '\n';
  }
  write_text_atomically(path, s.str());
}

void write_study_plot(const std::string& path, std::span<const StudySummaryRow> summary) {
  if (summary.empty()) throw InvalidInput(path, "the study summary is empty: nothing to plot");
  // One style per method; the low-pass (the linear baseline) solid black and thick.
  auto style = [](StudyMethod m) {
    LineStyle s;
    s.markers = true;
    switch (m) {
      case StudyMethod::kTv:
        s.grey = 0.55;
        s.dash = {8, 5};
        s.width = 2;
        break;
      case StudyMethod::kRrof:
        s.grey = 0.0;
        s.width = 2;
        s.markers = false;
        break;
      case StudyMethod::kIterativeRrof:
        s.grey = 0.3;
        s.dash = {2, 4};
        s.width = 3;
        break;
      case StudyMethod::kLowpass:
        s.grey = 0.7;
        s.width = 4;
        break;
    }
    return s;
  };
  std::vector<std::string> events;
  for (const auto& r : summary)
    if (std::find(events.begin(), events.end(), r.event) == events.end()) events.push_back(r.event);
  std::vector<PlotPanel> panels;
  for (const std::string& ev : events) {
    PlotPanel p;
    p.title = ev;
    p.x_label = "input SNR";
    p.y_label = "match gain";
    for (StudyMethod m : {StudyMethod::kLowpass, StudyMethod::kTv, StudyMethod::kRrof,
                          StudyMethod::kIterativeRrof}) {
      // Every method at its best grid value (the weight or cut-off tuned per cell), so the
      // curves compare tuned against tuned; the default weights are in the summary CSV.
      const LambdaKind kind = LambdaKind::kGrid;
      PlotSeries s;
      s.style = style(m);
      s.label = std::string(study_method_name(m));
      for (const auto& r : summary)
        if (r.event == ev && r.method == m && r.kind == kind) {
          s.x.push_back(r.snr);
          s.y.push_back(r.match_after.mean - r.match_before.mean);
        }
      std::vector<std::size_t> order(s.x.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](auto a, auto b) { return s.x[a] < s.x[b]; });
      PlotSeries sorted = s;
      for (std::size_t i = 0; i < order.size(); ++i) {
        sorted.x[i] = s.x[order[i]];
        sorted.y[i] = s.y[order[i]];
      }
      if (!sorted.x.empty()) p.series.push_back(std::move(sorted));
    }
    panels.push_back(std::move(p));
  }
  // A shared y range so that panels compare at a glance.
  double lo = 0, hi = 0;
  for (const auto& p : panels)
    for (const auto& s : p.series)
      for (double y : s.y) lo = std::min(lo, y), hi = std::max(hi, y);
  const double pad = 0.05 * std::max(hi - lo, 1e-3);
  double xlo = INFINITY, xhi = -INFINITY;
  for (const auto& r : summary) xlo = std::min(xlo, r.snr), xhi = std::max(xhi, r.snr);
  for (auto& p : panels) {
    p.y_min = lo - pad;
    p.y_max = hi + pad;
    const double xpad = xhi > xlo ? 0.05 * (xhi - xlo) : 1;
    p.x_min = xlo - xpad;
    p.x_max = xhi + xpad;
  }
  FigureOptions f;
  f.columns = panels.size() > 2 ? 2 : static_cast<int>(panels.size());
  f.width = 1200;
  f.height = panels.size() > 2 ? 760 : 420;
  write_figure_png(path, panels, f);
}

}  // namespace tweed::gw

// tweed gw denoise: read GWOSC strain (HDF5 or ASCII), optionally taper, whiten and band-pass,
// denoise by rROF / iterative rROF / exact TV, write the GWOSC layout with Tweed's attributes and
// provenance; with an injection in the file, score before / after on the window around its peak
// (the conditioning is applied to the injection too) and print the two lines scripts parse.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include "gw_commands.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/gwosc.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/plot.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::app {
namespace {

// Seconds of the scoring window before / after the injection's peak, and the largest shift
// (the study's conventions: gw/study.hpp).
constexpr double kWindowBefore = 0.75, kWindowAfter = 0.25, kMaxShift = 0.01;

struct Band {
  double lo = 0, hi = 0;
  bool on = false;
};

// The --band text as LO,HI (checked before any file is read).
Band parse_band(const std::string& text) {
  Band b;
  if (text.empty()) return b;
  const auto comma = text.find(',');
  try {
    if (comma == std::string::npos) throw std::invalid_argument("no comma");
    std::size_t used = 0;
    b.lo = std::stod(text.substr(0, comma), &used);
    b.hi = std::stod(text.substr(comma + 1), &used);
  } catch (const std::exception&) {
    throw InvalidInput("--band", "expected LO,HI in Hz (e.g. 20,1000), got '" + text + "'");
  }
  if (!(b.lo >= 0 && b.hi > b.lo))
    throw InvalidInput("--band", "needs 0 <= LO < HI, got '" + text + "'");
  b.on = true;
  return b;
}

// The band at sample rate fs: HI capped at the Nyquist frequency.
Band fit_band(Band b, double fs, const std::string& input) {
  if (!b.on) return b;
  if (b.lo >= fs / 2)
    throw InvalidInput("--band", "LO is at or above the Nyquist frequency of " + input + " (" +
                                     std::to_string(fs / 2) + " Hz)");
  b.hi = std::min(b.hi, fs / 2);
  return b;
}

gw::Psd whitening_psd(const GwDenoiseOptions& o, const Array<double>& raw, double fs,
                      Provenance& prov) {
  const index_t n = raw.size();
  if (o.psd == "median" || o.psd == "mean") {
    gw::WelchOptions w;
    w.average = o.psd == "median" ? gw::WelchAverage::kMedian : gw::WelchAverage::kMean;
    // 4 s segments (the GWOSC tutorial's NFFT = 4 fs), fewer on short files (>= 4 segments).
    w.segment_length =
        std::min<index_t>(static_cast<index_t>(std::lround(4 * fs)), std::max<index_t>(8, n / 4));
    return gw::welch_psd(raw, fs, w);
  }
  if (o.psd == "design") return gw::aligo_design_psd(n, fs, 10);
  prov.add_input(o.psd);
  return gw::psd_on_grid(
      gw::read_psd_file(o.psd, o.psd_asd ? gw::PsdFileColumn::kAsd : gw::PsdFileColumn::kPsd), n,
      fs, 10);
}

index_t peak_index(const Array<double>& x) {
  index_t best = 0;
  for (index_t i = 1; i < x.size(); ++i)
    if (std::abs(x[i]) > std::abs(x[best])) best = i;
  return best;
}

Array<double> slice(const Array<double>& x, gw::Window w) {
  Array<double> out(Shape{w.size()}, uninitialized);
  std::copy(x.begin() + w.begin, x.begin() + w.end, out.begin());
  return out;
}

std::vector<double> as_vector(const Array<double>& x, gw::Window w) {
  return std::vector<double>(x.begin() + w.begin, x.begin() + w.end);
}

void write_strain_plot(const std::string& path, const Array<double>& x, const Array<double>& u,
                       const std::optional<Array<double>>& inj, double fs, index_t peak,
                       bool whitened) {
  const gw::Window w =
      gw::window_around(double(peak) / fs, kWindowBefore, kWindowAfter, x.size(), fs);
  std::vector<double> t(static_cast<std::size_t>(w.size()));
  for (index_t i = 0; i < w.size(); ++i)
    t[static_cast<std::size_t>(i)] = double(w.begin + i - peak) / fs;
  gw::PlotPanel before, after;
  before.title = inj ? "input (grey) and injection (black)" : "input";
  after.title = inj ? "denoised (black) and injection (dashed)" : "denoised";
  before.y_label = after.y_label = whitened ? "whitened strain" : "strain";
  before.x_label = after.x_label = "time from peak (s)";
  gw::LineStyle grey{0.6, {}, 1, false}, black{0, {}, 2, false}, dashed{0.45, {7, 4}, 2, false};
  before.series.push_back({t, as_vector(x, w), grey, ""});
  after.series.push_back({t, as_vector(u, w), black, ""});
  if (inj) {
    before.series.push_back({t, as_vector(*inj, w), black, ""});
    after.series.push_back({t, as_vector(*inj, w), dashed, ""});
  }
  // The same y range in both panels.
  double lo = 0, hi = 0;
  for (const auto* p : {&before, &after})
    for (const auto& s : p->series)
      for (double v : s.y) lo = std::min(lo, v), hi = std::max(hi, v);
  for (auto* p : {&before, &after}) {
    p->y_min = lo - 0.05 * (hi - lo);
    p->y_max = hi + 0.05 * (hi - lo);
  }
  gw::FigureOptions f;
  f.columns = 1;
  f.width = 1200;
  f.height = 700;
  f.legend = false;
  const gw::PlotPanel panels[] = {before, after};
  gw::write_figure_png(path, panels, f);
}

void write_spectrogram_plot(const std::string& path, const Array<double>& x, const Array<double>& u,
                            const std::optional<Array<double>>& inj, double fs, index_t peak,
                            const Band& band) {
  const gw::Window w = gw::window_around(double(peak) / fs, 2.0, 1.0, x.size(), fs);
  gw::SpectrogramOptions so;
  const double t0 = double(w.begin - peak) / fs;
  const double f_min = band.on ? std::max(band.lo, 0.0) : 0.0;
  const double f_max = std::min(band.on ? band.hi : fs / 2, 512.0);
  std::vector<gw::Spectrogram> specs = {gw::spectrogram(slice(x, w), fs, so),
                                        gw::spectrogram(slice(u, w), fs, so)};
  if (inj) specs.push_back(gw::spectrogram(slice(*inj, w), fs, so));
  double top = -1e300;
  for (const auto& s : specs) top = std::max(top, gw::spectrogram_peak_db(s, f_max));
  const char* titles[] = {"input", "denoised", "injection"};
  std::vector<gw::PlotPanel> panels;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    panels.push_back(gw::spectrogram_panel(specs[i], f_min, f_max, top, 30.0, t0));
    panels.back().title = titles[i];
    panels.back().x_label = "time from peak (s)";
  }
  gw::FigureOptions f;
  f.columns = 1;
  f.width = 1000;
  f.height = 300 * static_cast<index_t>(panels.size());
  f.legend = false;
  gw::write_figure_png(path, panels, f);
}

gw::RrofSolver parse_solver(const std::string& s) {
  if (s == "fista") return gw::RrofSolver::kFista;
  if (s == "pdhg") return gw::RrofSolver::kPdhg;
  if (s == "newton") return gw::RrofSolver::kNewton;
  throw InvalidInput("--solver", "unknown solver '" + s + "'");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int run_gw_denoise(const GwDenoiseOptions& o, const Context& ctx) {
  require_hdf5_output(o.output);
  const bool irrof = o.method == "irrof";
  if (o.bregman && !irrof) throw InvalidInput("--bregman", "applies to --method irrof only");
  if ((o.iterations > 0 || o.discrepancy) && !irrof)
    throw InvalidInput("--iterations", "--iterations and --discrepancy apply to --method irrof");
  const Band requested = parse_band(o.band);
  Provenance prov = ctx.make_provenance();
  auto t0 = std::chrono::steady_clock::now();
  const gw::Strain in = gw::read_strain(o.input);
  prov.add_input(o.input);
  prov.add_stage("read", seconds_since(t0));
  const double fs = in.sample_rate;
  const Band band = fit_band(requested, fs, o.input);
  if (in.injection) gw::require_finite(*in.injection, o.input, "injection/signal");

  // Conditioning, applied identically to the data and to the injection.
  t0 = std::chrono::steady_clock::now();
  Array<double> x = in.samples;
  std::optional<Array<double>> inj = in.injection;
  if ((o.whiten || band.on) && o.tukey > 0) {
    gw::apply_tukey(x, o.tukey);
    if (inj) gw::apply_tukey(*inj, o.tukey);
  }
  if (o.whiten) {
    const gw::Psd psd = whitening_psd(o, in.samples, fs, prov);
    x = gw::whiten(x, psd);
    if (inj) inj = gw::whiten(*inj, psd);
  }
  if (band.on) {
    x = gw::bandpass(x, fs, band.lo, band.hi, 4);
    if (inj) inj = gw::bandpass(*inj, fs, band.lo, band.hi, 4);
  }
  prov.add_stage("condition", seconds_since(t0));

  // Denoising.
  gw::DenoiseOptions d;
  d.beta = o.beta;
  d.sample_rate = fs;
  d.solver.solver = parse_solver(o.solver);
  d.noise_sigma = gw::estimate_noise_sigma(x);
  const double total = o.lambda > 0 ? o.lambda : gw::auto_lambda(d.noise_sigma, fs);
  d.lambda = total;
  if (o.method == "tv") d.method = gw::DenoiseMethod::kTv;
  if (o.method == "rrof") d.method = gw::DenoiseMethod::kRrof;
  if (irrof && !o.bregman) {
    // Forward scale space: K passes of total / K (calibrated in docs/gw.md).
    d.method = gw::DenoiseMethod::kIterativeRrof;
    d.iterations = o.iterations > 0 ? o.iterations : kDefaultIrrofPasses;
    d.lambda = total / d.iterations;
    d.stop = o.discrepancy ? gw::IterationStop::kDiscrepancy : gw::IterationStop::kFixed;
  }
  if (irrof && o.bregman) {
    // Bregman: every pass uses the full weight (given, or kBregmanLambdaFactor x automatic).
    d.method = gw::DenoiseMethod::kBregmanRrof;
    d.iterations = o.iterations > 0 ? o.iterations : kDefaultBregmanPasses;
    d.lambda = o.lambda > 0 ? o.lambda : kBregmanLambdaFactor * total;
    d.stop = o.discrepancy ? gw::IterationStop::kDiscrepancy : gw::IterationStop::kFixed;
  }
  t0 = std::chrono::steady_clock::now();
  gw::DenoiseReport rep;
  const Array<double> u = gw::denoise(x, d, &rep);
  prov.add_stage("denoise", seconds_since(t0));
  if (!rep.converged)
    log::warn("gw denoise: a solver stopped at its iteration cap before its tolerance");

  const std::string method_name = irrof ? (o.bregman ? "irrof-bregman" : "irrof") : o.method;
  prov.set_option("input", o.input);
  prov.set_option("output", o.output);
  prov.set_option("method", method_name);
  prov.set_option("lambda", o.bregman ? d.lambda : total);
  prov.set_option("lambda_per_pass", rep.lambda);
  prov.set_option("lambda_rule", o.lambda > 0 ? "given" : "auto: 8 sigma (fs / 4096)");
  prov.set_option("beta", d.method == gw::DenoiseMethod::kTv ? 0.0 : o.beta);
  prov.set_option("solver", o.solver);
  prov.set_option("whiten", o.whiten ? o.psd : "no");
  prov.set_option("band", band.on ? nlohmann::json::array({band.lo, band.hi}) : nlohmann::json());
  prov.set_option("tukey", (o.whiten || band.on) ? o.tukey : 0.0);
  prov.add_solver_report(method_name, {{"passes", rep.passes},
                                       {"solver_iterations", rep.solver_iterations},
                                       {"converged", rep.converged},
                                       {"noise_sigma", rep.noise_sigma},
                                       {"residual_norms", rep.residual_norms}});

  std::vector<std::string> lines;
  const index_t peak = inj ? peak_index(*inj) : peak_index(u);
  if (inj) {
    const gw::Window w =
        gw::window_around(double(peak) / fs, kWindowBefore, kWindowAfter, x.size(), fs);
    const index_t shift = static_cast<index_t>(std::lround(kMaxShift * fs));
    const double before = gw::window_match(x, *inj, w, shift).match;
    const double after = gw::window_match(u, *inj, w, shift).match;
    const double gain = gw::snr_gain_db(x, u, *inj, w);
    prov.set_metric("match_before", before);
    prov.set_metric("match_after", after);
    prov.set_metric("snr_gain_db", gain);
    prov.set_metric("residual_energy", gw::residual_energy(u, *inj, w));
    char buf[96];
    std::snprintf(buf, sizeof buf, "match: %.4f -> %.4f", before, after);
    lines.emplace_back(buf);
    std::snprintf(buf, sizeof buf, "snr gain: %.2f dB", gain);
    lines.emplace_back(buf);
  }

  gw::Strain out;
  out.samples = u;
  out.sample_rate = fs;
  out.gps_start = in.gps_start;
  out.detector = in.detector;
  out.dq_mask = in.dq_mask;
  out.meta = in.meta;
  out.meta["Description"] = "Tweed gw denoise (" + method_name + ") of " + o.input;
  out.injection = inj;
  gw::StrainWriteOptions wo;
  wo.attributes = {
      {"tweed_method", method_name},
      {"tweed_lambda", total},
      {"tweed_lambda_per_pass", rep.lambda},
      {"tweed_beta", d.method == gw::DenoiseMethod::kTv ? 0.0 : o.beta},
      {"tweed_passes", static_cast<std::int64_t>(rep.passes)},
      {"tweed_noise_sigma", rep.noise_sigma},
      {"tweed_whitened", o.whiten ? o.psd : std::string("no")},
      {"tweed_band", band.on ? std::vector<double>{band.lo, band.hi} : std::vector<double>{}}};
  if (!band.on) wo.attributes.erase("tweed_band");
  t0 = std::chrono::steady_clock::now();
  wo.provenance_json = prov.to_string();
  gw::write_strain(o.output, out, wo);
  prov.add_stage("write", seconds_since(t0));
  prov.write_sidecar(o.output);
  if (!o.plot.empty()) write_strain_plot(o.plot, x, u, inj, fs, peak, o.whiten);
  if (!o.spectrogram.empty()) write_spectrogram_plot(o.spectrogram, x, u, inj, fs, peak, band);
  log::info("gw denoise: {} -> {} ({}, lambda {:.4g} per pass, {} pass(es), sigma {:.4g})", o.input,
            o.output, method_name, rep.lambda, rep.passes, rep.noise_sigma);
  for (const std::string& l : lines) std::printf("%s\n", l.c_str());
  return 0;
}

}  // namespace tweed::app

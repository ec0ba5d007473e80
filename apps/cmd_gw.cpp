// tweed gw simulate | denoise | study: gravitational-wave strain (docs/gw.md). This file holds the
// command-line surface and `simulate`; gw_denoise.cpp and gw_study.cpp the other two.
#include <cmath>
#include <memory>

#include "gw_commands.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/gw/gwosc.hpp"
#include "tweed/gw/metrics.hpp"
#include "tweed/gw/noise.hpp"
#include "tweed/gw/psd.hpp"
#include "tweed/gw/waveforms.hpp"

namespace tweed::app {
namespace {

bool is_hdf5_name(const std::string& p) {
  for (const char* ext : {".hdf5", ".h5", ".hdf"}) {
    const std::string e(ext);
    if (p.size() >= e.size() && p.compare(p.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

}  // namespace

void require_hdf5_output(const std::string& path) {
  if (!is_hdf5_name(path))
    throw InvalidInput("--output", "'" + path +
                                       "': gw outputs are GWOSC-layout HDF5 files (.hdf5, .h5 "
                                       "or .hdf)");
}

int run_gw_simulate(const GwSimulateOptions& o, const Context& ctx) {
  require_hdf5_output(o.output);
  const bool masses = o.m1 > 0 || o.m2 > 0;
  if (o.event.empty() != masses || (masses && !(o.m1 > 0 && o.m2 > 0)))
    throw InvalidInput("--event", "give either --event or both --m1 and --m2");
  if (!(o.rate > 0) || !(o.duration > 0))
    throw InvalidInput("--rate", "the rate and --duration must be positive");
  const index_t n = static_cast<index_t>(std::llround(o.duration * o.rate));
  const double merger = o.merger_time >= 0 ? o.merger_time : o.duration * 5 / 8;
  if (!(merger > 0 && merger < o.duration))
    throw InvalidInput("--merger-time", "must lie inside the series (0 < t < duration)");
  double m1 = o.m1, m2 = o.m2, gps_merger = 1e9;
  std::string name = "custom";
  if (!o.event.empty()) {
    const gw::EventPreset& ev = gw::event_preset(o.event);
    m1 = ev.m1;
    m2 = ev.m2;
    gps_merger = ev.gps;
    name = std::string(ev.name);
  }
  Provenance prov = ctx.make_provenance();
  gw::Psd psd;
  if (o.psd_file.empty()) {
    psd = gw::aligo_design_psd(n, o.rate, 10);
  } else {
    psd = gw::psd_on_grid(gw::read_psd_file(o.psd_file, o.psd_asd ? gw::PsdFileColumn::kAsd
                                                                  : gw::PsdFileColumn::kPsd),
                          n, o.rate, 10);
    prov.add_input(o.psd_file);
  }
  gw::ChirpParams cp;
  cp.m1 = m1;
  cp.m2 = m2;
  cp.merger_time = merger;
  Array<double> h = gw::chirp_waveform(cp, n, o.rate);
  const double scale = gw::scale_to_snr(h, psd, o.snr, 20, std::min(2000.0, o.rate / 2));
  gw::Strain s;
  s.samples = gw::coloured_noise(psd, CounterRng(ctx.global.seed, 0));
  std::vector<gw::Glitch> glitches;
  if (o.glitches > 0) {
    gw::GlitchOptions g;
    g.count = o.glitches;
    glitches = gw::add_glitches(s.samples, psd, g, CounterRng(ctx.global.seed, 1));
  }
  for (index_t i = 0; i < n; ++i) s.samples[i] += h[i];
  s.sample_rate = o.rate;
  s.gps_start = std::round(gps_merger - merger);
  s.detector = o.detector;
  s.injection = std::move(h);
  s.meta["Description"] = "Tweed simulation: " + name + "-like chirp (" + std::to_string(m1) +
                          " + " + std::to_string(m2) + " Msun) at optimal SNR " +
                          std::to_string(o.snr) + " in " +
                          (o.psd_file.empty() ? "aLIGO design" : o.psd_file) + " noise";

  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, nlohmann::json>>{
           {"event", name},
           {"m1", m1},
           {"m2", m2},
           {"snr", o.snr},
           {"duration", o.duration},
           {"rate", o.rate},
           {"merger_time", merger},
           {"psd", o.psd_file.empty() ? "aligo-design" : o.psd_file},
           {"glitches", o.glitches},
           {"detector", o.detector},
           {"output", o.output}})
    prov.set_option(k, v);
  prov.set_seed("noise", ctx.global.seed);
  if (o.glitches > 0) prov.set_seed("glitches", ctx.global.seed);
  prov.set_metric("injection_scale", scale);
  prov.set_metric("injection_snr", gw::optimal_snr(*s.injection, psd, 20, 2000));

  gw::StrainWriteOptions wo;
  wo.attributes = {{"tweed_simulation", name},
                   {"m1", m1},
                   {"m2", m2},
                   {"snr", o.snr},
                   {"merger_time", merger},
                   {"merger_gps", s.gps_start + merger},
                   {"glitches", static_cast<std::int64_t>(o.glitches)}};
  wo.provenance_json = prov.to_string();
  gw::write_strain(o.output, s, wo);
  prov.write_sidecar(o.output);
  log::info("gw simulate: wrote {} ({} samples at {} Hz, {}-like chirp, SNR {}, {} glitches)",
            o.output, n, o.rate, name, o.snr, glitches.size());
  return 0;
}

void add_gw_command(CLI::App& app, Context& ctx) {
  auto* gw =
      app.add_subcommand("gw", "Gravitational-wave strain: simulate, rROF/TV denoise, study");
  gw->require_subcommand(1);

  auto* sim = gw->add_subcommand(
      "simulate", "Coloured noise plus an event-like chirp, in the GWOSC HDF5 layout (seeded)");
  auto so = std::make_shared<GwSimulateOptions>();
  sim->add_option("-o,--output", so->output, "Output strain file (.hdf5)")->required();
  sim->add_option("--event", so->event, "Masses of GW150914, GW151226, GW170817 or GW190521")
      ->check(CLI::IsMember({"GW150914", "GW151226", "GW170817", "GW190521"}));
  sim->add_option("--m1", so->m1, "Primary mass (solar masses), with --m2")
      ->check(CLI::PositiveNumber);
  sim->add_option("--m2", so->m2, "Secondary mass (solar masses), with --m1")
      ->check(CLI::PositiveNumber);
  sim->add_option("--snr", so->snr, "Optimal SNR of the injection (20-2000 Hz)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sim->add_option("--duration", so->duration, "Seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sim->add_option("--rate", so->rate, "Samples per second")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sim->add_option("--merger-time", so->merger_time,
                  "Merger time in seconds from the start (default 5/8 of the duration)");
  sim->add_option("--psd", so->psd_file,
                  "Two-column PSD file 'f S(f)' (default: the aLIGO design curve)");
  sim->add_flag("--psd-asd", so->psd_asd, "The PSD file's second column is an ASD");
  sim->add_option("--glitches", so->glitches, "Glitches (sine-Gaussians and blips) to add")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--detector", so->detector, "Detector name written to meta/Detector")
      ->capture_default_str();
  sim->callback([&ctx, so] { ctx.action = [so, &ctx] { return run_gw_simulate(*so, ctx); }; });

  auto* den = gw->add_subcommand("denoise", "Whiten, band-pass and denoise strain by rROF / TV");
  auto d = std::make_shared<GwDenoiseOptions>();
  den->add_option("input", d->input, "GWOSC strain: .hdf5/.h5, .txt or .txt.gz")->required();
  den->add_option("-o,--output", d->output, "Output strain file (.hdf5, GWOSC layout)")->required();
  den->add_option("--method", d->method,
                  "rrof (regularised ROF), irrof (iterative rROF) or tv (exact TV)")
      ->capture_default_str()
      ->check(CLI::IsMember({"rrof", "irrof", "tv"}));
  auto* lam =
      den->add_option(
             "--lambda", d->lambda,
             "TV weight (irrof: total over the passes; --bregman: per pass); default: automatic")
          ->check(CLI::PositiveNumber);
  den->add_flag("--auto", d->auto_lambda, "Automatic weight: 8 x the robust noise level")
      ->excludes(lam);
  den->add_flag("--whiten", d->whiten, "Whiten first (PSD from --psd)");
  den->add_option("--psd", d->psd,
                  "Whitening PSD: median (median-averaged Welch of the data), mean (Welch), "
                  "design (aLIGO) or a two-column PSD file")
      ->capture_default_str();
  den->add_flag("--psd-asd", d->psd_asd, "The PSD file's second column is an ASD");
  den->add_option("--band", d->band, "Zero-phase Butterworth band-pass LO,HI in Hz (order 4)");
  den->add_option("--tukey", d->tukey,
                  "Tukey taper alpha applied before whitening / band-pass (0 = none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  den->add_option("--iterations", d->iterations,
                  "Passes of the iterative methods (default: irrof 16, --bregman 3)")
      ->check(CLI::PositiveNumber);
  den->add_flag("--bregman", d->bregman,
                "irrof as Bregman iteration (residual added back) instead of output fed back");
  den->add_flag("--discrepancy", d->discrepancy,
                "Stop the iterative methods by the discrepancy principle (tau = 1)");
  den->add_option("--beta", d->beta, "rROF smoothing beta")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  den->add_option("--solver", d->solver, "rROF solver: newton, fista or pdhg")
      ->capture_default_str()
      ->check(CLI::IsMember({"newton", "fista", "pdhg"}));
  den->add_option("--plot", d->plot,
                  "PNG of the conditioned strain before / after around the event");
  den->add_option("--spectrogram", d->spectrogram, "PNG spectrograms before / after");
  den->callback([&ctx, d] { ctx.action = [d, &ctx] { return run_gw_denoise(*d, ctx); }; });

  auto* st = gw->add_subcommand(
      "study", "Sweep events x SNR x method x lambda over seeds: CSVs and a match-gain plot");
  auto so2 = std::make_shared<GwStudyOptions>();
  st->add_option("-o,--output", so2->output, "Output folder (created)")->required();
  st->add_option("--events", so2->events, "Event-like cases (comma-separated)")
      ->delimiter(',')
      ->check(CLI::IsMember({"GW150914", "GW151226", "GW170817", "GW190521"}));
  st->add_option("--snr", so2->snrs, "Optimal SNRs (default 10,15,24,40)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  st->add_option("--methods", so2->methods, "tv, rrof, irrof, lowpass (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember({"tv", "rrof", "irrof", "lowpass"}));
  st->add_option("--seeds", so2->seeds, "Trials per (event, SNR); seeds --seed, --seed + 1, ...")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  st->add_option("--lambda-grid", so2->lambda_grid,
                 "Weights: a list 'a,b,c' or a log grid 'lo:hi:per_decade' "
                 "(default 0.316:100:4)");
  st->add_option("--cutoffs", so2->cutoffs, "Low-pass cut-offs in Hz (default 30,40,60,...,500)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  st->add_flag("--glitches", so2->glitches, "Add 16 glitches per 32 s to the noise");
  st->callback([&ctx, so2] { ctx.action = [so2, &ctx] { return run_gw_study(*so2, ctx); }; });
}

}  // namespace tweed::app

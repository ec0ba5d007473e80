// tweed ct simulate | recon: parallel- and fan-beam CT, low-dose simulation, FBP and zero-shot
// denoising by sinogram flicking, with ZS-N2N and TV baselines (docs/ct.md).
//
// Sinogram files are Tweed HDF5: dataset "sinogram" [views, detectors] (or [slices, views,
// detectors]) of line integrals with the geometry as ct_* attributes (ct::to_attributes), plus
// "sinogram_clean" (the noiseless one, when simulated at a dose) and "image" (the attenuation
// truth in 1/mm).
#include <chrono>
#include <cstdio>
#include <memory>

#include "command.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/progress.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/ct/reconstruct.hpp"
#include "tweed/ct/simulate.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/io/png.hpp"

namespace tweed::app {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- tweed ct simulate ----

struct CtSimulateOptions {
  std::string phantom, image, geometry = "parallel", units = "auto", output;
  index_t size = 256, views = 720, detectors = 0;
  double fov = 256.0, photons = 0, electronic_sigma = 3.1622776601683795;
  double source_distance = 595.0, detector_distance = 1085.6;
};

int run_ct_simulate(const CtSimulateOptions& o, const Context& ctx) {
  if (o.phantom.empty() == o.image.empty())
    throw InvalidInput("tweed ct simulate", "give exactly one of --phantom and --image");
  Provenance prov = ctx.make_provenance();
  Array<float> mu;
  double pixel_size = 1.0;
  if (!o.phantom.empty()) {
    pixel_size = o.fov / static_cast<double>(o.size);
    mu = ct::make_phantom(ct::parse_phantom(o.phantom), o.size, o.fov);
  } else {
    const ct::ImageUnits units = o.units == "hu"   ? ct::ImageUnits::hounsfield
                                 : o.units == "mu" ? ct::ImageUnits::attenuation
                                                   : ct::ImageUnits::automatic;
    ct::AttenuationImage img = ct::read_attenuation_image(o.image, units);
    prov.add_input(o.image);
    prov.set_option("from_hounsfield", img.from_hounsfield);
    mu = std::move(img.mu);
    pixel_size = img.pixel_size;
  }
  const index_t rows = mu.dim(mu.rank() - 2), cols = mu.dim(mu.rank() - 1);
  ct::Geometry g;
  if (ct::parse_beam(o.geometry) == ct::Beam::parallel) {
    g = ct::parallel_geometry(rows, cols, o.views, pixel_size);
    if (o.detectors > 0) g.detectors = o.detectors;
  } else {
    const index_t detectors = o.detectors > 0 ? o.detectors : 2 * std::max(rows, cols) + 1;
    g = ct::fan_geometry(rows, cols, o.views, detectors, o.source_distance, o.detector_distance,
                         pixel_size);
  }
  g.validate();
  const auto t0 = std::chrono::steady_clock::now();
  // A volume [slices, rows, cols] is projected slice by slice as one batch operator.
  const auto projector = ct::make_projector(g, mu.rank() == 3 ? mu.dim(0) : 1);
  const Array<float> clean = (*projector)(mu);
  prov.add_stage("project", seconds_since(t0));
  Array<float> sinogram = clean;
  if (o.photons > 0) {
    ct::DoseOptions d;
    d.photons = o.photons;
    d.electronic_sigma = o.electronic_sigma;
    d.seed = ctx.global.seed;
    sinogram = ct::simulate_low_dose(clean, d);
    prov.set_seed("dose", ctx.global.seed);
  }
  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, nlohmann::json>>{
           {"phantom", o.phantom},
           {"image", o.image},
           {"geometry", o.geometry},
           {"views", g.views},
           {"detectors", g.detectors},
           {"photons", o.photons},
           {"electronic_sigma", o.electronic_sigma},
           {"output", o.output}})
    prov.set_option(k, v);
  io::H5Writer w(o.output);
  const io::Attributes geometry = ct::to_attributes(g);
  w.write("sinogram", sinogram, {}, geometry);
  if (o.photons > 0) w.write("sinogram_clean", clean, {}, geometry);
  w.write("image", mu, {}, {{"units", std::string("linear attenuation, 1/mm")}});
  w.set_attributes("/", geometry);
  w.set_provenance(prov);
  w.commit();
  prov.write_sidecar(o.output);
  log::info("ct simulate: wrote {} ({} views x {} detectors{})", o.output, g.views, g.detectors,
            o.photons > 0 ? ", I0 = " + std::to_string(o.photons) : std::string(", noiseless"));
  return 0;
}

// ---- tweed ct recon ----

struct CtReconOptions {
  std::string input, output, method = "fbp", filter = "ram-lak", domain = "image", ref;
  int iterations = 0, pairs = 16, inference_flicks = 4, width = 0;  // 0: method default
  int train_threads = 1;
  double learning_rate = 1e-3, weight = 0, cutoff = 1.0;  // weight 0: the method's default
};

// A reference image for --ref: the "image" dataset of a Tweed HDF5 file (or its only dataset),
// or any image ITK reads.
Array<float> read_ct_reference(const std::string& path) {
  if (io::detect_format(path) == io::Format::hdf5) {
    io::H5Reader r(path);
    if (r.has_dataset("image")) return r.read<float>("image");
    const std::vector<std::string> names = r.dataset_names();
    if (names.size() == 1) return r.read<float>(names.front());
    throw IoError(path,
                  "has no 'image' dataset and more than one dataset; which is the reference?");
  }
  Array<float> img = io::read_image(path).data;
  if (img.rank() == 3 && img.dim(0) == 1) img.reshape(Shape{img.dim(1), img.dim(2)});
  return img;
}

void write_ct_image(const std::string& path, const Array<float>& image, const ct::Geometry& g,
                    const Provenance& prov) {
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) {
    io::H5Writer w(path);
    io::Attributes a = ct::to_attributes(g);
    a["units"] = std::string("linear attenuation, 1/mm");
    w.write("image", image, {}, a);
    w.set_provenance(prov);
    w.commit();
  } else if (ends_with(path, ".png")) {
    const index_t plane = image.dim(image.rank() - 2) * image.dim(image.rank() - 1);
    Array<float> slice(Shape{image.dim(image.rank() - 2), image.dim(image.rank() - 1)});
    std::copy_n(image.data() + (image.size() / plane / 2) * plane, plane, slice.data());
    io::write_png(path, slice);
    return;
  } else {
    io::ImageMeta meta;
    const std::size_t rank = static_cast<std::size_t>(image.rank());
    meta.spacing.assign(rank, g.pixel_size);
    io::write_image(path, image, meta);
  }
  prov.write_sidecar(path);
}

int run_ct_recon(const CtReconOptions& o, const Context& ctx) {
  Provenance prov = ctx.make_provenance();
  auto t0 = std::chrono::steady_clock::now();
  io::H5Reader reader(o.input);
  if (!reader.has_dataset("sinogram"))
    throw IoError(o.input, "has no 'sinogram' dataset (write one with tweed ct simulate)");
  const Array<float> sinogram = reader.read<float>("sinogram");
  if (!all_finite(sinogram)) throw IoError(o.input, "the sinogram holds NaN or Inf values");
  const ct::Geometry g = ct::from_attributes(reader.info("sinogram").attributes, o.input);
  const Shape& s = sinogram.shape();
  if (s.rank() < 2 || s[s.rank() - 2] != g.views || s[s.rank() - 1] != g.detectors)
    throw ShapeMismatch(o.input, "the sinogram has shape " + s.str() + " but its geometry has " +
                                     std::to_string(g.views) + " views x " +
                                     std::to_string(g.detectors) + " detectors");
  prov.add_input(o.input);
  prov.add_stage("read", seconds_since(t0));

  const ct::Method method = ct::parse_method(o.method);
  ct::ReconOptions ro;
  ro.fbp.filter = ct::parse_filter(o.filter);
  ro.fbp.cutoff = o.cutoff;
  ro.flicking.domain = ct::parse_flick_domain(o.domain);
  ro.flicking.pairs = o.pairs;
  ro.flicking.inference_flicks = o.inference_flicks;
  ro.flicking.filter = ro.fbp.filter;
  learned::TrainOptions train;
  train.width = o.width;
  train.learning_rate = o.learning_rate;
  train.threads = o.train_threads;
  train.seed = ctx.global.seed;
  if (o.iterations > 0) train.iterations = o.iterations;
  std::unique_ptr<Progress> bar;
  if (method == ct::Method::flicker || method == ct::Method::zsn2n) {
    bar = std::make_unique<Progress>("ct " + o.method + " training", train.iterations);
    train.on_step = [&bar](int, double) {
      bar->advance();
      return true;
    };
  }
  ro.flicking.train = train;
  ro.zsn2n = train;
  if (o.weight > 0) {
    ro.tv.weight = o.weight;
    ro.tv_fbp.weight = o.weight;
  }
  if (method == ct::Method::tv) {
    if (o.iterations > 0) ro.tv.iterations = o.iterations;
    bar = std::make_unique<Progress>("ct tv", ro.tv.iterations);
    ro.tv.monitor = [&bar](const solvers::IterationInfo&) {
      bar->advance();
      return true;
    };
  }
  t0 = std::chrono::steady_clock::now();
  const Array<float> image = ct::reconstruct(sinogram, g, method, ro);
  if (bar) bar->finish();
  prov.add_stage("recon", seconds_since(t0));
  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, nlohmann::json>>{
           {"input", o.input},
           {"output", o.output},
           {"method", o.method},
           {"filter", o.filter},
           {"cutoff", o.cutoff},
           {"domain", o.domain},
           {"iterations", o.iterations},
           {"pairs", o.pairs},
           {"inference_flicks", o.inference_flicks},
           {"width", o.width},
           {"learning_rate", o.learning_rate},
           {"train_threads", o.train_threads},
           {"weight", o.weight}})
    prov.set_option(k, v);
  prov.set_seed("training", ctx.global.seed);

  std::string line;
  if (!o.ref.empty()) {
    const Array<float> ref = read_ct_reference(o.ref);
    prov.add_input(o.ref);
    if (ref.shape() != image.shape())
      throw ShapeMismatch(o.ref, "the reference has shape " + ref.shape().str() +
                                     " but the reconstruction has " + image.shape().str());
    double lo = ref[0], hi = ref[0];
    for (index_t i = 0; i < ref.size(); ++i)
      lo = std::min<double>(lo, ref[i]), hi = std::max<double>(hi, ref[i]);
    const double range = hi > lo ? hi - lo : 1.0;
    const double psnr = metrics::psnr(ref, image, range), ssim = metrics::ssim(ref, image, range);
    prov.set_metric("psnr_db", psnr);
    prov.set_metric("ssim", ssim);
    char buf[96];
    std::snprintf(buf, sizeof buf, "PSNR: %.2f dB  SSIM: %.4f", psnr, ssim);
    line = buf;
  }
  write_ct_image(o.output, image, g, prov);
  log::info("ct recon: wrote {}", o.output);
  if (!line.empty()) std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace

void add_ct_command(CLI::App& app, Context& ctx) {
  auto* ct = app.add_subcommand(
      "ct", "CT: projectors, FBP, low-dose simulation, sinogram-flicking denoising");
  ct->require_subcommand(1);

  auto* sim =
      ct->add_subcommand("simulate", "Project a phantom or image into a (low-dose) sinogram");
  auto so = std::make_shared<CtSimulateOptions>();
  sim->add_option("-o,--output", so->output, "Output sinogram file (.h5)")->required();
  sim->add_option("--phantom", so->phantom, "shepp-logan or forbild");
  sim->add_option("--image", so->image, "Image file (DICOM CT in HU, NIfTI, MHA, NRRD)");
  sim->add_option("--units", so->units, "Image units: auto, hu or mu (1/mm)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "hu", "mu"}));
  sim->add_option("--size", so->size, "Phantom side in pixels")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  sim->add_option("--fov", so->fov, "Phantom field of view, mm")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sim->add_option("--geometry", so->geometry, "parallel or fan")
      ->capture_default_str()
      ->check(CLI::IsMember({"parallel", "fan"}));
  sim->add_option("--views", so->views, "Views over 360 degrees")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  sim->add_option("--detectors", so->detectors, "Detector bins (default: cover the image)")
      ->check(CLI::PositiveNumber);
  sim->add_option("--I0", so->photons, "Incident photons per ray (omit for the noiseless sinogram)")
      ->check(CLI::PositiveNumber);
  sim->add_option("--electronic-sigma", so->electronic_sigma, "Electronic noise, counts")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--source-distance", so->source_distance, "Fan: source to isocentre, mm")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sim->add_option("--detector-distance", so->detector_distance, "Fan: source to detector, mm")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sim->callback([&ctx, so] { ctx.action = [so, &ctx] { return run_ct_simulate(*so, ctx); }; });

  auto* rec = ct->add_subcommand("recon", "Reconstruct (and denoise) a sinogram");
  auto ro = std::make_shared<CtReconOptions>();
  rec->add_option("input", ro->input, "Sinogram file (.h5 from tweed ct simulate)")->required();
  rec->add_option("-o,--output", ro->output, "Image: .h5, .nii/.nii.gz/.mha/.nrrd or .png")
      ->required();
  rec->add_option("--method", ro->method, "fbp, flicker, zsn2n, tv or tv-fbp")
      ->capture_default_str()
      ->check(CLI::IsMember({"fbp", "flicker", "zsn2n", "tv", "tv-fbp"}));
  rec->add_option("--filter", ro->filter, "ram-lak, shepp-logan, cosine, hamming or hann")
      ->capture_default_str()
      ->check(CLI::IsMember({"ram-lak", "ramp", "shepp-logan", "cosine", "hamming", "hann"}));
  rec->add_option("--cutoff", ro->cutoff, "Filter cut-off as a fraction of Nyquist")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1.0));
  rec->add_option("--iters", ro->iterations,
                  "Training steps (flicker, zsn2n) or PDHG iterations (tv)")
      ->check(CLI::PositiveNumber);
  rec->add_option("--domain", ro->domain, "flicker: train on half-scan images or on sinograms")
      ->capture_default_str()
      ->check(CLI::IsMember({"image", "sinogram"}));
  rec->add_option("--pairs", ro->pairs, "flicker: flicked pairs to train on")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  rec->add_option("--flicks", ro->inference_flicks, "flicker: pairs averaged at inference")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  rec->add_option("--width", ro->width, "Network channels (default: 32 for flicker, 48 for zsn2n)")
      ->check(CLI::Range(4, 512));
  rec->add_option("--train-threads", ro->train_threads,
                  "flicker, zsn2n: torch threads; 1 keeps the image independent of --threads, "
                  "0 uses --threads (faster, reproducible only at that count)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  rec->add_option("--lr", ro->learning_rate, "Adam learning rate")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  rec->add_option("--weight", ro->weight,
                  "tv, tv-fbp: lambda / estimated noise level (default 2 for tv, 1 for tv-fbp)")
      ->check(CLI::PositiveNumber);
  rec->add_option("--ref", ro->ref, "Reference image: print PSNR and SSIM against it");
  rec->callback([&ctx, ro] { ctx.action = [ro, &ctx] { return run_ct_recon(*ro, ctx); }; });
}

}  // namespace tweed::app

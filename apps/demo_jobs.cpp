// The demo's jobs (see demo_jobs.hpp). The core job denoises a noisy Shepp-Logan phantom with
// the shared priors (isotropic TV) and with a Fourier low-pass filter, and writes every array to
// one HDF5 file with its provenance, a NIfTI image and PNG previews.
#include "demo_jobs.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "tweed/core/fft.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/phantom.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/io/png.hpp"
#include "tweed/mri/coil_maps.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/recon.hpp"
#include "tweed/mri/simulate.hpp"
#include "tweed/priors/tv.hpp"

namespace tweed::app {
namespace {

namespace fs = std::filesystem;

// Gaussian low-pass in k-space: the classical linear baseline that TV should beat at edges.
Array<float> fourier_lowpass(const Array<float>& image, double cutoff_fraction) {
  Array<cfloat> k = convert<cfloat>(image);
  fft::fftc(k);
  const index_t ny = image.dim(0), nx = image.dim(1);
  const double s = cutoff_fraction * 0.5;
  for (index_t y = 0; y < ny; ++y)
    for (index_t x = 0; x < nx; ++x) {
      const double fy = double(y - ny / 2) / double(ny), fx = double(x - nx / 2) / double(nx);
      k(y, x) *= static_cast<float>(std::exp(-(fx * fx + fy * fy) / (2 * s * s)));
    }
  fft::ifftc(k);
  Array<float> out(image.shape());
  for (index_t i = 0; i < out.size(); ++i) out[i] = k[i].real();
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

DemoResult core_job(const std::string& folder, std::uint64_t seed, Provenance& prov) {
  constexpr index_t kSize = 256;
  constexpr double kSigma = 0.08;   // noise standard deviation (image range is [0, 1])
  constexpr double kLambda = 0.08;  // TV weight of 1/2||u - f||^2 + lambda TV(u)
  constexpr double kCutoff = 0.25;  // low-pass width as a fraction of the Nyquist band
  prov.set_option("size", kSize);
  prov.set_option("sigma", kSigma);
  prov.set_option("tv_lambda", kLambda);
  prov.set_option("lowpass_cutoff", kCutoff);
  prov.set_seed("noise", seed);

  const Array<float> truth = phantom::shepp_logan(kSize);
  Array<float> noisy(truth.shape());
  fill_normal(noisy, CounterRng(seed, /*stream=*/1), 0.0, kSigma);
  axpy(1.0f, truth, noisy);

  auto t0 = std::chrono::steady_clock::now();
  Array<float> tv;
  const priors::TvReport tv_report = priors::tv_denoise(noisy, kLambda, tv);
  const double tv_seconds = seconds_since(t0);
  prov.add_stage("tv", tv_seconds);
  prov.add_solver_report("tv", {{"iterations", tv_report.iterations},
                                {"converged", tv_report.converged},
                                {"duality_gap", tv_report.gap}});

  t0 = std::chrono::steady_clock::now();
  const Array<float> lowpass = fourier_lowpass(noisy, kCutoff);
  const double lowpass_seconds = seconds_since(t0);
  prov.add_stage("lowpass", lowpass_seconds);

  DemoResult r{"core",
               "Shepp-Logan 256x256 with Gaussian noise (sigma 0.08): isotropic TV "
               "denoising (shared priors, FGP) against a Gaussian Fourier low-pass "
               "(shared FFT).",
               {},
               {},
               {}};
  r.rows.push_back(demo_compare("noisy", truth, noisy, 0.0));
  r.rows.push_back(demo_compare("fourier low-pass", truth, lowpass, lowpass_seconds));
  r.rows.push_back(demo_compare("tv", truth, tv, tv_seconds));
  for (const DemoRow& row : r.rows) {
    prov.set_metric(row.label + "_psnr_db", row.psnr);
    prov.set_metric(row.label + "_ssim", row.ssim);
  }

  const io::Attributes unit{{"units", std::string("attenuation (a.u.)")}};
  const std::string h5 = "core.h5";
  {
    io::H5Writer w((fs::path(folder) / h5).string());
    w.write("phantom", truth, {}, unit);
    w.write("noisy", noisy, {}, unit);
    w.write("tv", tv, {}, unit);
    w.write("lowpass", lowpass, {}, unit);
    w.set_provenance(prov);
    w.commit();
  }
  prov.write_sidecar((fs::path(folder) / h5).string());
  io::ImageMeta meta;
  meta.spacing = {1.0, 1.0};
  meta.origin = {0.0, 0.0};
  io::write_image((fs::path(folder) / "core_tv.nii.gz").string(), tv, meta);
  r.files = {h5, h5 + ".provenance.json", "core_tv.nii.gz"};
  const std::pair<const char*, const Array<float>*> previews[] = {{"core_phantom.png", &truth},
                                                                  {"core_noisy.png", &noisy},
                                                                  {"core_lowpass.png", &lowpass},
                                                                  {"core_tv.png", &tv}};
  for (const auto& [name, image] : previews) {
    io::write_png((fs::path(folder) / name).string(), *image, 0.0, 1.0);
    r.previews.push_back(name);
  }
  return r;
}

// |image| of a reconstruction [1, 1, Y, X] as a 2-D float image.
Array<float> magnitude_2d(const Array<cfloat>& image) {
  Array<float> m = magnitude(image);
  m.reshape(Shape{image.dim(2), image.dim(3)});
  return m;
}

DemoResult mri_job(const std::string& folder, std::uint64_t seed, Provenance& prov) {
  constexpr index_t kSize = 256, kCoils = 8;
  constexpr double kAcceleration = 4, kNoise = 0.002;
  const mri::Grid grid{1, kSize, kSize};
  prov.set_option("size", kSize);
  prov.set_option("coils", kCoils);
  prov.set_option("acceleration", kAcceleration);
  prov.set_option("noise", kNoise);
  prov.set_seed("mask", seed);
  prov.set_seed("noise", seed);

  const Array<cfloat> truth = mri::brain_phantom(grid);
  mri::MaskOptions mo;
  mo.kind = mri::MaskKind::regular;
  mo.acceleration = kAcceleration;
  mo.seed = seed;
  const Array<float> mask = mri::make_mask(grid, mo);
  mri::SimulationOptions so;
  so.noise_sigma = kNoise;
  so.seed = seed;
  const Array<cfloat> kspace =
      mri::simulate_kspace(truth, mri::birdcage_maps(kCoils, grid), mask, so);

  auto t0 = std::chrono::steady_clock::now();
  const Array<cfloat> maps = mri::espirit_maps(kspace);
  prov.add_stage("espirit", seconds_since(t0));
  Array<float> reference = magnitude(truth);
  reference.reshape(Shape{kSize, kSize});

  DemoResult r{"mri",
               "Brain-like phantom 256x256, 8 birdcage coils, every 4th phase-encoding line "
               "plus 24 ACS lines, complex noise; ESPIRiT maps, then zero-filled, "
               "CG-SENSE and l1-wavelet reconstructions (magnitudes after a least-squares scale "
               "fit).",
               {},
               {},
               {}};
  io::H5Writer w((fs::path(folder) / "mri.h5").string());
  w.write("kspace", kspace, {}, {{"tweed_layout", std::string("mri-kspace")}});
  w.write("mask", mask);
  w.write("maps", maps);
  w.write("truth", truth);
  for (const auto& [label, method] :
       {std::pair<std::string, mri::ReconMethod>{"zero-filled", mri::ReconMethod::zero_filled},
        {"cg-sense", mri::ReconMethod::cgsense},
        {"l1-wavelet", mri::ReconMethod::l1wavelet}}) {
    mri::ReconOptions ro;
    ro.method = method;
    ro.seed = seed;
    t0 = std::chrono::steady_clock::now();
    const mri::ReconResult rec = mri::reconstruct(kspace, maps, mask, ro);
    const double seconds = seconds_since(t0);
    prov.add_stage(label, seconds);
    prov.add_solver_report(label, rec.report.to_json());
    Array<float> m = magnitude_2d(rec.image);
    // Least-squares scale fit, then the same [0, 1] range as the phantom.
    const double s = double(dot(reference, m)) / std::max(norm2_squared(m), 1e-30);
    scale(m, static_cast<float>(s));
    r.rows.push_back(demo_compare(label, reference, m, seconds));
    w.write(label, rec.image);
    const std::string png = "mri_" + label + ".png";
    io::write_png((fs::path(folder) / png).string(), m, 0.0, 1.0);
    r.previews.push_back(png);
  }
  for (const DemoRow& row : r.rows) prov.set_metric(row.label + "_nrmse", row.nrmse);
  w.set_provenance(prov);
  w.commit();
  prov.write_sidecar((fs::path(folder) / "mri.h5").string());
  r.files = {"mri.h5", "mri.h5.provenance.json"};
  return r;
}

}  // namespace

DemoRow demo_compare(const std::string& label, const Array<float>& truth, const Array<float>& x,
                     double seconds, double data_range) {
  return {label, metrics::psnr(truth, x, data_range), metrics::ssim(truth, x, data_range),
          metrics::nrmse(truth, x), seconds};
}

std::vector<DemoJob> demo_jobs() {
  return {
      {"core", "TV and Fourier denoising of a Shepp-Logan phantom", core_job},
      {"mri", "ESPIRiT and CG-SENSE / l1-wavelet on a simulated 8-coil acquisition", mri_job},
      {"ct", "Low-dose CT: FBP, TV on FBP and sinogram flicking on a head phantom", ct_demo_job}};
}

}  // namespace tweed::app

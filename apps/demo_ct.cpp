// The demo's CT job: a 360-degree parallel-beam scan of the FORBILD-like head phantom at low
// dose (I0 = 5e3 photons per ray), reconstructed by FBP (two filters), TV denoising of the FBP
// image and sinogram flicking. As in docs/ct.md, the reference is the FBP of the noiseless
// sinogram, so the scores measure noise removal, not the FBP's own blur.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "demo_jobs.hpp"
#include "tweed/core/progress.hpp"
#include "tweed/ct/fbp.hpp"
#include "tweed/ct/geometry.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/ct/reconstruct.hpp"
#include "tweed/ct/simulate.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/png.hpp"

namespace tweed::app {

DemoResult ct_demo_job(const std::string& folder, std::uint64_t seed, Provenance& prov) {
  namespace fs = std::filesystem;
  constexpr index_t kSize = 128, kViews = 720;
  constexpr double kFovMm = 256.0, kPhotons = 5e3;
  // Fewer training steps than `tweed ct recon`'s default keep the demo to about a minute; the
  // full default gains a little more (docs/ct.md).
  constexpr int kTrainIterations = 600;
  prov.set_option("size", kSize);
  prov.set_option("views", kViews);
  prov.set_option("photons", kPhotons);
  prov.set_option("flicking_iterations", kTrainIterations);
  prov.set_seed("dose", seed);
  prov.set_seed("flicking", seed);

  const Array<float> mu = ct::make_phantom(ct::Phantom::forbild_head, kSize, kFovMm);
  const ct::Geometry g = ct::parallel_geometry(kSize, kSize, kViews, kFovMm / kSize);
  const Array<float> clean = (*ct::make_projector(g))(mu);
  ct::DoseOptions dose;
  dose.photons = kPhotons;
  dose.seed = seed;
  const Array<float> sinogram = ct::simulate_low_dose(clean, dose);
  const Array<float> reference = ct::fbp(clean, g);
  const auto [lo, hi] = std::minmax_element(reference.data(), reference.data() + reference.size());
  const double range = static_cast<double>(*hi) - static_cast<double>(*lo);

  DemoResult r{"ct",
               "FORBILD-like head 128x128 (256 mm field of view), parallel beam, 720 views over "
               "360 degrees, I0 = 5e3 photons per ray with electronic noise. FBP (Ram-Lak and "
               "Hann), TV denoising of the FBP image and sinogram flicking (image domain, " +
                   std::to_string(kTrainIterations) +
                   " training steps), scored against the FBP of the noiseless sinogram.",
               {},
               {},
               {}};
  io::H5Writer w((fs::path(folder) / "ct.h5").string());
  const io::Attributes geometry = ct::to_attributes(g);
  const io::Attributes units{{"units", std::string("linear attenuation, 1/mm")}};
  w.write("sinogram", sinogram, {}, geometry);
  w.write("reference", reference, {}, units);

  struct Run {
    const char* label;
    ct::Method method;
    ct::Filter filter;
  };
  const Run runs[] = {{"fbp ram-lak", ct::Method::fbp, ct::Filter::ram_lak},
                      {"fbp hann", ct::Method::fbp, ct::Filter::hann},
                      {"tv on fbp", ct::Method::tv_fbp, ct::Filter::ram_lak},
                      {"flicking", ct::Method::flicker, ct::Filter::ram_lak}};
  for (const Run& run : runs) {
    ct::ReconOptions ro;
    ro.fbp.filter = run.filter;
    std::unique_ptr<Progress> bar;
    if (run.method == ct::Method::flicker) {
      ro.flicking.train.iterations = kTrainIterations;
      ro.flicking.train.seed = seed;
      bar = std::make_unique<Progress>("demo ct flicking training", kTrainIterations);
      ro.flicking.train.on_step = [&bar](int, double) {
        bar->advance();
        return true;
      };
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Array<float> image = ct::reconstruct(sinogram, g, run.method, ro);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.reset();
    prov.add_stage(run.label, seconds);
    r.rows.push_back(demo_compare(run.label, reference, image, seconds, range));
    w.write(run.label, image, {}, units);
    std::string png = std::string("ct_") + run.label + ".png";
    for (char& c : png)
      if (c == ' ') c = '_';
    io::write_png((fs::path(folder) / png).string(), image, *lo, *hi);
    r.previews.push_back(png);
  }
  for (const DemoRow& row : r.rows) {
    prov.set_metric(row.label + "_psnr_db", row.psnr);
    prov.set_metric(row.label + "_ssim", row.ssim);
  }
  w.set_provenance(prov);
  w.commit();
  prov.write_sidecar((fs::path(folder) / "ct.h5").string());
  r.files = {"ct.h5", "ct.h5.provenance.json"};
  return r;
}

}  // namespace tweed::app

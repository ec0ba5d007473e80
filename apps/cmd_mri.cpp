// tweed mri simulate | sens | recon: multi-coil Cartesian MRI (docs/mri.md).
//
//   simulate  phantom or image file -> multi-coil k-space (+ maps, mask, truth), seeded
//   sens      k-space -> coil maps (ESPIRiT or low-resolution)
//   recon     k-space (BART, ISMRMRD, fastMRI or Tweed file) -> image by zf, CG-SENSE,
//             l1-wavelet or TV; --ref prints "NRMSE: .. PSNR: .. dB  SSIM: .."
//
// Under mpiexec -n N (N > 1), `recon --method cgsense` solves on all ranks with the coils split
// among them (tweed/dist/cgsense.hpp): every rank reads the input and estimates the maps, the
// solve is PETSc's, rank 0 alone writes. The other methods refuse to run under mpiexec -n N > 1
// (each rank would do the whole work and write the same file); `tweed batch` spreads whole jobs.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>

#include "command.hpp"
#include "mri_outputs.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/progress.hpp"
#include "tweed/dist/cgsense.hpp"
#include "tweed/dist/node.hpp"
#include "tweed/dist/petsc_options.hpp"
#include "tweed/io/cfl.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/mri/coil_maps.hpp"
#include "tweed/mri/dataset.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/recon.hpp"
#include "tweed/mri/simulate.hpp"

namespace tweed::app {
namespace {

namespace fs = std::filesystem;

// ---- coil-map options shared by `sens` and `recon` ----

struct SensOptions {
  std::string method = "espirit";
  mri::EspiritOptions espirit;
  index_t calibration = 24;
};

void add_sens_options(CLI::App* cmd, SensOptions& o) {
  cmd->add_option("--calibration", o.calibration, "Largest calibration (ACS) region side")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--kernel", o.espirit.kernel, "ESPIRiT kernel side (BART ecalib -k)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threshold", o.espirit.threshold,
                  "ESPIRiT singular-value threshold on sigma^2/sigma_1^2 (ecalib -t)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--crop", o.espirit.crop, "ESPIRiT eigenvalue crop (ecalib -c)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--maps", o.espirit.maps, "ESPIRiT sets of maps, 1 or 2 (ecalib -m)")
      ->capture_default_str()
      ->check(CLI::IsMember({1, 2}));
}

Array<cfloat> estimate_maps(const Array<cfloat>& kspace, const SensOptions& o,
                            const std::string& method) {
  if (method == "espirit") {
    mri::EspiritOptions e = o.espirit;
    e.calibration = o.calibration;
    return mri::espirit_maps(kspace, e);
  }
  if (method == "lowres") {
    mri::LowresOptions l;
    l.calibration = o.calibration;
    return mri::lowres_maps(kspace, l);
  }
  throw InvalidInput("--sens", "unknown coil-map method '" + method + "'");
}

void record_input(Provenance& prov, const mri::MriInput& in) {
  if (in.kind == "bart") {
    const std::string base = io::cfl_base_name(in.path);
    prov.add_input(base + ".hdr");
    prov.add_input(base + ".cfl");
  } else {
    prov.add_input(in.path);
  }
}

void record_file(Provenance& prov, const std::string& path) {
  if (io::detect_format(path) == io::Format::cfl || !fs::exists(path)) {
    const std::string base = io::cfl_base_name(path);
    prov.add_input(base + ".hdr");
    prov.add_input(base + ".cfl");
  } else {
    prov.add_input(path);
  }
}

// Multiplies every coil of k-space [C, Z, Y, X] by the mask [Z, Y, X].
void apply_mask(Array<cfloat>& kspace, const Array<float>& mask) {
  const index_t voxels = mask.size();
  for (index_t i = 0; i < kspace.size(); ++i) kspace.data()[i] *= mask.data()[i % voxels];
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- tweed mri recon ----

struct ReconCliOptions {
  std::string input, output, sens = "espirit", mask, ref, method = "cgsense";
  double lambda = -1;
  int iterations = 0;
  bool no_scale = false, no_prewhiten = false;
  int repetition = 0;
  std::string dataset = "dataset", wavelet = "db4", tv_solver = "admm";
  SensOptions maps;
};

// Under mpiexec -n N > 1: starts MPI/PETSc and plugs the distributed CG-SENSE into `ro`; the ranks
// other than 0 go quiet (rank 0 reports progress and writes). Null when running alone.
std::unique_ptr<dist::PetscSession> start_distributed(mri::ReconOptions& ro, const Context& ctx,
                                                      Provenance& prov) {
  if (!dist::use_distributed_solves()) {
    if (!dist::petsc_options(ctx.argc, ctx.argv).empty())
      log::warn(
          "mri recon: the -tweed_* PETSc options are ignored: this run is not distributed "
          "(started without mpiexec -n N, N > 1)");
    return nullptr;
  }
  if (ro.method != mri::ReconMethod::cgsense)
    throw Unsupported("--method", "only cgsense is distributed over MPI ranks; run --method " +
                                      mri::to_string(ro.method) +
                                      " without mpiexec (or many of them with tweed batch)");
  // Ranks share the node's cores: without --threads or OMP_NUM_THREADS, each rank takes its share
  // rather than all cores (which the ranks on a node would then oversubscribe).
  const char* omp = std::getenv("OMP_NUM_THREADS");
  if (ctx.global.threads <= 0 && (omp == nullptr || *omp == '\0'))
    set_num_threads(dist::default_threads_per_rank());
  auto session = std::make_unique<dist::PetscSession>(dist::petsc_options(ctx.argc, ctx.argv));
  ro.cg_solver = dist::distributed_cgsense(*session);
  prov.set_mpi_ranks(session->size());
  prov.set_option("distributed", "coils in contiguous balanced blocks over " +
                                     std::to_string(session->size()) + " ranks, PETSc KSP CG");
  prov.set_option("threads_per_rank", num_threads());
  if (session->rank() != 0) {
    Progress::set_quiet(true);
    log::set_level(log::Level::warn);
  }
  return session;
}

int run_recon(const ReconCliOptions& o, const Context& ctx) {
  Provenance prov = ctx.make_provenance();
  mri::ReconOptions ro;
  ro.method = mri::parse_recon_method(o.method);
  // Declared before everything that uses it: PETSc ends when the command returns or throws.
  const std::unique_ptr<dist::PetscSession> session = start_distributed(ro, ctx, prov);
  const bool writer = !session || session->rank() == 0;
  ro.lambda = o.lambda;
  ro.iterations = o.iterations;
  ro.auto_scale = !o.no_scale;
  ro.wavelet = o.wavelet;
  ro.tv_solver = o.tv_solver;
  ro.seed = ctx.global.seed;

  auto t0 = std::chrono::steady_clock::now();
  mri::LoadOptions lo;
  lo.dataset = o.dataset;
  lo.repetition = o.repetition;
  lo.prewhiten = !o.no_prewhiten;
  mri::MriInput in = mri::load_mri_input(o.input, lo);
  record_input(prov, in);
  const mri::Grid grid = mri::kspace_grid(in.slices.front());
  const index_t coils = in.slices.front().dim(0);
  Array<float> mask = in.mask;
  if (!o.mask.empty()) {
    mask = mri::load_mask(o.mask, grid, in.kind == "fastmri" ? 2 : 1);
    record_file(prov, o.mask);
  }
  if (!mask.empty())
    for (Array<cfloat>& k : in.slices) apply_mask(k, mask);
  Array<cfloat> file_maps;
  const bool maps_from_file = o.sens != "espirit" && o.sens != "lowres";
  if (maps_from_file) {
    if (in.slices.size() > 1)
      throw Unsupported("--sens", "maps from a file serve single-slice inputs; this input has " +
                                      std::to_string(in.slices.size()) +
                                      " slices (use --sens espirit or lowres)");
    file_maps = mri::load_maps(o.sens, grid, coils);
    record_file(prov, o.sens);
  }
  prov.add_stage("read", seconds_since(t0));
  log::info("mri recon: {} ({}), {} slice(s), {} coils, grid {}, method {}", o.input, in.kind,
            in.slices.size(), coils, grid.str(), o.method);

  std::vector<Array<cfloat>> images;
  std::unique_ptr<Progress> slice_progress;
  if (in.slices.size() > 1)
    slice_progress = std::make_unique<Progress>("mri recon slices", index_t(in.slices.size()));
  for (std::size_t s = 0; s < in.slices.size(); ++s) {
    const Array<cfloat>& kspace = in.slices[s];
    t0 = std::chrono::steady_clock::now();
    const Array<cfloat> maps = maps_from_file ? file_maps : estimate_maps(kspace, o.maps, o.sens);
    prov.add_stage("sens", seconds_since(t0));

    t0 = std::chrono::steady_clock::now();
    std::unique_ptr<Progress> bar;
    solvers::Monitor monitor;
    if (!slice_progress && ro.method != mri::ReconMethod::zero_filled) {
      bar = std::make_unique<Progress>("mri " + o.method, ro.iterations > 0
                                                              ? ro.iterations
                                                              : mri::default_iterations(ro.method));
      monitor = [&bar](const solvers::IterationInfo&) {
        bar->advance();
        return true;
      };
    }
    mri::ReconResult r = mri::reconstruct(kspace, maps, mask, ro, monitor);
    if (bar) bar->finish();
    prov.add_stage("recon", seconds_since(t0));
    if (s == 0) {
      prov.set_option("lambda", r.lambda);
      prov.set_option("iterations", r.iterations);
      prov.set_option("data_scale", r.scale);
    }
    prov.add_solver_report(in.slices.size() > 1 ? "slice " + std::to_string(s) : o.method,
                           r.report.to_json());
    images.push_back(std::move(r.image));
    if (slice_progress) slice_progress->advance();
  }
  if (slice_progress) slice_progress->finish();

  // Stack slices and crop to the recon matrix (fastMRI's 320 x 320).
  Array<cfloat> image;
  const Shape one = images.front().shape();
  mri::Grid out_grid{one[1], one[2], one[3]};
  if (in.crop.nx > 0)
    out_grid = {std::min(in.crop.nz, one[1]), std::min(in.crop.ny, one[2]),
                std::min(in.crop.nx, one[3])};
  const Shape cropped{one[0], out_grid.nz, out_grid.ny, out_grid.nx};
  image = Array<cfloat>(in.slices.size() > 1 ? cropped.prepend(index_t(images.size())) : cropped,
                        uninitialized);
  {
    // Centred crop that keeps the image centre (index n/2) at the centre (index m/2).
    const index_t oz = one[1] / 2 - out_grid.nz / 2, oy = one[2] / 2 - out_grid.ny / 2,
                  ox = one[3] / 2 - out_grid.nx / 2;
    cfloat* dst = image.data();
    for (const Array<cfloat>& im : images)
      for (index_t m = 0; m < one[0]; ++m)
        for (index_t z = 0; z < out_grid.nz; ++z)
          for (index_t y = 0; y < out_grid.ny; ++y)
            for (index_t x = 0; x < out_grid.nx; ++x) *dst++ = im(m, oz + z, oy + y, ox + x);
  }

  prov.set_option("input", o.input);
  prov.set_option("input_kind", in.kind);
  prov.set_option("output", o.output);
  prov.set_option("method", o.method);
  prov.set_option("sens", o.sens);
  prov.set_option("mask", o.mask.empty()
                              ? (in.mask.empty() ? "zeros of the k-space" : "from the input file")
                              : o.mask);
  prov.set_option("auto_scale", ro.auto_scale);
  prov.set_option("reader", in.metadata);
  prov.set_seed("cycle_spin", ctx.global.seed);

  if (!writer) return 0;
  std::string metrics_line;
  if (!o.ref.empty()) {
    const Array<float> ref = mri::load_reference(o.ref);
    record_file(prov, o.ref);
    const Comparison c = compare_magnitudes(ref, combined_magnitude(image), o.ref);
    prov.set_metric("nrmse", c.nrmse);
    prov.set_metric("psnr_db", c.psnr);
    prov.set_metric("ssim", c.ssim);
    prov.set_metric("reference_scale_fit", c.scale);
    metrics_line = comparison_line(c);
  }
  t0 = std::chrono::steady_clock::now();
  prov.add_stage("write", 0);
  const std::vector<std::string> written = write_mri_image(o.output, image, prov);
  log::info("mri recon: wrote {} in {:.3f} s", written.front(), seconds_since(t0));
  if (!metrics_line.empty()) std::printf("%s\n", metrics_line.c_str());
  return 0;
}

// ---- tweed mri sens ----

struct SensCliOptions {
  std::string input, output, mask, method = "espirit", dataset = "dataset";
  int repetition = 0;
  SensOptions maps;
};

int run_sens(const SensCliOptions& o, const Context& ctx) {
  Provenance prov = ctx.make_provenance();
  mri::LoadOptions lo;
  lo.dataset = o.dataset;
  lo.repetition = o.repetition;
  mri::MriInput in = mri::load_mri_input(o.input, lo);
  record_input(prov, in);
  if (in.slices.size() > 1)
    throw Unsupported(o.input, "tweed mri sens handles one slice; this input has " +
                                   std::to_string(in.slices.size()) +
                                   " (tweed mri recon estimates maps per slice)");
  Array<cfloat> kspace = std::move(in.slices.front());
  if (!o.mask.empty()) {
    apply_mask(kspace,
               mri::load_mask(o.mask, mri::kspace_grid(kspace), in.kind == "fastmri" ? 2 : 1));
    record_file(prov, o.mask);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Array<cfloat> maps = estimate_maps(kspace, o.maps, o.method);
  prov.add_stage("sens", seconds_since(t0));
  prov.set_option("input", o.input);
  prov.set_option("output", o.output);
  prov.set_option("method", o.method);
  prov.set_option("calibration", o.maps.calibration);
  if (o.method == "espirit") {
    prov.set_option("kernel", o.maps.espirit.kernel);
    prov.set_option("threshold", o.maps.espirit.threshold);
    prov.set_option("crop", o.maps.espirit.crop);
    prov.set_option("maps", o.maps.espirit.maps);
  }
  if (mri_output_kind(o.output) == MriOutputKind::hdf5) {
    io::H5Writer w(o.output);
    w.write("maps", maps, {}, {{"layout", std::string("maps, coils, z, y, x")}});
    w.set_provenance(prov);
    w.commit();
    prov.write_sidecar(o.output);
  } else if (mri_output_kind(o.output) == MriOutputKind::bart) {
    const std::string base = io::cfl_base_name(o.output);
    io::write_cfl(base, maps);  // [M, C, Z, Y, X] is BART's [x, y, z, coil, maps]
    prov.write_sidecar(base + ".cfl");
  } else {
    throw InvalidInput(
        "--output", "coil maps are complex: write .h5 or a BART base name, not '" + o.output + "'");
  }
  log::info("mri sens: wrote {} ({} set(s) of {} coil maps)", o.output, maps.dim(0), maps.dim(1));
  return 0;
}

// ---- tweed mri simulate ----

struct SimulateCliOptions {
  std::string output, phantom = "shepp-logan", mask = "regular";
  index_t matrix = 256, slices = 1, coils = 8, calibration = 24;
  double acceleration = 4, noise = 0;
};

Array<cfloat> simulation_image(const SimulateCliOptions& o, const mri::Grid& grid,
                               Provenance& prov) {
  if (o.phantom == "shepp-logan") return mri::shepp_logan_phantom(grid);
  if (o.phantom == "brain") return mri::brain_phantom(grid);
  io::Image img = io::read_image(o.phantom);
  prov.add_input(o.phantom);
  Array<float>& d = img.data;
  if (!all_finite(d)) throw InvalidInput(o.phantom, "the image holds NaN or Inf values");
  if (d.rank() == 2) d.reshape(Shape{1, d.dim(0), d.dim(1)});
  if (d.rank() != 3)
    throw Unsupported(o.phantom, "a 2-D or 3-D image is needed, got shape " + d.shape().str());
  const double peak = max_abs(d);
  Array<cfloat> out(d.shape(), uninitialized);
  for (index_t i = 0; i < d.size(); ++i)
    out.data()[i] = cfloat(peak > 0 ? float(d.data()[i] / peak) : 0.0f, 0.0f);
  return out;
}

int run_simulate(const SimulateCliOptions& o, const Context& ctx) {
  Provenance prov = ctx.make_provenance();
  mri::Grid grid{o.slices, o.matrix, o.matrix};
  Array<cfloat> image = simulation_image(o, grid, prov);
  grid = {image.dim(0), image.dim(1), image.dim(2)};
  const Array<cfloat> maps = mri::birdcage_maps(o.coils, grid);
  Array<float> mask;
  if (o.mask != "none") {
    mri::MaskOptions mo;
    mo.kind = mri::parse_mask_kind(o.mask);
    mo.acceleration = o.acceleration;
    mo.calibration = o.calibration;
    mo.seed = ctx.global.seed;
    mask = mri::make_mask(grid, mo);
  }
  mri::SimulationOptions so;
  so.noise_sigma = o.noise;
  so.seed = ctx.global.seed;
  const Array<cfloat> kspace = mri::simulate_kspace(image, maps, mask, so);
  image.reshape(image.shape().prepend(1));  // [1, Z, Y, X]: one image per set of maps

  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, nlohmann::json>>{
           {"phantom", o.phantom},
           {"matrix", o.matrix},
           {"slices", o.slices},
           {"coils", o.coils},
           {"mask", o.mask},
           {"acceleration", o.acceleration},
           {"calibration", o.calibration},
           {"noise", o.noise},
           {"output", o.output}})
    prov.set_option(k, v);
  prov.set_seed("mask", ctx.global.seed);
  prov.set_seed("noise", ctx.global.seed);
  if (!mask.empty()) prov.set_metric("sampling_fraction", mri::sampling_fraction(mask));

  if (mri_output_kind(o.output) == MriOutputKind::hdf5) {
    io::H5Writer w(o.output);
    w.write(
        "kspace", kspace, {},
        {{"tweed_layout", std::string("mri-kspace")}, {"layout", std::string("coils, z, y, x")}});
    w.write("maps", maps, {}, {{"layout", std::string("maps, coils, z, y, x")}});
    if (!mask.empty()) w.write("mask", mask, {}, {{"layout", std::string("z, y, x")}});
    w.write("image", image, {}, {{"layout", std::string("maps, z, y, x")}});
    w.set_provenance(prov);
    w.commit();
    prov.write_sidecar(o.output);
  } else if (mri_output_kind(o.output) == MriOutputKind::bart) {
    const std::string base = io::cfl_base_name(o.output);
    io::write_cfl(base, kspace);
    io::write_cfl(base + "_sens", maps);
    io::write_cfl(base + "_ref", image);
    if (!mask.empty()) io::write_cfl(base + "_mask", convert<cfloat>(mask));
    prov.write_sidecar(base + ".cfl");
  } else {
    throw InvalidInput("--output",
                       "k-space is complex: write .h5 or a BART base name, not '" + o.output + "'");
  }
  log::info("mri simulate: wrote {} ({} coils, grid {})", o.output, o.coils, grid.str());
  return 0;
}

}  // namespace

void add_mri_command(CLI::App& app, Context& ctx) {
  auto* mri = app.add_subcommand("mri", "MRI: SENSE, ESPIRiT, CG-SENSE, compressed sensing");
  mri->require_subcommand(1);

  auto* sim =
      mri->add_subcommand("simulate", "Simulate multi-coil k-space from a phantom or image");
  auto so = std::make_shared<SimulateCliOptions>();
  sim->add_option("-o,--output", so->output, "Output: .h5, or a BART base name")->required();
  sim->add_option("--phantom", so->phantom, "shepp-logan, brain, or an image file (read by ITK)")
      ->capture_default_str();
  sim->add_option("--matrix", so->matrix, "Image side (phantoms)")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  sim->add_option("--slices", so->slices, "Slices of a 3-D phantom (1 = 2-D)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  sim->add_option("--coils", so->coils, "Birdcage coils")
      ->capture_default_str()
      ->check(CLI::Range(1, 128));
  sim->add_option("--mask", so->mask, "regular, uniform, gaussian, poisson or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"regular", "uniform", "gaussian", "poisson", "none"}));
  sim->add_option("--acceleration", so->acceleration, "Undersampling factor R")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 64.0));
  sim->add_option("--calibration", so->calibration, "ACS lines (side of the ACS block)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--noise", so->noise, "Noise standard deviation per real component of k-space")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sim->callback([&ctx, so] { ctx.action = [so, &ctx] { return run_simulate(*so, ctx); }; });

  auto* sens = mri->add_subcommand("sens", "Estimate coil sensitivity maps from k-space");
  auto se = std::make_shared<SensCliOptions>();
  sens->add_option("input", se->input, "k-space: BART base name, ISMRMRD, fastMRI or Tweed .h5")
      ->required();
  sens->add_option("-o,--output", se->output, "Maps: .h5, or a BART base name")->required();
  sens->add_option("--method", se->method, "espirit or lowres")
      ->capture_default_str()
      ->check(CLI::IsMember({"espirit", "lowres"}));
  sens->add_option("--mask", se->mask, "Sampling mask file applied to the k-space first");
  sens->add_option("--repetition", se->repetition, "ISMRMRD repetition")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sens->add_option("--dataset", se->dataset, "ISMRMRD dataset group")->capture_default_str();
  add_sens_options(sens, se->maps);
  sens->callback([&ctx, se] { ctx.action = [se, &ctx] { return run_sens(*se, ctx); }; });

  auto* rec = mri->add_subcommand("recon", "Reconstruct an image from multi-coil k-space");
  auto ro = std::make_shared<ReconCliOptions>();
  rec->add_option("input", ro->input, "k-space: BART base name, ISMRMRD, fastMRI or Tweed .h5")
      ->required();
  rec->add_option(
         "-o,--output", ro->output,
         "Image: .h5 (complex), .nii/.nii.gz/.mha/.nrrd or .png (magnitude), or a BART base name")
      ->required();
  rec->add_option("--method", ro->method, "zf, cgsense, l1wav or tv")
      ->capture_default_str()
      ->check(CLI::IsMember({"zf", "cgsense", "l1wav", "tv"}));
  rec->add_option("--sens", ro->sens, "espirit, lowres, or a maps file (BART base name or .h5)")
      ->capture_default_str();
  rec->add_option("--lambda", ro->lambda,
                  "Regularisation weight (default per method: 0.001, 0.01, 0.01)")
      ->check(CLI::NonNegativeNumber);
  rec->add_option("--iters", ro->iterations, "Iterations (default per method: 30, 100, 50)")
      ->check(CLI::PositiveNumber);
  rec->add_option("--mask", ro->mask,
                  "Sampling mask file (default: from the input, else the zeros of the k-space)");
  rec->add_option("--ref", ro->ref, "Reference image: print NRMSE, PSNR and SSIM against it");
  rec->add_flag("--no-scale", ro->no_scale, "Do not scale the data (lambda then acts on raw data)");
  rec->add_flag("--no-prewhiten", ro->no_prewhiten, "ISMRMRD: ignore noise acquisitions");
  rec->add_option("--repetition", ro->repetition, "ISMRMRD repetition")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  rec->add_option("--dataset", ro->dataset, "ISMRMRD dataset group")->capture_default_str();
  rec->add_option("--wavelet", ro->wavelet, "l1wav: Daubechies filter db1..db10")
      ->capture_default_str();
  rec->add_option("--tv-solver", ro->tv_solver, "tv: admm or pdhg")
      ->capture_default_str()
      ->check(CLI::IsMember({"admm", "pdhg"}));
  add_sens_options(rec, ro->maps);
  rec->callback([&ctx, ro] { ctx.action = [ro, &ctx] { return run_recon(*ro, ctx); }; });
}

}  // namespace tweed::app

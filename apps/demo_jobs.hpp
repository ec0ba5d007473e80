// The demo's jobs. Each module contributes one function that runs a small, complete job on
// generated data (seeded), writes its outputs into the demo folder and returns metrics.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/core/provenance.hpp"

namespace tweed::app {

/// One line of the metrics table: an image compared with the job's ground truth.
struct DemoRow {
  std::string label;
  double psnr = 0, ssim = 0, nrmse = 0, seconds = 0;
};

struct DemoResult {
  std::string job;
  std::string description;
  std::vector<DemoRow> rows;
  std::vector<std::string> previews;  ///< PNG files, relative to the demo folder
  std::vector<std::string> files;     ///< other outputs, relative to the demo folder
};

struct DemoJob {
  std::string name;
  std::string description;
  std::function<DemoResult(const std::string& folder, std::uint64_t seed, Provenance& prov)> run;
};

std::vector<DemoJob> demo_jobs();

/// PSNR/SSIM (over `data_range`) and NRMSE of `x` against `truth`.
DemoRow demo_compare(const std::string& label, const Array<float>& truth, const Array<float>& x,
                     double seconds, double data_range = 1.0);

/// The CT job (demo_ct.cpp): low-dose parallel-beam scan of a head phantom, FBP against
/// TV-on-FBP and sinogram flicking.
DemoResult ct_demo_job(const std::string& folder, std::uint64_t seed, Provenance& prov);

}  // namespace tweed::app

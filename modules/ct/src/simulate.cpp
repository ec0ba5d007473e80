// Low-dose transmission noise and attenuation images from files (simulate.hpp).
#include "tweed/ct/simulate.hpp"

#include <algorithm>
#include <cmath>

#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::ct {

Array<float> hu_to_attenuation(const Array<float>& hu, double mu_water) {
  if (!(mu_water > 0)) throw InvalidInput("mu_water", "must be positive");
  Array<float> mu(hu.shape(), uninitialized);
  const float* src = hu.data();
  float* dst = mu.data();
  const auto k = static_cast<float>(mu_water);
  parallel_for(0, hu.size(),
               [&](index_t i) { dst[i] = std::max(0.0f, k * (1.0f + src[i] / 1000.0f)); });
  return mu;
}

AttenuationImage read_attenuation_image(const std::string& path, ImageUnits units,
                                        double mu_water) {
  io::Image img = io::read_image(path);
  Array<float> data = std::move(img.data);
  for (const float v : data)
    if (!std::isfinite(v)) throw IoError(path, "image holds NaN or infinite values");
  if (data.rank() == 3 && data.dim(0) == 1) data.reshape(data.shape().drop_front());
  if (data.rank() != 2 && data.rank() != 3)
    throw InvalidInput(path,
                       "expected a 2-D image or a 3-D volume, got shape " + data.shape().str());
  double pixel = 1.0;
  const auto& sp = img.meta.spacing;
  if (sp.size() >= 2) {
    if (std::abs(sp[0] - sp[1]) > 1e-3 * std::max(sp[0], sp[1]))
      throw InvalidInput(path, "pixels are not square (" + std::to_string(sp[0]) + " x " +
                                   std::to_string(sp[1]) + " mm); resample the image first");
    pixel = sp[0];
  }
  if (!(pixel > 0)) throw IoError(path, "pixel spacing is not positive");
  bool hu = units == ImageUnits::hounsfield;
  if (units == ImageUnits::automatic) {
    const auto it = img.properties.find("modality");
    // DICOM pads strings to even length with spaces.
    hu = it != img.properties.end() && it->second.rfind("CT", 0) == 0 &&
         it->second.find_first_not_of(' ', 2) == std::string::npos;
  }
  AttenuationImage out{hu ? hu_to_attenuation(data, mu_water) : std::move(data), pixel, hu};
  return out;
}

Array<float> simulate_low_dose(const Array<float>& p, const DoseOptions& o) {
  if (!(o.photons > 0) || !std::isfinite(o.photons))
    throw InvalidInput("I0", "incident photons must be positive, got " + std::to_string(o.photons));
  if (!(o.electronic_sigma >= 0) || !std::isfinite(o.electronic_sigma))
    throw InvalidInput("electronic noise", "sigma must be >= 0");
  if (!(o.count_floor > 0)) throw InvalidInput("count floor", "must be positive");
  for (const float v : p)
    if (!std::isfinite(v)) throw InvalidInput("sinogram", "holds NaN or infinite line integrals");
  const index_t n = p.size();
  Array<float> lambda(p.shape(), uninitialized);
  parallel_for(0, n, [&](index_t i) {
    lambda[i] = static_cast<float>(o.photons * std::exp(-static_cast<double>(p[i])));
  });
  Array<float> counts(p.shape(), uninitialized);
  fill_poisson(counts, lambda, CounterRng(o.seed, 0));
  Array<float> electronic(p.shape());
  if (o.electronic_sigma > 0)
    fill_normal(electronic, CounterRng(o.seed, 1), 0.0, o.electronic_sigma);
  Array<float> out(p.shape(), uninitialized);
  parallel_for(0, n, [&](index_t i) {
    const double c = std::max(static_cast<double>(counts[i]) + electronic[i], o.count_floor);
    out[i] = static_cast<float>(-std::log(c / o.photons));
  });
  return out;
}

}  // namespace tweed::ct

// Test objects and low-dose scans: attenuation phantoms, images from files in Hounsfield units,
// and the transmission noise model.
//
// Units (geometry.hpp): images hold the linear attenuation mu in 1/mm; sinograms hold line
// integrals p = int mu dl (dimensionless). With water mu_w = kMuWater70keV = 0.0193 /mm, a 20 cm
// head has p of about 4 behind its centre, so I0 = 5e3 photons per ray leaves about 90 photons
// there: the low-dose regime of LoDoPaB-CT (I0 = 4096, mu_w = 0.02 /mm; research/ct.md §4).
//
// Noise model (simulate_low_dose): for every ray, independently,
//   counts = Poisson(I0 exp(-p)) + N(0, sigma_e^2),   p_hat = -ln(max(counts, floor) / I0),
// the Poisson part from CounterRng(seed, stream 0) and the Gaussian part from stream 1 (indexed
// by the ray's position in the array), so the noisy sinogram depends only on (sinogram, options)
// and never on the thread count. sigma_e^2 = 10 counts^2 follows Zeng et al. 2015; the floor
// (default 1 photon) replaces non-positive readings and caps p_hat at ln(I0 / floor). Then
// E p_hat ~ p and Var p_hat ~ (I0 e^-p + sigma_e^2) / (I0 e^-p)^2: conjugate rays, which share
// p, share mean and variance and have independent noise (the basis of flicking).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "tweed/core/array.hpp"
#include "tweed/ct/geometry.hpp"

namespace tweed::ct {

enum class Phantom { shepp_logan, forbild_head };

/// "shepp-logan" or "forbild"; InvalidInput("phantom", ...) otherwise.
Phantom parse_phantom(const std::string& name);
std::string to_string(Phantom phantom);

/// An n x n phantom of attenuation (1/mm) filling a square field of view of `fov_mm` mm, so
/// pixels are fov_mm / n mm (use that as Geometry::pixel_size).
///  - shepp_logan: core's modified Shepp-Logan (phantom::shepp_logan) scaled so that its brain
///    (0.2) is water: mu = 5 * value * mu_w (skull 5 mu_w, features 0.5 - 2 mu_w). With the
///    default 256 mm field of view the outer ellipse is 177 x 236 mm, a head.
///  - forbild_head: "FORBILD-like" head - ellipses modelled on the FORBILD head phantom
///    (Lauritsch & Bruder; Yu et al. 2012) but NOT its exact definition (which also has clipped
///    shapes): a 192 x 240 mm skull (1.8 mu_w), brain (1.045 mu_w), ventricles (CSF, mu_w), eyes,
///    an air-filled frontal sinus, inner-ear bone with air cells, and low-contrast lesions of
///    +0.5 % and +1 % for detectability studies. Later shapes replace earlier ones.
/// Each pixel is the mean of supersample^2 point samples.
Array<float> make_phantom(Phantom phantom, index_t n, double fov_mm = 256.0, int supersample = 3);

/// mu = mu_water (1 + HU / 1000), clipped at 0 (air is -1000 HU; values below are noise).
Array<float> hu_to_attenuation(const Array<float>& hu, double mu_water = kMuWater70keV);

enum class ImageUnits {
  automatic,    ///< Hounsfield for DICOM files whose modality is CT, attenuation otherwise
  hounsfield,   ///< converted by hu_to_attenuation
  attenuation,  ///< already mu in 1/mm
};

struct AttenuationImage {
  Array<float> mu;    ///< [rows, cols], or [slices, rows, cols] for a volume
  double pixel_size;  ///< mm, from the file's spacing (1 when the file has none)
  bool from_hounsfield;
};

/// Reads an image through io::read_image (DICOM file or series, NIfTI, MetaImage, NRRD) as
/// attenuation. A [1, rows, cols] file becomes [rows, cols]. Pixels must be square (InvalidInput
/// naming the file otherwise); NaN or infinite values are IoError.
AttenuationImage read_attenuation_image(const std::string& path,
                                        ImageUnits units = ImageUnits::automatic,
                                        double mu_water = kMuWater70keV);

struct DoseOptions {
  double photons = 5e3;                       ///< I0, incident photons per ray (> 0)
  double electronic_sigma = std::sqrt(10.0);  ///< sigma_e, counts (>= 0)
  double count_floor = 1.0;                   ///< readings below are set to it (> 0)
  std::uint64_t seed = 0;
};

/// A noisy sinogram (same shape as `line_integrals`, any rank) under the model above.
Array<float> simulate_low_dose(const Array<float>& line_integrals, const DoseOptions& options);

}  // namespace tweed::ct

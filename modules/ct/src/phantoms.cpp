// Attenuation phantoms (simulate.hpp): core's Shepp-Logan in physical units and the
// FORBILD-like head.
#include <cmath>
#include <numbers>

#include "tweed/core/phantom.hpp"
#include "tweed/ct/simulate.hpp"

namespace tweed::ct {

namespace {

// An ellipse in mm (centre, semi-axes, rotation in degrees counter-clockwise) whose inside is
// set to `value` (relative to water); painted in order, later ones replace earlier ones.
struct Shape2 {
  double x0, y0, a, b, phi_deg, value;
};

// FORBILD-like head (see simulate.hpp): positions in mm, +y towards the forehead.
constexpr Shape2 kForbildLike[] = {
    {0, 0, 96, 120, 0, 1.8},     // skull (bone)
    {0, 0, 90, 114, 0, 1.045},   // brain
    {0, 101, 14, 7, 0, 0.0},     // frontal sinus (air, in the bone and brain edge)
    {-45, 80, 17, 17, 0, 1.06},  // eyes
    {45, 80, 17, 17, 0, 1.06},   {-45, 92, 6, 3, 0, 1.35},  // lenses
    {45, 92, 6, 3, 0, 1.35},     {-11, 8, 8, 26, 18, 1.0},  // lateral ventricles (CSF)
    {11, 8, 8, 26, -18, 1.0},    {0, -22, 5, 7, 0, 1.0},    // third ventricle
    {0, -68, 7, 16, 0, 1.8},                                // clivus (bone)
    {74, -12, 9, 22, 10, 1.8},                              // right inner ear (bone) ...
    {75, -4, 2.2, 2.2, 0, 0.0},                             // ... with air cells
    {73, -13, 1.6, 1.6, 0, 0.0}, {76, -21, 1.2, 1.2, 0, 0.0},
    {-74, -12, 9, 22, -10, 1.8},                            // left inner ear (solid)
    {-30, -40, 8, 8, 0, 1.055},                             // low-contrast lesions: +1 % ...
    {0, -44, 6, 6, 0, 1.055},    {30, -40, 8, 8, 0, 1.05},  // ... and +0.5 %
    {-30, 40, 2, 2, 0, 1.5},                                // small high-contrast dots (resolution)
    {-24, 40, 1.5, 1.5, 0, 1.5}, {-19, 40, 1, 1, 0, 1.5},
};

double forbild_like_at(double x, double y) {
  double v = 0;
  for (const Shape2& e : kForbildLike) {
    const double phi = e.phi_deg * std::numbers::pi / 180.0;
    const double dx = x - e.x0, dy = y - e.y0;
    const double u = dx * std::cos(phi) + dy * std::sin(phi);
    const double w = -dx * std::sin(phi) + dy * std::cos(phi);
    if (u * u / (e.a * e.a) + w * w / (e.b * e.b) <= 1.0) v = e.value;
  }
  return v;
}

}  // namespace

Phantom parse_phantom(const std::string& name) {
  if (name == "shepp-logan") return Phantom::shepp_logan;
  if (name == "forbild") return Phantom::forbild_head;
  throw InvalidInput("phantom", "unknown phantom '" + name + "' (expected shepp-logan or forbild)");
}

std::string to_string(Phantom p) {
  return p == Phantom::shepp_logan ? "shepp-logan" : "forbild";
}

Array<float> make_phantom(Phantom phantom, index_t n, double fov_mm, int supersample) {
  if (n < 1) throw InvalidInput("phantom size", "must be at least 1");
  if (!(fov_mm > 0) || !std::isfinite(fov_mm))
    throw InvalidInput("phantom field of view", "must be a positive number of mm");
  if (supersample < 1) throw InvalidInput("phantom supersample", "must be at least 1");
  if (phantom == Phantom::shepp_logan) {
    Array<float> img = phantom::shepp_logan(n, supersample);
    const auto scale = static_cast<float>(5.0 * kMuWater70keV);
    for (float& v : img) v *= scale;
    return img;
  }
  return phantom::rasterise(n, supersample, 0.5 * fov_mm, [](double x, double y) {
    return kMuWater70keV * forbild_like_at(x, y);
  });
}

}  // namespace tweed::ct

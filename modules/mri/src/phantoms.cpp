// Built-in images for simulated acquisitions: a smooth brain-like phantom and Shepp-Logan.
#include <algorithm>
#include <cmath>
#include <string>

#include "tweed/core/error.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/phantom.hpp"
#include "tweed/mri/simulate.hpp"

namespace tweed::mri {
namespace {

void check_grid(const Grid& grid, const char* what) {
  if (grid.nz < 1 || grid.ny < 1 || grid.nx < 1)
    throw InvalidInput(what, "grid must have positive extents, got " + grid.str());
}

// Position of index j on an axis of extent n, in units of half the field of view: the centre
// (index n/2, k-space DC's partner in the image) is 0, the first pixel -1 for even n.
double axis_coord(index_t j, index_t n) {
  return (static_cast<double>(j) - static_cast<double>(n / 2)) / (0.5 * static_cast<double>(n));
}

// Smooth indicator of the inside of the ellipsoid with semi-axes (a, b, c): 1 deep inside, 0
// outside, a tanh ramp across the surface whose width is about `width` (FOV units) along the
// shortest axis, so that every boundary spans a few pixels whatever the ellipsoid's size.
double ellipsoid(double x, double y, double z, double a, double b, double c, double width) {
  const double rho = std::sqrt((x * x) / (a * a) + (y * y) / (b * b) + (z * z) / (c * c));
  return 0.5 * (1.0 - std::tanh((rho - 1.0) * std::min({a, b, c}) / width));
}

// Width of the tissue boundaries, FOV units (half the field of view is 1): about 3 pixels at 256.
constexpr double kEdge = 0.025;

struct Lesion {
  double x, y, z, sigma, amplitude;
};

// A few small lesions, bright and dark, inside the white and grey matter.
constexpr Lesion kLesions[] = {
    {0.30, 0.35, 0.05, 0.030, 0.20},
    {-0.35, -0.20, -0.10, 0.025, 0.18},
    {0.15, -0.45, 0.00, 0.020, -0.30},
    {-0.20, 0.50, 0.10, 0.015, 0.15},
};

// Magnitude of the brain phantom at (x, y, z), y pointing up (row 0 at the top).
double brain_magnitude(double x, double y, double z) {
  const double theta = std::atan2(y, x);
  double v = 0;
  auto layer = [&](double value, double weight) { v += weight * (value - v); };
  // Scalp and skull: a bright ring between two ellipsoids.
  layer(0.75, ellipsoid(x, y, z, 0.78, 0.95, 0.80, kEdge));
  // Cerebrospinal fluid between skull and brain.
  layer(0.08, ellipsoid(x, y, z, 0.70, 0.87, 0.72, kEdge));
  // Grey matter, with a gently folded surface (the fold scales the point, hence the surface).
  const double fold_gm = 1.0 + 0.025 * std::sin(11.0 * theta + 0.3) * std::cos(3.0 * z);
  layer(0.55, ellipsoid(x / fold_gm, y / fold_gm, z, 0.66, 0.83, 0.68, kEdge));
  // White matter, more deeply folded (gyri), with a softer edge.
  const double fold_wm = 1.0 + 0.07 * std::sin(9.0 * theta + 0.5) * std::cos(2.0 * z);
  layer(0.82, ellipsoid(x / fold_wm, y / fold_wm, z, 0.50, 0.66, 0.52, 2 * kEdge));
  // Lateral ventricles: two tilted ellipsoids of CSF.
  for (int side : {-1, 1}) {
    const double phi = 0.3 * side;
    const double dx = x - 0.11 * side, dy = y - 0.08;
    const double u = dx * std::cos(phi) + dy * std::sin(phi);
    const double w = -dx * std::sin(phi) + dy * std::cos(phi);
    layer(0.12, ellipsoid(u, w, z, 0.07, 0.21, 0.25, kEdge));
  }
  const double brain = ellipsoid(x, y, z, 0.66, 0.83, 0.68, kEdge);
  for (const Lesion& l : kLesions) {
    const double r2 = (x - l.x) * (x - l.x) + (y - l.y) * (y - l.y) + (z - l.z) * (z - l.z);
    v += brain * l.amplitude * std::exp(-0.5 * r2 / (l.sigma * l.sigma));
  }
  return std::clamp(v, 0.0, 1.0);
}

// A slowly varying phase (radians), as B0 inhomogeneity and receive phase give.
double brain_phase(double x, double y, double z) {
  return 0.2 + 0.6 * x + 0.4 * y - 0.3 * x * y + 0.25 * z;
}

}  // namespace

Array<cfloat> brain_phantom(const Grid& grid) {
  check_grid(grid, "brain phantom");
  Array<cfloat> out(grid.shape(), uninitialized);
  parallel_for(
      0, grid.nz * grid.ny,
      [&](index_t row) {
        const index_t k = row / grid.ny, i = row % grid.ny;
        // A 2-D grid is the central slice z = 0.
        const double z = grid.nz == 1 ? 0.0 : axis_coord(k, grid.nz);
        const double y = -axis_coord(i, grid.ny);
        for (index_t j = 0; j < grid.nx; ++j) {
          const double x = axis_coord(j, grid.nx);
          out.data()[row * grid.nx + j] =
              cfloat(std::polar(brain_magnitude(x, y, z), brain_phase(x, y, z)));
        }
      },
      1);
  return out;
}

Array<cfloat> shepp_logan_phantom(const Grid& grid) {
  check_grid(grid, "Shepp-Logan phantom");
  // The square phantom at the smaller in-plane extent, centred (zero padded along the other).
  const index_t m = std::min(grid.ny, grid.nx);
  const Array<float> slice = phantom::shepp_logan(m);
  const index_t oy = (grid.ny - m) / 2, ox = (grid.nx - m) / 2;
  Array<cfloat> out(grid.shape());
  for (index_t k = 0; k < grid.nz; ++k)
    for (index_t i = 0; i < m; ++i)
      for (index_t j = 0; j < m; ++j)
        out.data()[(k * grid.ny + oy + i) * grid.nx + ox + j] = cfloat(slice(i, j), 0.0f);
  return out;
}

}  // namespace tweed::mri

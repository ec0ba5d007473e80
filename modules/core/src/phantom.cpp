#include "tweed/core/phantom.hpp"

#include <cmath>

#include "tweed/core/parallel.hpp"

namespace tweed::phantom {
namespace {

struct Ellipse {
  double value, a, b, x0, y0, phi_deg;
};

// Intensities of the "modified" version, which has better contrast than the original 1974 one.
constexpr Ellipse kSheppLogan[] = {
    {1.0, 0.69, 0.92, 0.0, 0.0, 0.0},      {-0.8, 0.6624, 0.874, 0.0, -0.0184, 0.0},
    {-0.2, 0.11, 0.31, 0.22, 0.0, -18.0},  {-0.2, 0.16, 0.41, -0.22, 0.0, 18.0},
    {0.1, 0.21, 0.25, 0.0, 0.35, 0.0},     {0.1, 0.046, 0.046, 0.0, 0.1, 0.0},
    {0.1, 0.046, 0.046, 0.0, -0.1, 0.0},   {0.1, 0.046, 0.023, -0.08, -0.605, 0.0},
    {0.1, 0.023, 0.023, 0.0, -0.606, 0.0}, {0.1, 0.023, 0.046, 0.06, -0.605, 0.0},
};

double value_at(double x, double y) {
  double v = 0;
  for (const Ellipse& e : kSheppLogan) {
    const double phi = e.phi_deg * M_PI / 180.0;
    const double dx = x - e.x0, dy = y - e.y0;
    const double u = dx * std::cos(phi) + dy * std::sin(phi);
    const double w = -dx * std::sin(phi) + dy * std::cos(phi);
    if ((u * u) / (e.a * e.a) + (w * w) / (e.b * e.b) <= 1.0) v += e.value;
  }
  return v;
}

}  // namespace

Array<float> shepp_logan(index_t n, int supersample) {
  if (n < 1) throw InvalidInput("shepp_logan", "size must be at least 1");
  if (supersample < 1) supersample = 1;
  return rasterise(n, supersample, 1.0, value_at);
}

Array<float> rasterise(index_t n, int supersample, double half_extent,
                       const std::function<double(double x, double y)>& value) {
  if (n < 1 || supersample < 1 || !(half_extent > 0))
    throw InvalidInput("rasterise", "needs n >= 1, supersample >= 1 and a positive extent");
  Array<float> img(Shape{n, n});
  const double h = 2.0 * half_extent / double(n);
  parallel_for(
      0, n,
      [&](index_t row) {
        for (index_t col = 0; col < n; ++col) {
          double acc = 0;
          for (int sy = 0; sy < supersample; ++sy)
            for (int sx = 0; sx < supersample; ++sx) {
              const double x = -half_extent + h * (double(col) + (sx + 0.5) / supersample);
              const double y = half_extent - h * (double(row) + (sy + 0.5) / supersample);
              acc += value(x, y);
            }
          img(row, col) = static_cast<float>(acc / (supersample * supersample));
        }
      },
      1);
  return img;
}

}  // namespace tweed::phantom

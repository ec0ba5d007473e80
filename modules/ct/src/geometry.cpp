#include "tweed/ct/geometry.hpp"

#include <cmath>
#include <string>

namespace tweed::ct {

namespace {

constexpr double kPi = std::numbers::pi;

void require(bool ok, const std::string& field, const std::string& problem) {
  if (!ok) throw InvalidInput("geometry " + field, problem);
}

// The radius of the circle circumscribing the image grid (mm).
double image_radius(const Geometry& g) {
  const double w = static_cast<double>(g.cols) * g.pixel_size;
  const double h = static_cast<double>(g.rows) * g.pixel_size;
  return 0.5 * std::hypot(w, h);
}

const io::AttributeValue& find(const io::Attributes& a, const std::string& name,
                               const std::string& subject) {
  auto it = a.find(name);
  if (it == a.end()) throw IoError(subject, "missing CT geometry attribute '" + name + "'");
  return it->second;
}

double get_double(const io::Attributes& a, const std::string& name, const std::string& subject) {
  const auto& v = find(a, name, subject);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw IoError(subject, "CT geometry attribute '" + name + "' is not a number");
}

index_t get_int(const io::Attributes& a, const std::string& name, const std::string& subject) {
  const auto& v = find(a, name, subject);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) {
    if (std::floor(*d) == *d && std::abs(*d) < 9e15) return static_cast<index_t>(*d);
  }
  throw IoError(subject, "CT geometry attribute '" + name + "' is not an integer");
}

}  // namespace

std::string to_string(Beam beam) {
  return beam == Beam::parallel ? "parallel" : "fan";
}

Beam parse_beam(const std::string& name) {
  if (name == "parallel") return Beam::parallel;
  if (name == "fan") return Beam::fan;
  throw InvalidInput("geometry", "unknown beam '" + name + "' (expected parallel or fan)");
}

double Geometry::half_fan_angle() const {
  if (beam == Beam::parallel) return 0.0;
  return std::max(std::abs(bin_position(0)), std::abs(bin_position(detectors - 1)));
}

bool Geometry::full_scan() const {
  return std::abs(angular_range - 2.0 * kPi) <= 1e-9 * 2.0 * kPi;
}

void Geometry::validate() const {
  require(views >= 1, "views", "must be at least 1, got " + std::to_string(views));
  require(detectors >= 1, "detectors", "must be at least 1, got " + std::to_string(detectors));
  require(rows >= 1 && cols >= 1, "image size",
          "must be at least 1 x 1, got " + std::to_string(rows) + " x " + std::to_string(cols));
  require(std::isfinite(start_angle), "start_angle", "must be finite");
  require(std::isfinite(angular_range) && angular_range > 0 && angular_range <= 4.0 * kPi,
          "angular_range", "must be in (0, 4 pi] radians");
  require(std::isfinite(detector_spacing) && detector_spacing > 0, "detector_spacing",
          "must be positive");
  require(std::isfinite(detector_offset) && std::abs(detector_offset) < 0.5 * double(detectors) + 1,
          "detector_offset", "must be finite and smaller than half the detector");
  require(std::isfinite(pixel_size) && pixel_size > 0, "pixel_size", "must be positive");
  if (beam == Beam::fan) {
    require(std::isfinite(source_distance) && source_distance > image_radius(*this),
            "source_distance",
            "the source (" + std::to_string(source_distance) +
                " mm) must lie outside the image's circumscribed circle (radius " +
                std::to_string(image_radius(*this)) + " mm)");
    require(std::isfinite(detector_distance) && detector_distance > source_distance,
            "detector_distance", "must exceed source_distance");
    require(half_fan_angle() < 0.5 * kPi - 1e-6, "detector_spacing",
            "the fan reaches 90 degrees: bins * spacing must stay below pi");
  }
}

Geometry parallel_geometry(index_t rows, index_t cols, index_t views, double pixel_size) {
  Geometry g;
  g.beam = Beam::parallel;
  g.views = views;
  g.rows = rows;
  g.cols = cols;
  g.pixel_size = pixel_size;
  g.detector_spacing = pixel_size;
  auto n = static_cast<index_t>(
      std::ceil(std::sqrt(2.0) * static_cast<double>(std::max(rows, cols)) - 1e-9));
  if (n % 2 == 0) ++n;
  g.detectors = n;
  g.validate();
  return g;
}

Geometry fan_geometry(index_t rows, index_t cols, index_t views, index_t detectors,
                      double source_distance, double detector_distance, double pixel_size) {
  Geometry g;
  g.beam = Beam::fan;
  g.views = views;
  g.rows = rows;
  g.cols = cols;
  g.pixel_size = pixel_size;
  g.detectors = detectors;
  g.source_distance = source_distance;
  g.detector_distance = detector_distance;
  if (!(source_distance > image_radius(g)))
    throw InvalidInput("geometry source_distance",
                       "the source must lie outside the image's circumscribed circle");
  if (detectors < 2) throw InvalidInput("geometry detectors", "a fan needs at least 2 bins");
  // Half fan angle that just covers the circumscribed circle, plus one bin of margin.
  const double half = std::asin(image_radius(g) / source_distance);
  g.detector_spacing = 2.0 * half / static_cast<double>(detectors - 2);
  g.validate();
  return g;
}

double fan_spacing_from_pitch(double pitch_mm, double detector_distance) {
  if (!(pitch_mm > 0) || !(detector_distance > 0))
    throw InvalidInput("geometry detector pitch", "pitch and detector distance must be positive");
  return pitch_mm / detector_distance;
}

io::Attributes to_attributes(const Geometry& g) {
  io::Attributes a;
  a["ct_beam"] = to_string(g.beam);
  a["ct_views"] = static_cast<std::int64_t>(g.views);
  a["ct_detectors"] = static_cast<std::int64_t>(g.detectors);
  a["ct_rows"] = static_cast<std::int64_t>(g.rows);
  a["ct_cols"] = static_cast<std::int64_t>(g.cols);
  a["ct_start_angle"] = g.start_angle;
  a["ct_angular_range"] = g.angular_range;
  a["ct_detector_spacing"] = g.detector_spacing;
  a["ct_detector_offset"] = g.detector_offset;
  a["ct_source_distance"] = g.source_distance;
  a["ct_detector_distance"] = g.detector_distance;
  a["ct_pixel_size"] = g.pixel_size;
  a["ct_units"] = std::string("mu in 1/mm; angles in radians; distances in mm");
  return a;
}

Geometry from_attributes(const io::Attributes& a, const std::string& subject) {
  Geometry g;
  const auto& beam = find(a, "ct_beam", subject);
  const auto* name = std::get_if<std::string>(&beam);
  if (!name) throw IoError(subject, "CT geometry attribute 'ct_beam' is not a string");
  if (*name != "parallel" && *name != "fan")
    throw IoError(subject,
                  "CT geometry attribute 'ct_beam' is '" + *name + "' (expected parallel or fan)");
  g.beam = parse_beam(*name);
  g.views = get_int(a, "ct_views", subject);
  g.detectors = get_int(a, "ct_detectors", subject);
  g.rows = get_int(a, "ct_rows", subject);
  g.cols = get_int(a, "ct_cols", subject);
  g.start_angle = get_double(a, "ct_start_angle", subject);
  g.angular_range = get_double(a, "ct_angular_range", subject);
  g.detector_spacing = get_double(a, "ct_detector_spacing", subject);
  g.detector_offset = get_double(a, "ct_detector_offset", subject);
  g.source_distance = get_double(a, "ct_source_distance", subject);
  g.detector_distance = get_double(a, "ct_detector_distance", subject);
  g.pixel_size = get_double(a, "ct_pixel_size", subject);
  try {
    g.validate();
  } catch (const InvalidInput& e) {
    throw IoError(subject, std::string("invalid CT geometry: ") + e.what());
  }
  return g;
}

}  // namespace tweed::ct

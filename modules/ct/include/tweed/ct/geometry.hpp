// Scan geometry of 2-D transmission CT: parallel beam and equi-angular (curved-detector) fan beam,
// any angular range, an image grid, and their HDF5 attributes.
//
// Conventions (every other ct header relies on them)
//   Image. An image is a row-major Array [rows, cols] (a batch of slices [slices, rows, cols]) of
//   linear attenuation coefficients mu in 1/mm on square pixels of `pixel_size` mm. Row 0 is at the
//   top (y > 0), column 0 at the left (x < 0), as core's phantoms; the isocentre (rotation axis)
//   is the centre of the grid, so pixel (r, c) has its centre at
//       x = (c - (cols - 1) / 2) * pixel_size,   y = ((rows - 1) / 2 - r) * pixel_size   [mm].
//   A sinogram is then dimensionless: line integrals p = int mu dl, the quantity -ln(I / I0).
//   Water at about 70 keV effective energy has mu = kMuWater70keV = 0.0193 /mm (NIST XCOM:
//   mu/rho = 0.193 cm^2/g), so a 20 cm head gives p of about 4 and, at I0 = 5e3 photons per
//   ray, about 90 photons behind its centre: a low-dose scan (research/ct.md §4).
//
//   Angles. View i is at angle theta_i = start_angle + i * angular_range / views (radians; the
//   range is half-open, so a full scan of 2 pi never repeats its first view). A ray is the line
//       { (x, y) : x cos(theta) + y sin(theta) = s },
//   i.e. theta is the angle of the detector axis u = (cos theta, sin theta) measured
//   counter-clockwise from +x, and the ray runs along d = (-sin theta, cos theta). So theta = 0
//   is a vertical ray (integrating over the image columns) and a point at x projects onto s = x.
//   Rays (theta, s) and (theta + pi, -s) are the same line (conjugate rays).
//
//   Parallel beam. Detector bin j measures s_j = (j - N/2 + detector_offset) * detector_spacing
//   [mm], N = detectors. With detector_offset = 0 bin N/2 sees the rotation axis (s = 0): for
//   even N the centre sits on a bin, not between two bins, and the conjugate of bin j is bin
//   N - j (conjugate.hpp).
//
//   Fan beam (equi-angular, third generation). At view angle beta = theta_i the source is at
//   S = R (-sin beta, cos beta), R = source_distance (source to isocentre, mm); the central ray
//   points from S through the isocentre, so it is the parallel ray (theta = beta, s = 0): both
//   geometries share the angle origin. Bin j has fan angle
//       gamma_j = (j - N/2 + detector_offset) * detector_spacing   [radians],
//   and is the line theta = beta + gamma_j, s = R sin(gamma_j). A fan ray (beta, gamma) is thus
//   the same line as (beta + pi + 2 gamma, -gamma). detector_distance (source to detector, mm)
//   places the curved detector; line integrals do not depend on it, but it converts a physical
//   element pitch into the angular spacing (fan_spacing_from_pitch).
//
// Limits: views >= 1, detectors >= 1, positive spacings and pixel size; the fan's source must lie
// outside the image's circumscribed circle, and the fan (|gamma| < pi/2) must be narrow enough
// for every bin to leave the source forwards. validate() throws InvalidInput naming the field.
#pragma once

#include <cstdint>
#include <numbers>
#include <string>

#include "tweed/core/types.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::ct {

/// Linear attenuation of water at about 70 keV effective energy, 1/mm.
inline constexpr double kMuWater70keV = 0.0193;

enum class Beam { parallel, fan };

std::string to_string(Beam beam);
/// "parallel" or "fan"; InvalidInput("geometry", ...) otherwise.
Beam parse_beam(const std::string& name);

struct Geometry {
  Beam beam = Beam::parallel;
  index_t views = 720;
  index_t detectors = 363;
  /// Angle of view 0 and the half-open range covered by the views, radians.
  double start_angle = 0.0;
  double angular_range = 2.0 * std::numbers::pi;
  /// Parallel: bin pitch in mm (at the isocentre). Fan: angular pitch in radians.
  double detector_spacing = 1.0;
  /// Shift of the detector in bins (see the header comment); 0.5 puts the axis between bins.
  double detector_offset = 0.0;
  /// Fan only: source to isocentre and source to detector, mm.
  double source_distance = 0.0;
  double detector_distance = 0.0;
  /// The image grid: rows x cols pixels of pixel_size mm, centred on the isocentre.
  index_t rows = 256;
  index_t cols = 256;
  double pixel_size = 1.0;

  /// Angle of view i (radians).
  double view_angle(index_t i) const {
    return start_angle + angular_range * static_cast<double>(i) / static_cast<double>(views);
  }
  /// Detector coordinate of bin j: s_j in mm (parallel) or gamma_j in radians (fan).
  double bin_position(index_t j) const {
    return (static_cast<double>(j) - static_cast<double>(detectors / 2) + detector_offset) *
           detector_spacing;
  }
  /// Angular step between views (radians).
  double view_step() const { return angular_range / static_cast<double>(views); }
  /// Largest |gamma| of the fan (radians); 0 for parallel beam.
  double half_fan_angle() const;
  /// True when the views cover a full turn (2 pi up to 1e-9 relative).
  bool full_scan() const;

  Shape image_shape() const { return Shape{rows, cols}; }
  Shape sinogram_shape() const { return Shape{views, detectors}; }

  /// Throws InvalidInput naming the field and the problem unless the geometry is usable.
  void validate() const;

  bool operator==(const Geometry&) const = default;
};

/// A parallel-beam full scan whose detector covers the image's circumscribed circle:
/// `views` over 2 pi, detectors = the smallest odd count >= ceil(sqrt(2) * max(rows, cols)), so
/// that bin N/2 is the middle bin, spacing = pixel_size.
Geometry parallel_geometry(index_t rows, index_t cols, index_t views, double pixel_size = 1.0);
/// An equi-angular fan-beam full scan with the source at `source_distance` mm and the detector at
/// `detector_distance` mm from it; the fan covers the circumscribed circle with `detectors` bins.
Geometry fan_geometry(index_t rows, index_t cols, index_t views, index_t detectors,
                      double source_distance, double detector_distance, double pixel_size = 1.0);

/// Angular pitch (radians) of a curved detector whose elements are `pitch_mm` apart at
/// `detector_distance` mm from the source.
double fan_spacing_from_pitch(double pitch_mm, double detector_distance);

/// The geometry as HDF5 attributes, names prefixed "ct_": ct_beam (string), ct_views,
/// ct_detectors, ct_rows, ct_cols (int64), ct_start_angle, ct_angular_range (radians),
/// ct_detector_spacing, ct_detector_offset, ct_source_distance, ct_detector_distance,
/// ct_pixel_size (float64), and ct_units = "mu in 1/mm; angles in radians; distances in mm".
io::Attributes to_attributes(const Geometry& geometry);
/// Reads what to_attributes wrote; `subject` (a file or dataset name) prefixes errors. Missing or
/// mistyped attributes are IoError; a read geometry is validate()d.
Geometry from_attributes(const io::Attributes& attributes, const std::string& subject);

}  // namespace tweed::ct

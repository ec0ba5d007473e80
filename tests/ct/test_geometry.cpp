// CT geometry: conventions of the bin positions, validation errors naming the field, and the HDF5
// attribute round trip (through a real file).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "expect_error.hpp"
#include "test_files.hpp"
#include "tweed/ct/geometry.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::ct {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(CtGeometry, BinNOver2SitsOnTheAxis) {
  Geometry g;
  g.detectors = 8;
  EXPECT_DOUBLE_EQ(g.bin_position(4), 0.0);
  EXPECT_DOUBLE_EQ(g.bin_position(0), -4.0);
  g.detector_offset = 0.5;
  g.detector_spacing = 2.0;
  EXPECT_DOUBLE_EQ(g.bin_position(4), 1.0);
  g.detectors = 7;  // odd: the middle bin 3 is N/2
  g.detector_offset = 0;
  EXPECT_DOUBLE_EQ(g.bin_position(3), 0.0);
}

TEST(CtGeometry, ViewsCoverAHalfOpenRange) {
  Geometry g;
  g.views = 4;
  g.start_angle = 0.25;
  EXPECT_DOUBLE_EQ(g.view_angle(0), 0.25);
  EXPECT_DOUBLE_EQ(g.view_angle(2), 0.25 + kPi);
  EXPECT_TRUE(g.full_scan());
  g.angular_range = kPi;
  EXPECT_FALSE(g.full_scan());
}

TEST(CtGeometry, ParallelFactoryCoversTheImage) {
  const Geometry g = parallel_geometry(256, 256, 720, 0.5);
  EXPECT_EQ(g.detectors % 2, 1);
  EXPECT_GE(double(g.detectors) * g.detector_spacing, std::sqrt(2.0) * 256 * 0.5);
  EXPECT_EQ(g.sinogram_shape(), (Shape{720, g.detectors}));
}

TEST(CtGeometry, FanFactoryCoversTheCircumscribedCircle) {
  const Geometry g = fan_geometry(128, 128, 360, 200, 500.0, 1000.0);
  const double needed = std::asin(std::sqrt(2.0) * 64.0 / 500.0);
  EXPECT_GE(g.half_fan_angle(), needed - 1e-12);
  EXPECT_LT(g.half_fan_angle(), needed + 2 * g.detector_spacing);
  EXPECT_NEAR(fan_spacing_from_pitch(1.0, 1000.0), 1e-3, 1e-15);
}

TEST(CtGeometry, ValidationNamesTheField) {
  Geometry g;
  g.views = 0;
  EXPECT_TWEED_ERROR(g.validate(), InvalidInput, "views", "at least 1");
  g = Geometry{};
  g.pixel_size = -1;
  EXPECT_TWEED_ERROR(g.validate(), InvalidInput, "pixel_size", "positive");
  g = Geometry{};
  g.beam = Beam::fan;
  g.source_distance = 100;  // inside the 256 mm image
  g.detector_distance = 200;
  EXPECT_TWEED_ERROR(g.validate(), InvalidInput, "source_distance", "outside");
  EXPECT_TWEED_ERROR(parse_beam("cone"), InvalidInput, "geometry", "cone");
}

TEST(CtGeometry, AttributesRoundTripThroughHdf5) {
  tweed::test::TempDir dir;
  Geometry g = fan_geometry(64, 48, 90, 100, 300.0, 600.0, 0.75);
  g.detector_offset = 0.25;
  g.start_angle = 0.1;
  const std::string path = dir.file("sino.h5");
  io::write_hdf5(path, "sinogram", Array<float>(g.sinogram_shape()), {}, to_attributes(g));
  const io::Attributes a = io::H5Reader(path).attributes("sinogram");
  EXPECT_EQ(from_attributes(a, path), g);
  EXPECT_EQ(std::get<std::string>(a.at("ct_beam")), "fan");
}

TEST(CtGeometry, MissingOrBadAttributesAreIoErrors) {
  io::Attributes a = to_attributes(parallel_geometry(32, 32, 10));
  a.erase("ct_views");
  EXPECT_TWEED_ERROR(from_attributes(a, "scan.h5"), IoError, "scan.h5", "ct_views");
  a = to_attributes(parallel_geometry(32, 32, 10));
  a["ct_beam"] = std::string("cone");
  EXPECT_TWEED_ERROR(from_attributes(a, "scan.h5"), IoError, "scan.h5", "cone");
  a = to_attributes(parallel_geometry(32, 32, 10));
  a["ct_pixel_size"] = 0.0;
  EXPECT_TWEED_ERROR(from_attributes(a, "scan.h5"), IoError, "scan.h5", "pixel_size");
}

}  // namespace
}  // namespace tweed::ct

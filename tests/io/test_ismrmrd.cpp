// ISMRMRD reader: files written with libismrmrd itself (known k-space values, readout
// oversampling, noise and calibration acquisitions, repetitions, non-Cartesian data, damaged
// input) and files from ISMRMRD's own generator, ismrmrd_generate_cartesian_shepp_logan.
#include "tweed/io/ismrmrd.hpp"

#include <gtest/gtest.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/ismrmrd.h>
#include <ismrmrd/xml.h>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <numbers>
#include <sstream>

#include "expect_error.hpp"
#include "test_files.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"

// Asserts that `stmt` throws `Type` whose one-line message contains `path` and `part`.

namespace tweed::io {
namespace {

using test::TempDir;
using cf = std::complex<float>;

// Centred orthonormal DFT of a line, written out (independent of Tweed's FFT):
// X[u] = 1/sqrt(N) sum_x x[x] exp(-2 pi i (u - N/2)(x - N/2) / N), N even.
std::vector<cf> dft_centred(const std::vector<cf>& x) {
  const std::size_t n = x.size();
  std::vector<cf> out(n);
  for (std::size_t u = 0; u < n; ++u) {
    std::complex<double> acc{};
    for (std::size_t t = 0; t < n; ++t) {
      const double ph = -2.0 * std::numbers::pi * (double(u) - double(n / 2)) *
                        (double(t) - double(n / 2)) / double(n);
      acc += std::complex<double>(x[t]) * std::polar(1.0, ph);
    }
    out[u] = cf(acc / std::sqrt(double(n)));
  }
  return out;
}

// The image line of coil c, phase-encoding line y: non-zero only on the central half of the
// oversampled readout (the recon field of view), so oversampling removal keeps all of it.
std::vector<cf> image_line(int c, int y, int nx_encoded) {
  std::vector<cf> v(static_cast<std::size_t>(nx_encoded));
  const int q = nx_encoded / 4;
  for (int x = q; x < 3 * q; ++x)
    v[static_cast<std::size_t>(x)] =
        cf(0.5f + 0.1f * float(x) + float(c), 0.2f * float(y) - 0.05f * float(x));
  return v;
}

struct Spec {
  std::string trajectory = "cartesian";
  int ex = 16, rx = 8, ey = 6, ez = 1, channels = 2;
  std::vector<int> lines{0, 2, 3, 5};         // e1 of repetition 0
  std::vector<int> lines_rep1{};              // e1 of repetition 1
  int noise_samples = 0;                      // one noise acquisition of this length
  int traj_dims = 0;                          // trajectory dimensions on the imaging acquisitions
  int bad_e1 = -1;                            // an extra line with this (out of range) e1
  bool nan = false;                           // a NaN in the first imaging acquisition
  int other_channels = 0;                     // an extra line with this channel count
  std::vector<std::pair<int, int>> lines_3d;  // extra (e1, e2) lines of repetition 0
};

std::string header_xml(const Spec& s) {
  ISMRMRD::IsmrmrdHeader h;
  ISMRMRD::Encoding e;
  e.encodedSpace.matrixSize.x = static_cast<unsigned short>(s.ex);
  e.encodedSpace.matrixSize.y = static_cast<unsigned short>(s.ey);
  e.encodedSpace.matrixSize.z = static_cast<unsigned short>(s.ez);
  e.encodedSpace.fieldOfView_mm = {2.0f * float(s.rx), float(s.ey), 5.0f};
  e.reconSpace.matrixSize.x = static_cast<unsigned short>(s.rx);
  e.reconSpace.matrixSize.y = static_cast<unsigned short>(s.ey);
  e.reconSpace.matrixSize.z = static_cast<unsigned short>(s.ez);
  e.reconSpace.fieldOfView_mm = {float(s.rx), float(s.ey), 5.0f};
  ISMRMRD::Limit l1;
  l1.minimum = 0;
  l1.maximum = static_cast<unsigned short>(s.ey - 1);
  l1.center = static_cast<unsigned short>(s.ey / 2);
  e.encodingLimits.kspace_encoding_step_1 = l1;
  e.trajectory = s.trajectory == "radial" ? ISMRMRD::TrajectoryType::RADIAL
                                          : ISMRMRD::TrajectoryType::CARTESIAN;
  h.encoding.push_back(e);
  std::ostringstream out;
  ISMRMRD::serialize(h, out);
  return out.str();
}

ISMRMRD::Acquisition imaging(const Spec& s, int e1, int rep, int channels, int e2 = 0) {
  ISMRMRD::Acquisition a(static_cast<uint16_t>(s.ex), static_cast<uint16_t>(channels),
                         static_cast<uint16_t>(s.traj_dims));
  a.center_sample() = static_cast<uint16_t>(s.ex / 2);
  a.idx().kspace_encode_step_1 = static_cast<uint16_t>(e1);
  a.idx().repetition = static_cast<uint16_t>(rep);
  a.idx().kspace_encode_step_2 = static_cast<uint16_t>(e2);
  for (int c = 0; c < channels; ++c) {
    const std::vector<cf> k = dft_centred(image_line(c, e1 + 10 * rep, s.ex));
    for (int x = 0; x < s.ex; ++x)
      a.data(static_cast<uint16_t>(x), static_cast<uint16_t>(c)) = k[static_cast<std::size_t>(x)];
  }
  return a;
}

cf noise_value(int c, int t) {
  return cf(0.01f * float(t) - 0.3f * float(c), 0.02f * float(c * t) - 0.1f);
}

void write_file(const std::string& path, const Spec& s) {
  ISMRMRD::Dataset d(path.c_str(), "dataset", true);
  d.writeHeader(header_xml(s));
  if (s.noise_samples > 0) {
    ISMRMRD::Acquisition n(static_cast<uint16_t>(s.noise_samples),
                           static_cast<uint16_t>(s.channels));
    n.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT);
    for (int c = 0; c < s.channels; ++c)
      for (int t = 0; t < s.noise_samples; ++t)
        n.data(static_cast<uint16_t>(t), static_cast<uint16_t>(c)) = noise_value(c, t);
    d.appendAcquisition(n);
  }
  for (std::size_t i = 0; i < s.lines.size(); ++i) {
    ISMRMRD::Acquisition a = imaging(s, s.lines[i], 0, s.channels);
    // One calibration-only and one calibration-and-imaging line: both hold k-space to place.
    if (i == 1) a.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION);
    if (i == 2) a.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING);
    if (i == 0 && s.nan) a.data(3, 1) = cf(NAN, 0.0f);
    d.appendAcquisition(a);
  }
  for (int e1 : s.lines_rep1) d.appendAcquisition(imaging(s, e1, 1, s.channels));
  for (const auto& [e1, e2] : s.lines_3d) d.appendAcquisition(imaging(s, e1, 0, s.channels, e2));
  if (s.bad_e1 >= 0) d.appendAcquisition(imaging(s, s.bad_e1, 0, s.channels));
  if (s.other_channels > 0) d.appendAcquisition(imaging(s, 1, 0, s.other_channels));
}

// ---------------------------------------------------------------------------------------------

TEST(Ismrmrd, CartesianLinesLandOnTheGridWithOversamplingRemoved) {
  TempDir dir;
  const std::string path = dir.file("cart.h5");
  Spec s;
  write_file(path, s);
  EXPECT_TRUE(is_ismrmrd(path));
  const IsmrmrdCartesian r = read_ismrmrd_cartesian(path);
  ASSERT_EQ(r.kspace.shape(), (Shape{1, 2, 1, 6, 8}));
  EXPECT_EQ(r.encoded_x, 16);
  EXPECT_EQ(r.recon_x, 8);
  EXPECT_EQ(r.recon_y, 6);
  EXPECT_EQ(r.repetitions, 1);
  EXPECT_TRUE(r.noise.empty());
  ASSERT_EQ(r.sampled.shape(), (Shape{1, 6, 8}));
  for (int y = 0; y < 6; ++y) {
    const bool acquired = y == 0 || y == 2 || y == 3 || y == 5;
    for (int x = 0; x < 8; ++x) EXPECT_EQ(r.sampled(0, y, x), acquired ? 1.0f : 0.0f);
    for (int c = 0; c < 2; ++c) {
      // Expected: the centred DFT of the central half of the image line, on the recon matrix.
      std::vector<cf> img = image_line(c, y, 16);
      const std::vector<cf> want = dft_centred(std::vector<cf>(img.begin() + 4, img.begin() + 12));
      for (int x = 0; x < 8; ++x) {
        const cf got = r.kspace(0, c, 0, y, x);
        if (!acquired) {
          EXPECT_EQ(got, cf{}) << "unsampled line " << y;
        } else {
          EXPECT_NEAR(got.real(), want[std::size_t(x)].real(), 2e-5) << c << " " << y << " " << x;
          EXPECT_NEAR(got.imag(), want[std::size_t(x)].imag(), 2e-5) << c << " " << y << " " << x;
        }
      }
    }
  }
  EXPECT_EQ(r.summary["used_acquisitions"], 4);
  EXPECT_EQ(r.summary["calibration_acquisitions"], 1);
  EXPECT_EQ(r.summary["calibration_and_imaging_acquisitions"], 1);
  EXPECT_EQ(r.summary["trajectory"], "cartesian");
  EXPECT_NE(r.header_xml.find("ismrmrdHeader"), std::string::npos);
}

TEST(Ismrmrd, NoOversamplingKeepsSamplesAsWritten) {
  TempDir dir;
  const std::string path = dir.file("plain.h5");
  Spec s;
  s.rx = 16;  // recon x = encoded x
  write_file(path, s);
  const IsmrmrdCartesian r = read_ismrmrd_cartesian(path);
  ASSERT_EQ(r.kspace.shape(), (Shape{1, 2, 1, 6, 16}));
  const std::vector<cf> want = dft_centred(image_line(1, 3, 16));
  for (int x = 0; x < 16; ++x) EXPECT_EQ(r.kspace(0, 1, 0, 3, x), want[std::size_t(x)]);
}

TEST(Ismrmrd, NoiseAcquisitionsBecomeNoiseSamples) {
  TempDir dir;
  const std::string path = dir.file("noise.h5");
  Spec s;
  s.noise_samples = 32;
  write_file(path, s);
  const IsmrmrdCartesian r = read_ismrmrd_cartesian(path);
  ASSERT_EQ(r.noise.shape(), (Shape{2, 32}));
  for (int c = 0; c < 2; ++c)
    for (int t = 0; t < 32; ++t) EXPECT_EQ(r.noise(c, t), noise_value(c, t));
  EXPECT_EQ(r.summary["noise_acquisitions"], 1);
  EXPECT_EQ(r.summary["used_acquisitions"], 4);  // the noise line is not placed on the grid
}

TEST(Ismrmrd, ReadsTheChosenRepetition) {
  TempDir dir;
  const std::string path = dir.file("reps.h5");
  Spec s;
  s.lines_rep1 = {1, 4};
  write_file(path, s);
  const IsmrmrdCartesian r1 = read_ismrmrd_cartesian(path, "dataset", 1);
  EXPECT_EQ(r1.repetitions, 2);
  for (int y = 0; y < 6; ++y) EXPECT_EQ(r1.sampled(0, y, 0), (y == 1 || y == 4) ? 1.0f : 0.0f);
  const std::vector<cf> img = image_line(0, 4 + 10, 16);
  const std::vector<cf> want = dft_centred(std::vector<cf>(img.begin() + 4, img.begin() + 12));
  EXPECT_NEAR(std::abs(r1.kspace(0, 0, 0, 4, 5) - want[5]), 0.0, 2e-5);
  EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(path, "dataset", 5), InvalidInput, path,
                     "repetition 5");
}

TEST(Ismrmrd, ThreeDimensionalEncodingUsesE2) {
  TempDir dir;
  const std::string path = dir.file("3d.h5");
  Spec s;
  s.ez = 3;
  s.lines = {0};  // (e1 0, e2 0)
  s.lines_3d = {{1, 2}, {4, 1}};
  write_file(path, s);
  const IsmrmrdCartesian r = read_ismrmrd_cartesian(path);
  ASSERT_EQ(r.kspace.shape(), (Shape{1, 2, 3, 6, 8}));
  for (int z = 0; z < 3; ++z)
    for (int y = 0; y < 6; ++y) {
      const bool want = (z == 0 && y == 0) || (z == 2 && y == 1) || (z == 1 && y == 4);
      EXPECT_EQ(r.sampled(z, y, 3), want ? 1.0f : 0.0f) << z << " " << y;
      EXPECT_EQ(r.kspace(0, 1, z, y, 3) != cf{}, want) << z << " " << y;
    }
  s.lines_3d = {{1, 3}};  // e2 beyond the 3 partitions
  write_file(dir.file("3d_bad.h5"), s);
  EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(dir.file("3d_bad.h5")), InvalidInput,
                     dir.file("3d_bad.h5"), "e2 3");
}

TEST(Ismrmrd, RadialHeaderIsUnsupported) {
  TempDir dir;
  const std::string path = dir.file("radial.h5");
  Spec s;
  s.trajectory = "radial";
  write_file(path, s);
  EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(path), Unsupported, path, "radial");
}

TEST(Ismrmrd, AcquisitionWithTrajectoryIsUnsupported) {
  TempDir dir;
  const std::string path = dir.file("traj.h5");
  Spec s;
  s.traj_dims = 2;  // Cartesian header, but the acquisitions carry k-space coordinates
  write_file(path, s);
  EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(path), Unsupported, path, "non-Cartesian");
}

TEST(Ismrmrd, BadInputsGiveOneClearError) {
  TempDir dir;
  {
    Spec s;
    s.bad_e1 = 9;  // the matrix has 6 lines
    write_file(dir.file("e1.h5"), s);
    EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(dir.file("e1.h5")), InvalidInput, dir.file("e1.h5"),
                       "outside the encoded matrix");
  }
  {
    Spec s;
    s.nan = true;
    write_file(dir.file("nan.h5"), s);
    EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(dir.file("nan.h5")), InvalidInput, dir.file("nan.h5"),
                       "NaN");
  }
  {
    Spec s;
    s.other_channels = 3;
    write_file(dir.file("ch.h5"), s);
    EXPECT_TWEED_ERROR(read_ismrmrd_cartesian(dir.file("ch.h5")), InvalidInput, dir.file("ch.h5"),
                       "channels");
  }
  // An HDF5 file without /dataset/data, a text file, a missing file, a truncated file.
  {
    ISMRMRD::Dataset d(dir.file("empty.h5").c_str(), "dataset", true);
    d.writeHeader(header_xml(Spec{}));
  }
  EXPECT_FALSE(is_ismrmrd(dir.file("empty.h5")));
  EXPECT_IO_ERROR(read_ismrmrd_cartesian(dir.file("empty.h5")), dir.file("empty.h5"),
                  "no /dataset/data");
  test::write_bytes(dir.file("text.h5"), "not hdf5 at all");
  EXPECT_FALSE(is_ismrmrd(dir.file("text.h5")));
  EXPECT_IO_ERROR(read_ismrmrd_cartesian(dir.file("text.h5")), dir.file("text.h5"),
                  "not an HDF5 file");
  EXPECT_FALSE(is_ismrmrd(dir.file("missing.h5")));
  EXPECT_IO_ERROR(read_ismrmrd_cartesian(dir.file("missing.h5")), dir.file("missing.h5"),
                  "no such file");
  write_file(dir.file("cut.h5"), Spec{});
  test::truncate_file(dir.file("cut.h5"), 0.5);
  EXPECT_IO_ERROR(read_ismrmrd_cartesian(dir.file("cut.h5")), dir.file("cut.h5"), "cut.h5");
}

TEST(Ismrmrd, UnparsableHeaderIsAnIoError) {
  TempDir dir;
  const std::string path = dir.file("xml.h5");
  {
    ISMRMRD::Dataset d(path.c_str(), "dataset", true);
    d.writeHeader("<ismrmrdHeader><encoding>broken");
    d.appendAcquisition(imaging(Spec{}, 0, 0, 2));
  }
  EXPECT_IO_ERROR(read_ismrmrd_cartesian(path), path, "header does not parse");
}

TEST(Ismrmrd, ImageGroupsAndNdArrays) {
  TempDir dir;
  const std::string path = dir.file("images.h5");
  {
    ISMRMRD::Dataset d(path.c_str(), "dataset", true);
    d.writeHeader(header_xml(Spec{}));
    d.appendAcquisition(imaging(Spec{}, 0, 0, 2));
    // An image group: 2 images of 5 (x) x 3 (y), one channel, float magnitudes.
    for (int n = 0; n < 2; ++n) {
      ISMRMRD::Image<float> im(5, 3, 1, 1);
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 5; ++x)
          im(static_cast<uint16_t>(x), static_cast<uint16_t>(y)) = float(100 * n + 10 * y + x);
      d.appendImage("recon", im);
    }
    // An NDArray like the generator's "phantom": dims (x, y) = (4, 3), complex.
    ISMRMRD::NDArray<cf> arr(std::vector<size_t>{4, 3});
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x)
        arr(static_cast<uint16_t>(x), static_cast<uint16_t>(y)) = cf(float(x), float(y));
    d.appendNDArray("phantom", arr);
  }
  EXPECT_EQ(ismrmrd_image_groups(path), (std::vector<std::string>{"phantom", "recon"}));
  const Array<cfloat> rec = read_ismrmrd_images(path, "recon");
  ASSERT_EQ(rec.shape(), (Shape{2, 1, 3, 5}));
  for (int n = 0; n < 2; ++n)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 5; ++x) EXPECT_EQ(rec(n, 0, y, x), cf(float(100 * n + 10 * y + x), 0.0f));
  const Array<cfloat> ph = read_ismrmrd_images(path, "phantom");
  ASSERT_EQ(ph.shape(), (Shape{1, 1, 3, 4}));
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_EQ(ph(0, 0, y, x), cf(float(x), float(y)));
  EXPECT_IO_ERROR(read_ismrmrd_images(path, "nothing"), path, "has: phantom, recon");
}

// ---------------------------------------------------------------------------------------------
// ISMRMRD's own generator (Debian package ismrmrd-tools). A missing binary fails these tests: the
// project's setup installs it, and the docs' worked example depends on it.

std::string generate(const TempDir& dir, const std::string& name, const std::string& flags) {
  const std::string path = dir.file(name);
  const std::string cmd = "ismrmrd_generate_cartesian_shepp_logan " + flags + " -o '" + path +
                          "' > '" + dir.file(name + ".log") + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "could not run: " << cmd << " (is ismrmrd-tools installed?)\n"
                   << test::read_bytes(dir.file(name + ".log"));
  return path;
}

TEST(IsmrmrdGenerator, NoiselessFileMatchesItsCoilImages) {
  TempDir dir;
  const std::string path = generate(dir, "gen.h5", "-m 32 -c 4 -n 0");
  ASSERT_TRUE(is_ismrmrd(path));
  const IsmrmrdCartesian r = read_ismrmrd_cartesian(path);
  ASSERT_EQ(r.kspace.shape(), (Shape{1, 4, 1, 32, 32}));
  EXPECT_EQ(r.encoded_x, 64);
  EXPECT_EQ(r.recon_x, 32);
  EXPECT_EQ(r.repetitions, 1);
  EXPECT_TRUE(r.noise.empty());
  for (index_t i = 0; i < r.sampled.size(); ++i) ASSERT_EQ(r.sampled[i], 1.0f);
  EXPECT_EQ(ismrmrd_image_groups(path),
            (std::vector<std::string>{"coil_images", "csm", "phantom"}));
  // The generator's coil images are [coils, y, 2x] on the oversampled field of view: the image of
  // our k-space must be their centre, value for value (same axes, no flips).
  const Array<cfloat> coil = read_ismrmrd_images(path, "coil_images");
  ASSERT_EQ(coil.shape(), (Shape{4, 1, 32, 64}));
  Array<cfloat> img = r.kspace;
  fft::ifftc(img, {3, 4});
  double err = 0.0, ref = 0.0;
  for (int c = 0; c < 4; ++c)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) {
        err = std::max(err, double(std::abs(img(0, c, 0, y, x) - coil(c, 0, y, x + 16))));
        ref = std::max(ref, double(std::abs(coil(c, 0, y, x + 16))));
      }
  EXPECT_LT(err, 1e-5 * ref) << "max |difference| " << err << " of " << ref;
  const Array<cfloat> ph = read_ismrmrd_images(path, "phantom");
  EXPECT_EQ(ph.shape(), (Shape{1, 1, 32, 32}));
}

TEST(IsmrmrdGenerator, NoiseAndAccelerationFrames) {
  TempDir dir;
  const std::string path = generate(dir, "acc.h5", "-m 32 -c 4 -a 2 -w 8 -C");
  const IsmrmrdCartesian r = read_ismrmrd_cartesian(path);
  EXPECT_EQ(r.repetitions, 2);  // -a 2 writes two interleaved frames
  ASSERT_EQ(r.noise.rank(), 2);
  EXPECT_EQ(r.noise.dim(0), 4);
  EXPECT_GT(r.noise.dim(1), 0);
  // Frame 0: the even lines plus the 8 calibration lines around the centre 16.
  for (int y = 0; y < 32; ++y) {
    const bool want = y % 2 == 0 || (y >= 12 && y < 20);
    EXPECT_EQ(r.sampled(0, y, 0), want ? 1.0f : 0.0f) << y;
  }
  EXPECT_EQ(r.summary["calibration_acquisitions"], 4);
  const IsmrmrdCartesian r1 = read_ismrmrd_cartesian(path, "dataset", 1);
  for (int y = 0; y < 32; ++y)
    EXPECT_EQ(r1.sampled(0, y, 0), (y % 2 == 1 || (y >= 12 && y < 20)) ? 1.0f : 0.0f) << y;
}

}  // namespace
}  // namespace tweed::io

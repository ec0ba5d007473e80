// MRI inputs: every kind (BART, ISMRMRD, fastMRI, Tweed HDF5) round-trips from files written here
// with io::write_cfl, io::H5Writer, libismrmrd and the HDF5 C API, and from the files of BART
// and of ISMRMRD's generator; masks, maps and references load with their shape rules; and every
// documented error happens with a message naming the file.
#include "tweed/mri/dataset.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/xml.h>

#include <cmath>
#include <cstdlib>
#include <numeric>
#include <sstream>

#include "expect_error.hpp"
#include "test_files.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/io/cfl.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/io/png.hpp"

namespace tweed::mri {
namespace {

using test::TempDir;

Array<cfloat> random_kspace(const Shape& s, std::uint64_t seed) {
  Array<cfloat> k(s);
  fill_normal(k, CounterRng(seed));
  return k;
}

io::Attributes tweed_layout() {
  return {{"tweed_layout", std::string("mri-kspace")}};
}

std::string generate(const TempDir& dir, const std::string& name, const std::string& flags) {
  const std::string path = dir.file(name);
  const std::string cmd =
      "ismrmrd_generate_cartesian_shepp_logan " + flags + " -o '" + path + "' >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "ismrmrd-tools is needed: " << cmd;
  return path;
}

// Pearson correlation of two equally long arrays.
double correlation(const Array<float>& a, const Array<float>& b) {
  const double n = double(a.size());
  double ma = 0, mb = 0;
  for (index_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= n, mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (index_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// Root-sum-of-squares coil combination of the inverse FFT of k-space [C, Z, Y, X]: [Z, Y, X].
Array<float> rss_image(const Array<cfloat>& k) {
  Array<cfloat> img = k;
  fft::ifftc(img, {1, 2, 3});
  const Shape s = k.shape().drop_front();
  Array<float> out(s);
  for (index_t c = 0; c < k.dim(0); ++c)
    for (index_t i = 0; i < s.size(); ++i) out[i] += std::norm(img[c * s.size() + i]);
  for (index_t i = 0; i < s.size(); ++i) out[i] = std::sqrt(out[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// BART

TEST(LoadMriInput, BartKspaceWithZerosAsTheMask) {
  TempDir dir;
  Array<cfloat> k = random_kspace(Shape{3, 1, 8, 10}, 1);
  for (index_t c = 0; c < 3; ++c)
    for (index_t x = 0; x < 10; ++x) k(c, 0, 5, x) = cfloat{};  // line y = 5 not sampled
  const std::string name = dir.file("ksp");
  io::write_cfl(name, k);
  for (const std::string& p : {name, name + ".cfl", name + ".hdr"}) {
    const MriInput in = load_mri_input(p);
    EXPECT_EQ(in.kind, "bart");
    ASSERT_EQ(in.slices.size(), 1u);
    ASSERT_EQ(in.slices[0].shape(), k.shape());
    for (index_t i = 0; i < k.size(); ++i) ASSERT_EQ(in.slices[0][i], k[i]);
    ASSERT_EQ(in.mask.shape(), (Shape{1, 8, 10}));
    for (index_t y = 0; y < 8; ++y) EXPECT_EQ(in.mask(0, y, 0), y == 5 ? 0.0f : 1.0f);
    EXPECT_TRUE(in.maps.empty());
    EXPECT_EQ(in.metadata["coils"], 3);
  }
  k(1, 0, 2, 3) = cfloat(NAN, 0.0f);
  io::write_cfl(dir.file("nan"), k);
  EXPECT_TWEED_ERROR(load_mri_input(dir.file("nan")), InvalidInput, dir.file("nan"), "NaN");
}

TEST(LoadMriInput, BartsOwnPhantom) {
  TempDir dir;
  const std::string name = dir.file("ph");
  const std::string cmd = "bart phantom -x 16 -s 4 -k '" + name + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "bart (Debian package) is needed";
  const MriInput in = load_mri_input(name);
  ASSERT_EQ(in.slices[0].shape(), (Shape{4, 1, 16, 16}));
  EXPECT_DOUBLE_EQ(in.metadata["sampling_fraction"].get<double>(), 1.0);
}

// ---------------------------------------------------------------------------------------------
// ISMRMRD

TEST(LoadMriInput, IsmrmrdGeneratorFileLinesUpWithItsPhantom) {
  TempDir dir;
  const std::string path = generate(dir, "gen.h5", "-m 64 -c 8 -C");
  const MriInput in = load_mri_input(path);
  EXPECT_EQ(in.kind, "ismrmrd");
  ASSERT_EQ(in.slices.size(), 1u);
  ASSERT_EQ(in.slices[0].shape(), (Shape{8, 1, 64, 64}));
  ASSERT_EQ(in.reference.shape(), (Shape{1, 64, 64}));
  ASSERT_EQ(in.mask.shape(), (Shape{1, 64, 64}));
  EXPECT_DOUBLE_EQ(in.metadata["sampling_fraction"].get<double>(), 1.0);
  // The generator's noise has SD 0.05 per real component: variance 0.005 per complex sample.
  const nlohmann::json& noise = in.metadata["noise"];
  EXPECT_TRUE(noise["prewhitened"].get<bool>());
  ASSERT_EQ(noise["variances"].size(), 8u);
  for (const auto& v : noise["variances"]) EXPECT_NEAR(v.get<double>(), 0.005, 0.0015);
  // The RSS of the fully sampled coil images is the phantom seen through the coil magnitudes:
  // it must correlate strongly with the phantom, pixel for pixel, in the same orientation.
  const Array<float> rss = rss_image(in.slices[0]);
  const double corr = correlation(rss, in.reference);
  std::cout << "[ measure  ] corr(RSS of the whitened generator k-space, phantom) = " << corr
            << "\n";
  EXPECT_GT(corr, 0.95);
  // A transposed or flipped image would not line up.
  Array<float> flipped(rss.shape());
  for (index_t y = 0; y < 64; ++y)
    for (index_t x = 0; x < 64; ++x) flipped(0, y, x) = rss(0, 63 - y, x);
  EXPECT_LT(correlation(flipped, in.reference), corr - 0.1);
}

TEST(LoadMriInput, IsmrmrdPrewhiteningScalesByTheNoise) {
  TempDir dir;
  const std::string path = generate(dir, "gen.h5", "-m 32 -c 4 -C");
  LoadOptions raw;
  raw.prewhiten = false;
  const MriInput a = load_mri_input(path, raw);
  const MriInput b = load_mri_input(path);
  EXPECT_FALSE(a.metadata["noise"]["prewhitened"].get<bool>());
  EXPECT_TRUE(b.metadata["noise"]["prewhitened"].get<bool>());
  // Nearly uncorrelated coils of variance ~0.005: whitening divides by about sqrt(0.005).
  double na = 0, nb = 0;
  for (index_t i = 0; i < a.slices[0].size(); ++i)
    na += std::norm(a.slices[0][i]), nb += std::norm(b.slices[0][i]);
  EXPECT_NEAR(std::sqrt(nb / na), 1.0 / std::sqrt(0.005), 0.25 / std::sqrt(0.005));
  // Without noise acquisitions nothing is whitened.
  const MriInput c = load_mri_input(generate(dir, "quiet.h5", "-m 32 -c 4"));
  EXPECT_FALSE(c.metadata["noise"]["prewhitened"].get<bool>());
  EXPECT_EQ(c.metadata["noise"]["samples"], 0);
}

TEST(LoadMriInput, IsmrmrdUndersampledFramesGiveTheMask) {
  TempDir dir;
  const std::string path = generate(dir, "acc.h5", "-m 32 -c 4 -a 4 -w 8");
  LoadOptions opt;
  opt.repetition = 1;
  const MriInput in = load_mri_input(path, opt);
  for (index_t y = 0; y < 32; ++y) {
    const bool want = (y - 1) % 4 == 0 || (y >= 12 && y < 20);
    EXPECT_EQ(in.mask(0, y, 7), want ? 1.0f : 0.0f) << y;
  }
  EXPECT_EQ(in.metadata["ismrmrd"]["repetitions"], 4);
}

std::string radial_file(const TempDir& dir) {
  const std::string path = dir.file("radial.h5");
  ISMRMRD::IsmrmrdHeader h;
  ISMRMRD::Encoding e;
  e.encodedSpace.matrixSize.x = 16;
  e.encodedSpace.matrixSize.y = 16;
  e.reconSpace.matrixSize.x = 16;
  e.reconSpace.matrixSize.y = 16;
  e.trajectory = ISMRMRD::TrajectoryType::RADIAL;
  h.encoding.push_back(e);
  std::ostringstream xml;
  ISMRMRD::serialize(h, xml);
  ISMRMRD::Dataset d(path.c_str(), "dataset", true);
  d.writeHeader(xml.str());
  ISMRMRD::Acquisition a(16, 2, 2);
  d.appendAcquisition(a);
  return path;
}

TEST(LoadMriInput, NonCartesianIsmrmrdIsUnsupported) {
  TempDir dir;
  const std::string path = radial_file(dir);
  EXPECT_TWEED_ERROR(load_mri_input(path), Unsupported, path, "radial");
}

// ---------------------------------------------------------------------------------------------
// fastMRI

void write_complex(hid_t f, const char* name, const std::vector<hsize_t>& dims,
                   const std::vector<cfloat>& v) {
  const hid_t t = H5Tcreate(H5T_COMPOUND, 8);
  H5Tinsert(t, "r", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(t, "i", 4, H5T_NATIVE_FLOAT);
  const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(f, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(space);
  H5Tclose(t);
}

void write_floats(hid_t f, const char* name, const std::vector<hsize_t>& dims,
                  const std::vector<float>& v) {
  const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(f, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(space);
}

void write_text(hid_t f, const char* name, const std::string& text) {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, text.size());
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t d = H5Dcreate2(f, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
  H5Dclose(d);
  H5Sclose(space);
  H5Tclose(t);
}

std::string fastmri_header(int h, int w, int rh, int rw) {
  auto m = [](int x, int y) {
    return "<matrixSize><x>" + std::to_string(x) + "</x><y>" + std::to_string(y) +
           "</y><z>1</z></matrixSize><fieldOfView_mm><x>1</x><y>1</y><z>1</z></fieldOfView_mm>";
  };
  return "<?xml version=\"1.0\"?><ismrmrdHeader xmlns=\"http://www.ismrm.org/ISMRMRD\">"
         "<experimentalConditions><H1resonanceFrequency_Hz>1</H1resonanceFrequency_Hz>"
         "</experimentalConditions><encoding><encodedSpace>" +
         m(h, w) + "</encodedSpace><reconSpace>" + m(rh, rw) +
         "</reconSpace><encodingLimits/><trajectory>cartesian</trajectory></encoding>"
         "</ismrmrdHeader>";
}

// A fastMRI-like volume: 3 slices, 2 coils, H = 8 (readout), W = 6; mask along W.
std::string fastmri_file(const TempDir& dir, bool with_rss) {
  const std::string path = dir.file("fastmri.h5");
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<cfloat> k(3 * 2 * 8 * 6);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = cfloat(float(i), 1.0f);
  write_complex(f, "kspace", {3, 2, 8, 6}, k);
  write_floats(f, "mask", {6}, {1, 0, 0, 1, 1, 0});
  if (with_rss) {
    std::vector<float> rss(3 * 4 * 4);
    std::iota(rss.begin(), rss.end(), 0.0f);
    write_floats(f, "reconstruction_rss", {3, 4, 4}, rss);
  }
  write_text(f, "ismrmrd_header", fastmri_header(8, 6, 4, 4));
  H5Fclose(f);
  return path;
}

TEST(LoadMriInput, FastMriSlicesAsABatch) {
  TempDir dir;
  const std::string path = fastmri_file(dir, true);
  const MriInput in = load_mri_input(path);
  EXPECT_EQ(in.kind, "fastmri");
  ASSERT_EQ(in.slices.size(), 3u);
  for (index_t s = 0; s < 3; ++s) {
    ASSERT_EQ(in.slices[std::size_t(s)].shape(), (Shape{2, 1, 8, 6}));
    // fastMRI [s, c, h, w] -> slice s, [c, 0, y = h, x = w]
    EXPECT_EQ(in.slices[std::size_t(s)](1, 0, 7, 2).real(), float(((s * 2 + 1) * 8 + 7) * 6 + 2));
  }
  ASSERT_EQ(in.mask.shape(), (Shape{1, 8, 6}));
  const float want[6] = {1, 0, 0, 1, 1, 0};
  for (index_t y = 0; y < 8; ++y)
    for (index_t x = 0; x < 6; ++x) EXPECT_EQ(in.mask(0, y, x), want[x]);
  EXPECT_EQ(in.crop, (Grid{1, 4, 4}));
  const Array<float> ref = load_reference(path);
  ASSERT_EQ(ref.shape(), (Shape{3, 4, 4}));
  EXPECT_EQ(ref(2, 3, 1), float(2 * 16 + 3 * 4 + 1));
}

TEST(LoadReference, FastMriWithoutRssIsAnError) {
  TempDir dir;
  const std::string path = fastmri_file(dir, false);
  EXPECT_IO_ERROR(load_reference(path), path, "reconstruction_rss");
}

// ---------------------------------------------------------------------------------------------
// Tweed HDF5

TEST(LoadMriInput, TweedFileWithMapsMaskAndTruth) {
  TempDir dir;
  const std::string path = dir.file("sim.h5");
  const Array<cfloat> k = random_kspace(Shape{4, 1, 6, 8}, 2);
  const Array<cfloat> maps = random_kspace(Shape{2, 4, 1, 6, 8}, 3);
  Array<float> mask(Shape{1, 6, 8}, 1.0f);
  mask(0, 2, 3) = 0.0f;
  const Array<cfloat> image = random_kspace(Shape{2, 1, 6, 8}, 4);
  {
    io::H5Writer w(path);
    w.write("kspace", k, {}, tweed_layout());
    w.write("maps", maps);
    w.write("mask", mask);
    w.write("image", image);
    w.commit();
  }
  const MriInput in = load_mri_input(path);
  EXPECT_EQ(in.kind, "tweed");
  ASSERT_EQ(in.slices.size(), 1u);
  for (index_t i = 0; i < k.size(); ++i) ASSERT_EQ(in.slices[0][i], k[i]);
  ASSERT_EQ(in.maps.shape(), maps.shape());
  for (index_t i = 0; i < maps.size(); ++i) ASSERT_EQ(in.maps[i], maps[i]);
  EXPECT_EQ(in.mask(0, 2, 3), 0.0f);
  EXPECT_EQ(in.mask(0, 2, 4), 1.0f);
  ASSERT_EQ(in.reference.shape(), (Shape{1, 6, 8}));
  const float rss = std::sqrt(std::norm(image(0, 0, 3, 5)) + std::norm(image(1, 0, 3, 5)));
  EXPECT_NEAR(in.reference(0, 3, 5), rss, 1e-6f * rss);
  // load_reference gives the same truth; load_maps reads the same maps.
  const Array<float> ref = load_reference(path);
  EXPECT_NEAR(ref(0, 3, 5), rss, 1e-6f * rss);
  const Array<cfloat> m2 = load_maps(path, Grid{1, 6, 8}, 4);
  EXPECT_EQ(m2(1, 3, 0, 5, 7), maps(1, 3, 0, 5, 7));
}

TEST(LoadMriInput, TweedFileErrorsNameTheFile) {
  TempDir dir;
  const Array<cfloat> k = random_kspace(Shape{4, 1, 6, 8}, 2);
  {
    io::H5Writer w(dir.file("maps.h5"));
    w.write("kspace", k, {}, tweed_layout());
    w.write("maps", random_kspace(Shape{1, 4, 1, 6, 7}, 3));
    w.commit();
  }
  EXPECT_TWEED_ERROR(load_mri_input(dir.file("maps.h5")), ShapeMismatch, dir.file("maps.h5"),
                     "dataset 'maps'");
  {
    io::H5Writer w(dir.file("mask.h5"));
    w.write("kspace", k, {}, tweed_layout());
    w.write("mask", Array<float>(Shape{1, 8, 6}));
    w.commit();
  }
  EXPECT_TWEED_ERROR(load_mri_input(dir.file("mask.h5")), ShapeMismatch, dir.file("mask.h5"),
                     "dataset 'mask'");
  {
    Array<cfloat> bad = k;
    bad[17] = cfloat(0.0f, INFINITY);
    io::H5Writer w(dir.file("inf.h5"));
    w.write("kspace", bad, {}, tweed_layout());
    w.commit();
  }
  EXPECT_TWEED_ERROR(load_mri_input(dir.file("inf.h5")), InvalidInput, dir.file("inf.h5"),
                     "NaN/Inf");
  // A "kspace" without the layout attribute is not taken for Tweed's.
  io::write_hdf5(dir.file("plain.h5"), "kspace", k);
  EXPECT_IO_ERROR(load_mri_input(dir.file("plain.h5")), dir.file("plain.h5"), "not an MRI input");
}

TEST(LoadMriInput, OtherFilesAreRefused) {
  TempDir dir;
  EXPECT_IO_ERROR(load_mri_input(dir.file("absent")), dir.file("absent"), "absent");
  test::write_bytes(dir.file("notes.txt"), "hello");
  EXPECT_IO_ERROR(load_mri_input(dir.file("notes.txt")), dir.file("notes.txt"), "not MRI k-space");
  io::write_png(dir.file("pic.png"), Array<float>(Shape{4, 4}, 1.0f));
  EXPECT_IO_ERROR(load_mri_input(dir.file("pic.png")), dir.file("pic.png"), "png");
}

// ---------------------------------------------------------------------------------------------
// Masks

TEST(LoadMask, ShapesBroadcastToTheGrid) {
  TempDir dir;
  const Grid grid{1, 6, 8};
  // A 1-D [Y] mask of phase-encoding lines (HDF5), and the same along X.
  Array<float> lines(Shape{6});
  lines[1] = lines[4] = 1.0f;
  io::write_hdf5(dir.file("lines.h5"), "mask", lines);
  const Array<float> m1 = load_mask(dir.file("lines.h5"), grid);
  ASSERT_EQ(m1.shape(), grid.shape());
  for (index_t y = 0; y < 6; ++y)
    for (index_t x = 0; x < 8; ++x) EXPECT_EQ(m1(0, y, x), lines[y]);
  Array<float> cols(Shape{8});
  cols[2] = 1.0f;
  io::write_hdf5(dir.file("cols.h5"), "pattern", cols);  // the file's only dataset
  const Array<float> m2 = load_mask(dir.file("cols.h5"), grid, 2);
  for (index_t y = 0; y < 6; ++y)
    for (index_t x = 0; x < 8; ++x) EXPECT_EQ(m2(0, y, x), x == 2 ? 1.0f : 0.0f);
  // A BART pattern [x = 1, y = 6] (complex, imaginary 0) broadcasts along x.
  Array<cfloat> bart(Shape{6, 1});
  bart(3, 0) = 1.0f;
  io::write_cfl(dir.file("pat"), bart);
  const Array<float> m3 = load_mask(dir.file("pat"), grid);
  for (index_t x = 0; x < 8; ++x) EXPECT_EQ(m3(0, 3, x), 1.0f);
  EXPECT_EQ(m3(0, 2, 0), 0.0f);
  // A full [Z, Y, X] NIfTI mask.
  Array<float> full(grid.shape());
  full(0, 5, 7) = 1.0f;
  io::write_image(dir.file("m.nii"), full);
  const Array<float> m4 = load_mask(dir.file("m.nii"), grid);
  EXPECT_EQ(m4(0, 5, 7), 1.0f);
  EXPECT_EQ(m4(0, 5, 6), 0.0f);
}

TEST(LoadMask, WrongMasksNameTheFileShapeAndGrid) {
  TempDir dir;
  const Grid grid{1, 6, 8};
  io::write_hdf5(dir.file("short.h5"), "mask", Array<float>(Shape{5}));
  EXPECT_TWEED_ERROR(load_mask(dir.file("short.h5"), grid), InvalidInput, dir.file("short.h5"),
                     "[5]");
  EXPECT_TWEED_ERROR(load_mask(dir.file("short.h5"), grid), InvalidInput, dir.file("short.h5"),
                     "1 x 6 x 8");
  io::write_hdf5(dir.file("big.h5"), "mask", Array<float>(Shape{7, 8}));
  EXPECT_TWEED_ERROR(load_mask(dir.file("big.h5"), grid), InvalidInput, dir.file("big.h5"),
                     "[7, 8]");
  Array<float> neg(Shape{6}, 1.0f);
  neg[2] = -1.0f;
  io::write_hdf5(dir.file("neg.h5"), "mask", neg);
  EXPECT_TWEED_ERROR(load_mask(dir.file("neg.h5"), grid), InvalidInput, dir.file("neg.h5"),
                     "negative");
  Array<cfloat> cplx(Shape{6, 1}, cfloat(1.0f, 0.5f));
  io::write_cfl(dir.file("cplx"), cplx);
  EXPECT_TWEED_ERROR(load_mask(dir.file("cplx"), grid), InvalidInput, dir.file("cplx"), "real");
  io::write_png(dir.file("m.png"), Array<float>(Shape{6, 8}, 1.0f));
  EXPECT_TWEED_ERROR(load_mask(dir.file("m.png"), grid), Unsupported, dir.file("m.png"), "PNG");
  {
    io::H5Writer w(dir.file("two.h5"));
    w.write("a", Array<float>(Shape{6}));
    w.write("b", Array<float>(Shape{6}));
    w.commit();
  }
  EXPECT_IO_ERROR(load_mask(dir.file("two.h5"), grid), dir.file("two.h5"), "a, b");
  EXPECT_THROW(load_mask(dir.file("short.h5"), grid, 0), InvalidInput);
}

// ---------------------------------------------------------------------------------------------
// Maps and references

TEST(LoadMaps, BartMapsAndShapeChecks) {
  TempDir dir;
  const Array<cfloat> maps = random_kspace(Shape{1, 3, 1, 6, 8}, 9);
  io::write_cfl(dir.file("sens"), maps);
  const Array<cfloat> m = load_maps(dir.file("sens"), Grid{1, 6, 8}, 3);
  ASSERT_EQ(m.shape(), maps.shape());
  for (index_t i = 0; i < m.size(); ++i) ASSERT_EQ(m[i], maps[i]);
  EXPECT_TWEED_ERROR(load_maps(dir.file("sens"), Grid{1, 6, 9}, 3, "ksp"), ShapeMismatch,
                     dir.file("sens"), "ksp (grid 1 x 6 x 9, 3 coils)");
  EXPECT_TWEED_ERROR(load_maps(dir.file("sens"), Grid{1, 6, 8}, 4, "ksp"), ShapeMismatch,
                     dir.file("sens"), "4 coils");
  // BART's own sensitivities fit BART's own k-space.
  const std::string k = dir.file("bk"), s = dir.file("bs");
  const std::string cmd = "bart phantom -x 12 -s 3 -k '" + k + "' >/dev/null 2>&1 && bart " +
                          "phantom -x 12 -S 3 '" + s + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "bart is needed";
  const MriInput in = load_mri_input(k);
  EXPECT_EQ(load_maps(s, kspace_grid(in.slices[0]), 3, k).shape(), (Shape{1, 3, 1, 12, 12}));
}

TEST(LoadReference, IsmrmrdPhantomBartImageAndPlainArrays) {
  TempDir dir;
  const std::string gen = generate(dir, "gen.h5", "-m 32 -c 2");
  const Array<float> ph = load_reference(gen);
  ASSERT_EQ(ph.shape(), (Shape{1, 32, 32}));
  EXPECT_GT(*std::max_element(ph.begin(), ph.end()), 0.5f);
  // A BART image [x, y] (complex) -> |.| as [1, y, x].
  Array<cfloat> img(Shape{4, 5});
  img(2, 3) = cfloat(3.0f, 4.0f);
  io::write_cfl(dir.file("img"), img);
  const Array<float> r1 = load_reference(dir.file("img"));
  ASSERT_EQ(r1.shape(), (Shape{1, 4, 5}));
  EXPECT_FLOAT_EQ(r1(0, 2, 3), 5.0f);
  // An HDF5 file with one real dataset and a NIfTI volume.
  io::write_hdf5(dir.file("ref.h5"), "truth", Array<float>(Shape{2, 4, 5}, -2.0f));
  const Array<float> r2 = load_reference(dir.file("ref.h5"));
  ASSERT_EQ(r2.shape(), (Shape{2, 4, 5}));
  EXPECT_EQ(r2[7], 2.0f);
  io::write_image(dir.file("ref.nii"), Array<float>(Shape{4, 5}, 1.5f));
  EXPECT_EQ(load_reference(dir.file("ref.nii")).shape(), (Shape{1, 4, 5}));
  Array<float> nan(Shape{4, 5});
  nan[3] = NAN;
  io::write_hdf5(dir.file("nan.h5"), "x", nan);
  EXPECT_TWEED_ERROR(load_reference(dir.file("nan.h5")), InvalidInput, dir.file("nan.h5"), "NaN");
}

}  // namespace
}  // namespace tweed::mri

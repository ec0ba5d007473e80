// Format detection (signatures first, extensions second) and the description `tweed info` prints.
#include <hdf5.h>

#include "nifti_bytes.hpp"
#include "test_files.hpp"
#include "tweed/io/cfl.hpp"
#include "tweed/io/describe.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/io/png.hpp"

namespace tweed::io {
namespace {

using test::TempDir;

TEST(Format, DetectsEveryFormat) {
  TempDir dir;
  write_hdf5(dir.file("a.h5"), "x", Array<float>(Shape{2}));
  write_png(dir.file("a.png"), Array<float>(Shape{2, 2}));
  write_image(dir.file("a.nii"), Array<float>(Shape{2, 2}));
  write_image(dir.file("a.nii.gz"), Array<float>(Shape{2, 2}));
  write_image(dir.file("a.mha"), Array<float>(Shape{2, 2}));
  write_image(dir.file("a.nrrd"), Array<float>(Shape{2, 2}));
  write_cfl(dir.file("k"), Array<cfloat>(Shape{2, 3}));
  EXPECT_EQ(detect_format(dir.file("a.h5")), Format::hdf5);
  EXPECT_EQ(detect_format(dir.file("a.png")), Format::png);
  EXPECT_EQ(detect_format(dir.file("a.nii")), Format::nifti);
  EXPECT_EQ(detect_format(dir.file("a.nii.gz")), Format::nifti);
  EXPECT_EQ(detect_format(dir.file("a.mha")), Format::metaimage);
  EXPECT_EQ(detect_format(dir.file("a.nrrd")), Format::nrrd);
  EXPECT_EQ(detect_format(dir.file("k")), Format::cfl);
  EXPECT_EQ(detect_format(dir.file("k.cfl")), Format::cfl);
  EXPECT_EQ(detect_format(dir.file("k.hdr")), Format::cfl);
  EXPECT_STREQ(format_name(Format::dicom_series), "dicom-series");

  // Signatures win over extensions; extensions decide for damaged files.
  std::filesystem::copy_file(dir.file("a.h5"), dir.file("really_hdf5.nii"));
  EXPECT_EQ(detect_format(dir.file("really_hdf5.nii")), Format::hdf5);
  test::write_bytes(dir.file("damaged.h5"), "garbage");
  EXPECT_EQ(detect_format(dir.file("damaged.h5")), Format::hdf5);
  test::write_bytes(dir.file("notes.txt"), "hello");
  EXPECT_EQ(detect_format(dir.file("notes.txt")), Format::unknown);
  EXPECT_EQ(detect_format(dir.path().string()), Format::unknown);  // no DICOM inside
  EXPECT_IO_ERROR(detect_format(dir.file("nothing")), dir.file("nothing"), "no such file");

  // A NIfTI pair header is also called .hdr: its binary header says so.
  test::NiftiSpec s;
  s.magic = "ni1";
  s.vox_offset = 0;
  const std::string pair = test::nifti_file(s, {});
  test::write_bytes(dir.file("pair.hdr"), pair.substr(0, 348));
  EXPECT_EQ(detect_format(dir.file("pair.hdr")), Format::nifti);
}

TEST(Format, Hdf5WithUserBlock) {
  TempDir dir;
  const std::string path = dir.file("ub.dat");
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  H5Pset_userblock(fcpl, 1024);
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  const hsize_t n = 3;
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(f, "v", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const double v[3] = {1, 2, 3};
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  H5Dclose(d);
  H5Sclose(space);
  H5Fclose(f);
  H5Pclose(fcpl);
  EXPECT_EQ(detect_format(path), Format::hdf5);
  EXPECT_EQ(read_hdf5<double>(path, "v")[2], 3.0);
}

TEST(Describe, Hdf5) {
  TempDir dir;
  const std::string path = dir.file("d.h5");
  {
    H5Writer w(path);
    H5WriteOptions opt;
    opt.gzip = 1;
    w.write("injection/signal", Array<cfloat>(Shape{4, 8}), opt,
            {{"units", std::string("strain")}});
    w.write("noise", Array<double>(Shape{16}));
    w.set_provenance(std::string(500, 'p'));
    w.commit();
  }
  const auto j = describe(path);
  EXPECT_EQ(j["format"], "hdf5");
  ASSERT_EQ(j["datasets"].size(), 2u);
  EXPECT_EQ(j["datasets"][0]["name"], "injection/signal");
  EXPECT_EQ(j["datasets"][0]["shape"], nlohmann::json({4, 8}));
  EXPECT_EQ(j["datasets"][0]["dtype"], "complex64");
  EXPECT_EQ(j["datasets"][0]["gzip"], 1);
  EXPECT_EQ(j["datasets"][0]["attributes"]["units"], "strain");
  EXPECT_EQ(j["datasets"][1]["dtype"], "float64");
  EXPECT_EQ(j["attributes"]["provenance"].get<std::string>().size(), 500u);
  const std::string text = describe_text(path);
  EXPECT_NE(text.find("injection/signal  complex64 [4, 8]"), std::string::npos) << text;
  EXPECT_NE(text.find("units = strain"), std::string::npos) << text;
  EXPECT_NE(text.find("(500 characters)"), std::string::npos) << text;
}

TEST(Describe, CflImagePngAndErrors) {
  TempDir dir;
  write_cfl(dir.file("k"), Array<cfloat>(Shape{8, 1, 6}));
  auto c = describe(dir.file("k.cfl"));
  EXPECT_EQ(c["format"], "cfl");
  EXPECT_EQ(c["shape"], nlohmann::json({8, 1, 6}));
  EXPECT_EQ(c["bart_dims"][0], 6);
  EXPECT_EQ(c["bart_dims"][2], 8);

  ImageMeta m;
  m.spacing = {0.5, 0.25, 3.0};
  write_image(dir.file("v.nii.gz"), Array<float>(Shape{2, 3, 4}), m);
  auto v = describe(dir.file("v.nii.gz"));
  EXPECT_EQ(v["format"], "nifti");
  EXPECT_EQ(v["images"][0]["shape"], nlohmann::json({2, 3, 4}));
  EXPECT_EQ(v["images"][0]["spacing"], nlohmann::json({0.5, 0.25, 3.0}));
  EXPECT_EQ(v["images"][0]["axis_order"], "xyz");
  EXPECT_NE(describe_text(dir.file("v.nii.gz")).find("spacing (x, y, z) = [0.5, 0.25, 3.0]"),
            std::string::npos)
      << describe_text(dir.file("v.nii.gz"));

  write_png(dir.file("p.png"), Array<float>(Shape{5, 7}));
  auto p = describe(dir.file("p.png"));
  EXPECT_EQ(p["width"], 7);
  EXPECT_EQ(p["height"], 5);
  EXPECT_EQ(p["color_type"], "gray");

  test::write_bytes(dir.file("t.txt"), "hello");
  EXPECT_EQ(describe(dir.file("t.txt"))["format"], "unknown");
  EXPECT_IO_ERROR(describe(dir.file("missing.h5")), dir.file("missing.h5"), "no such file");
  test::write_bytes(dir.file("bad.h5"), "\x89HDF\r\n\x1a\n and then nothing");
  EXPECT_IO_ERROR(describe(dir.file("bad.h5")), dir.file("bad.h5"), "");
}

}  // namespace
}  // namespace tweed::io

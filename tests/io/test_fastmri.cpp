// fastMRI reader: small fastMRI-like files written with the HDF5 C API in the types h5py uses
// (complex64 as the compound {r, i}, numpy bool as an int8 enum, the XML header as fixed-length
// bytes), one written by h5py itself, and the errors for each kind of bad file.
#include "tweed/io/fastmri.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <optional>

#include "expect_error.hpp"
#include "test_files.hpp"
#include "tweed/core/error.hpp"

namespace tweed::io {
namespace {

using test::TempDir;
using cf = std::complex<float>;

std::string fastmri_header(int enc_h, int enc_w, int recon_h, int recon_w) {
  auto space = [](int x, int y) {
    return "<matrixSize><x>" + std::to_string(x) + "</x><y>" + std::to_string(y) +
           "</y><z>1</z></matrixSize><fieldOfView_mm><x>280</x><y>140</y><z>4.5</z>"
           "</fieldOfView_mm>";
  };
  return "<?xml version=\"1.0\"?><ismrmrdHeader xmlns=\"http://www.ismrm.org/ISMRMRD\">"
         "<experimentalConditions><H1resonanceFrequency_Hz>127000000</H1resonanceFrequency_Hz>"
         "</experimentalConditions><encoding><encodedSpace>" +
         space(enc_h, enc_w) + "</encodedSpace><reconSpace>" + space(recon_h, recon_w) +
         "</reconSpace><encodingLimits/><trajectory>cartesian</trajectory></encoding>"
         "</ismrmrdHeader>";
}

cf kvalue(std::size_t i) {
  return cf(0.5f * float(i) - 7.0f, 0.25f - 0.125f * float(i));
}

// What to put in the file; std::nullopt leaves a dataset out.
struct FileSpec {
  std::vector<hsize_t> kshape{2, 3, 8, 6};  // [slices, coils, H, W]
  bool complex = true;
  std::optional<std::vector<std::int8_t>> bool_mask = std::vector<std::int8_t>{1, 0, 1, 1, 0, 1};
  std::optional<std::vector<float>> float_mask;
  bool rss = true;
  std::optional<std::string> header = fastmri_header(8, 6, 4, 4);
  bool nan = false;
  bool kspace = true;
};

void write_fastmri(const std::string& path, const FileSpec& s) {
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  std::size_t n = 1;
  for (hsize_t d : s.kshape) n *= d;
  if (s.kspace) {
    const hid_t space = H5Screate_simple(int(s.kshape.size()), s.kshape.data(), nullptr);
    if (s.complex) {
      const hid_t t = H5Tcreate(H5T_COMPOUND, 8);
      H5Tinsert(t, "r", 0, H5T_NATIVE_FLOAT);
      H5Tinsert(t, "i", 4, H5T_NATIVE_FLOAT);
      std::vector<cf> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = kvalue(i);
      if (s.nan) v[n / 2] = cf(0.0f, NAN);
      const hid_t d = H5Dcreate2(f, "kspace", t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      H5Dclose(d);
      H5Tclose(t);
    } else {
      std::vector<float> v(n, 1.0f);
      const hid_t d =
          H5Dcreate2(f, "kspace", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      H5Dclose(d);
    }
    H5Sclose(space);
  }
  if (s.bool_mask) {
    // h5py's numpy bool: an enum over int8 with FALSE = 0, TRUE = 1.
    const hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    std::int8_t no = 0, yes = 1;
    H5Tenum_insert(t, "FALSE", &no);
    H5Tenum_insert(t, "TRUE", &yes);
    const hsize_t len = s.bool_mask->size();
    const hid_t space = H5Screate_simple(1, &len, nullptr);
    const hid_t d = H5Dcreate2(f, "mask", t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.bool_mask->data());
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(t);
  }
  if (s.float_mask) {
    const hsize_t len = s.float_mask->size();
    const hid_t space = H5Screate_simple(1, &len, nullptr);
    const hid_t d =
        H5Dcreate2(f, "mask", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.float_mask->data());
    H5Dclose(d);
    H5Sclose(space);
  }
  if (s.rss) {
    const hsize_t dims[3] = {s.kshape[0], 4, 4};
    std::vector<float> v(s.kshape[0] * 16);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.1f * float(i);
    const hid_t space = H5Screate_simple(3, dims, nullptr);
    const hid_t d = H5Dcreate2(f, "reconstruction_rss", H5T_IEEE_F32LE, space, H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d);
    H5Sclose(space);
  }
  if (s.header) {
    // h5py stores Python bytes as a scalar fixed-length, null-padded string.
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, s.header->size());
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t d =
        H5Dcreate2(f, "ismrmrd_header", t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.header->data());
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(t);
  }
  {
    const std::string acq = "CORPD_FBK";
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, "acquisition", t, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* p = acq.c_str();
    H5Awrite(a, t, &p);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(t);
  }
  H5Fclose(f);
}

TEST(FastMri, RoundTripOfEveryDataset) {
  TempDir dir;
  const std::string path = dir.file("knee.h5");
  write_fastmri(path, FileSpec{});
  EXPECT_TRUE(is_fastmri(path));
  const FastMriVolume v = read_fastmri(path);
  ASSERT_EQ(v.kspace.shape(), (Shape{2, 3, 8, 6}));
  for (index_t i = 0; i < v.kspace.size(); ++i) ASSERT_EQ(v.kspace[i], kvalue(std::size_t(i))) << i;
  ASSERT_EQ(v.mask.shape(), (Shape{6}));
  const float want[6] = {1, 0, 1, 1, 0, 1};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(v.mask[i], want[i]);
  ASSERT_EQ(v.rss.shape(), (Shape{2, 4, 4}));
  EXPECT_FLOAT_EQ(v.rss[31], 3.1f);
  EXPECT_EQ(v.recon_h, 4);
  EXPECT_EQ(v.recon_w, 4);
  EXPECT_EQ(v.acquisition, "CORPD_FBK");
  // The fixed-length header is read whole: its last character survives.
  ASSERT_FALSE(v.header_xml.empty());
  EXPECT_EQ(v.header_xml.back(), '>');
}

TEST(FastMri, FloatMaskAndNoOptionalDatasets) {
  TempDir dir;
  const std::string path = dir.file("test.h5");
  FileSpec s;
  s.bool_mask.reset();
  s.float_mask = std::vector<float>{0, 1, 1, 0, 0, 1};
  s.rss = false;
  write_fastmri(path, s);
  const FastMriVolume v = read_fastmri(path);
  EXPECT_EQ(v.mask[1], 1.0f);
  EXPECT_EQ(v.mask[3], 0.0f);
  EXPECT_TRUE(v.rss.empty());
}

TEST(FastMri, SingleCoilVolumeHasOneCoil) {
  TempDir dir;
  const std::string path = dir.file("single.h5");
  FileSpec s;
  s.kshape = {2, 8, 6};
  s.rss = true;
  write_fastmri(path, s);
  EXPECT_TRUE(is_fastmri(path));
  const FastMriVolume v = read_fastmri(path);
  ASSERT_EQ(v.kspace.shape(), (Shape{2, 1, 8, 6}));
  EXPECT_EQ(v.kspace(1, 0, 7, 5), kvalue(2 * 48 - 1));
}

TEST(FastMri, BadFilesGiveOneClearError) {
  TempDir dir;
  {
    FileSpec s;
    s.kshape = {8, 6};
    s.rss = false;
    write_fastmri(dir.file("rank2.h5"), s);
    EXPECT_FALSE(is_fastmri(dir.file("rank2.h5")));
    EXPECT_TWEED_ERROR(read_fastmri(dir.file("rank2.h5")), InvalidInput, dir.file("rank2.h5"),
                       "[slices, coils, H, W]");
  }
  {
    FileSpec s;
    s.kspace = false;
    write_fastmri(dir.file("nok.h5"), s);
    EXPECT_FALSE(is_fastmri(dir.file("nok.h5")));
    EXPECT_IO_ERROR(read_fastmri(dir.file("nok.h5")), dir.file("nok.h5"), "no dataset 'kspace'");
  }
  {
    FileSpec s;
    s.nan = true;
    write_fastmri(dir.file("nan.h5"), s);
    EXPECT_TWEED_ERROR(read_fastmri(dir.file("nan.h5")), InvalidInput, dir.file("nan.h5"), "NaN");
  }
  {
    FileSpec s;
    s.complex = false;
    write_fastmri(dir.file("real.h5"), s);
    EXPECT_TWEED_ERROR(read_fastmri(dir.file("real.h5")), InvalidInput, dir.file("real.h5"),
                       "complex");
  }
  {
    FileSpec s;
    s.bool_mask = std::vector<std::int8_t>{1, 0, 1};
    write_fastmri(dir.file("mask.h5"), s);
    EXPECT_TWEED_ERROR(read_fastmri(dir.file("mask.h5")), ShapeMismatch, dir.file("mask.h5"),
                       "W = 6");
  }
  {
    FileSpec s;
    s.header = std::string("<ismrmrdHeader><encoding>");
    write_fastmri(dir.file("xml.h5"), s);
    EXPECT_IO_ERROR(read_fastmri(dir.file("xml.h5")), dir.file("xml.h5"), "ismrmrd_header");
  }
  test::write_bytes(dir.file("text.h5"), "plain text");
  EXPECT_FALSE(is_fastmri(dir.file("text.h5")));
  EXPECT_IO_ERROR(read_fastmri(dir.file("text.h5")), dir.file("text.h5"), "not an HDF5 file");
  EXPECT_FALSE(is_fastmri(dir.file("absent.h5")));
}

// A file written by h5py the way fastMRI's own files are (numpy complex64, numpy bool mask, the
// header as Python bytes, a string attribute): the Python side picks every type itself.
TEST(FastMri, ReadsAFileWrittenByH5py) {
  TempDir dir;
  const std::string path = dir.file("h5py.h5");
  const std::string script =
      "import h5py, numpy as np, sys\n"
      "k = (np.arange(2*3*8*6, dtype=np.float32) * 0.5 - 7).astype(np.complex64)\n"
      "k = k + 1j * (0.25 - 0.125 * np.arange(k.size, dtype=np.float32))\n"
      "with h5py.File(sys.argv[1], 'w') as f:\n"
      "    f['kspace'] = k.astype(np.complex64).reshape(2, 3, 8, 6)\n"
      "    f['mask'] = np.array([True, False, True, True, False, True])\n"
      "    f['ismrmrd_header'] = sys.argv[2].encode()\n"
      "    f.attrs['acquisition'] = 'CORPD_FBK'\n";
  test::write_bytes(dir.file("make.py"), script);
  const std::string cmd = "/usr/bin/python3 '" + dir.file("make.py") + "' '" + path + "' '" +
                          fastmri_header(8, 6, 4, 2) + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "/usr/bin/python3 with h5py is needed: " << cmd;
  ASSERT_TRUE(is_fastmri(path));
  const FastMriVolume v = read_fastmri(path);
  ASSERT_EQ(v.kspace.shape(), (Shape{2, 3, 8, 6}));
  for (index_t i = 0; i < v.kspace.size(); ++i) ASSERT_EQ(v.kspace[i], kvalue(std::size_t(i))) << i;
  const float want[6] = {1, 0, 1, 1, 0, 1};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(v.mask[i], want[i]);
  EXPECT_EQ(v.recon_h, 4);
  EXPECT_EQ(v.recon_w, 2);
  EXPECT_EQ(v.acquisition, "CORPD_FBK");
}

}  // namespace
}  // namespace tweed::io

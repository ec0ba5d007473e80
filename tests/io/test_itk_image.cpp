// ITK image formats: factory registration, round trips with geometry, axis order and geometry
// checked on hand-made NIfTI files, and the errors for damaged headers and data.
#include <itkImageIOFactory.h>
#include <zlib.h>

#include <cmath>

#include "nifti_bytes.hpp"
#include "test_files.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::io {
namespace {

using test::NiftiSpec;
using test::TempDir;

Array<float> ramp(const Shape& s) {
  Array<float> a(s);
  for (index_t i = 0; i < a.size(); ++i) a[i] = 0.5f * static_cast<float>(i) - 7.0f;
  return a;
}

void expect_near(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], 1e-5) << what << "[" << i << "]";
}

// x fastest: the voxel (x, y, z) of a 4 x 3 x 2 volume holds x + 10 y + 100 z.
std::vector<float> xyz_voxels() {
  std::vector<float> v;
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) v.push_back(static_cast<float>(x + 10 * y + 100 * z));
  return v;
}

class ImageRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(ImageRoundTrip, Volume3DWithGeometry) {
  TempDir dir;
  const std::string path = dir.file(std::string("vol") + GetParam());
  const Array<float> a = ramp(Shape{4, 5, 6});  // z = 4, y = 5, x = 6
  ImageMeta m;
  m.spacing = {0.5, 0.75, 2.0};
  m.origin = {-10.0, 5.0, 3.0};
  // Image x runs along physical y, image y along physical -x (a 90 degree turn about z).
  m.direction = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  write_image(path, a, m);
  EXPECT_TRUE(dir.temporaries().empty());
  const Image b = read_image(path);
  ASSERT_EQ(b.data.shape(), a.shape());
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(b.data[i], a[i]) << i;
  expect_near(b.meta.spacing, m.spacing, "spacing");
  expect_near(b.meta.origin, m.origin, "origin");
  expect_near(b.meta.direction, m.direction, "direction");
  const ImageHeader h = read_image_header(path);
  EXPECT_EQ(h.shape, (std::vector<index_t>{4, 5, 6}));
  EXPECT_EQ(h.stored_type, "float32");
}

TEST_P(ImageRoundTrip, Image2D) {
  TempDir dir;
  const std::string path = dir.file(std::string("img") + GetParam());
  const Array<float> a = ramp(Shape{5, 7});
  ImageMeta m;
  m.spacing = {0.25, 0.5};
  m.origin = {1.0, 2.0};
  write_image(path, a, m);
  const Image b = read_image(path);
  ASSERT_EQ(b.data.shape(), a.shape());
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(b.data[i], a[i]);
  expect_near(b.meta.spacing, m.spacing, "spacing");
  expect_near(b.meta.origin, m.origin, "origin");
}

INSTANTIATE_TEST_SUITE_P(Formats, ImageRoundTrip,
                         ::testing::Values(".nii", ".nii.gz", ".mha", ".nrrd"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '.') c = '_';
                           return "ext" + s;
                         });

TEST(ItkImage, FactoriesAreRegistered) {
  TempDir dir;
  // Writing registers the factories; ITK's own lookup must then find an IO for each format.
  for (const char* ext : {".nii", ".nii.gz", ".mha", ".nrrd"}) {
    const std::string path = dir.file(std::string("f") + ext);
    write_image(path, ramp(Shape{2, 3}));
    auto io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
    EXPECT_TRUE(io) << ext;
  }
  auto gdcm =
      itk::ImageIOFactory::CreateImageIO(dir.file("x.dcm").c_str(), itk::IOFileModeEnum::WriteMode);
  ASSERT_TRUE(gdcm);
  EXPECT_STREQ(gdcm->GetNameOfClass(), "GDCMImageIO");
}

TEST(ItkImage, HandMadeNiftiAxisOrder) {
  TempDir dir;
  NiftiSpec s;
  s.pixdim[1] = 0.5f;
  s.pixdim[2] = 0.25f;
  s.pixdim[3] = 2.0f;
  const std::string path = dir.file("hand.nii");
  test::write_bytes(path, test::nifti_file(s, xyz_voxels()));
  const Image img = read_image(path);
  ASSERT_EQ(img.data.shape(), (Shape{2, 3, 4}));  // [z, y, x]
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) EXPECT_EQ(img.data(z, y, x), x + 10 * y + 100 * z);
  expect_near(img.meta.spacing, {0.5, 0.25, 2.0}, "spacing (x, y, z)");

  // The same file gzip-compressed.
  const std::string gz = dir.file("hand.nii.gz");
  const std::string bytes = test::read_bytes(path);
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  EXPECT_EQ(read_image(gz).data(1, 2, 3), 123.0f);
}

TEST(ItkImage, NiftiPairHdrImg) {
  TempDir dir;
  NiftiSpec s;
  s.magic = "ni1";
  s.vox_offset = 0;
  const std::string header = test::nifti_file(s, {}).substr(0, 348);
  const auto v = xyz_voxels();
  std::string data(v.size() * sizeof(float), '\0');
  std::memcpy(data.data(), v.data(), data.size());
  test::write_bytes(dir.file("pair.hdr"), header);
  test::write_bytes(dir.file("pair.img"), data);
  const Image img = read_image(dir.file("pair.hdr"));
  ASSERT_EQ(img.data.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(img.data(1, 2, 3), 123.0f);
  test::write_bytes(dir.file("pair.img"), data.substr(0, 40));
  EXPECT_IO_ERROR(read_image(dir.file("pair.hdr")), dir.file("pair.hdr"), "truncated");
}

TEST(ItkImage, NiftiSformBecomesLpsGeometry) {
  // NIfTI's sform maps voxels to RAS; ITK (and Tweed's ImageMeta) use LPS, so x and y flip sign.
  TempDir dir;
  NiftiSpec s;
  s.sform_code = 1;
  const float srow[3][4] = {{0.5f, 0, 0, -10}, {0, 0.25f, 0, 20}, {0, 0, 2, 30}};
  std::memcpy(s.srow, srow, sizeof srow);
  s.pixdim[1] = 0.5f;
  s.pixdim[2] = 0.25f;
  s.pixdim[3] = 2.0f;
  const std::string path = dir.file("sform.nii");
  test::write_bytes(path, test::nifti_file(s, xyz_voxels()));
  const Image img = read_image(path);
  expect_near(img.meta.spacing, {0.5, 0.25, 2.0}, "spacing");
  expect_near(img.meta.origin, {10.0, -20.0, 30.0}, "origin (LPS)");
  expect_near(img.meta.direction, {-1, 0, 0, 0, -1, 0, 0, 0, 1}, "direction (LPS)");
}

TEST(ItkImage, NiftiBadHeaders) {
  TempDir dir;
  const auto voxels = xyz_voxels();
  {
    NiftiSpec s;
    s.dim[2] = -5;
    const std::string path = dir.file("negdim.nii");
    test::write_bytes(path, test::nifti_file(s, voxels));
    EXPECT_IO_ERROR(read_image(path), path, "dim[2] = -5 is not a valid NIfTI dimension");
    EXPECT_IO_ERROR(read_image_header(path), path, "dim[2] = -5");
  }
  {
    NiftiSpec s;
    s.dim[0] = 0;
    const std::string path = dir.file("rank0.nii");
    test::write_bytes(path, test::nifti_file(s, voxels));
    EXPECT_IO_ERROR(read_image(path), path, "dim[0] = 0");
  }
  {
    NiftiSpec s;
    s.dim[3] = 3;  // needs 36 voxels, the file holds 24
    const std::string path = dir.file("short.nii");
    test::write_bytes(path, test::nifti_file(s, voxels));
    EXPECT_IO_ERROR(read_image(path), path, "truncated");
  }
  {
    // Values that do not compress away, so that cutting the .gz in half cuts the voxel data.
    NiftiSpec s;
    s.dim[1] = 64;
    s.dim[2] = 64;
    s.dim[3] = 1;
    std::vector<float> noisy(4096);
    for (std::size_t i = 0; i < noisy.size(); ++i)
      noisy[i] = std::sin(0.7f * static_cast<float>(i * i));
    const std::string path = dir.file("cut.nii.gz");
    const std::string full = test::nifti_file(s, noisy);
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, full.data(), static_cast<unsigned>(full.size()));
    gzclose(f);
    test::truncate_file(path, 0.5);
    EXPECT_IO_ERROR(read_image(path), path, "truncated");
  }
  {
    NiftiSpec s;
    s.sizeof_hdr = 1234;
    const std::string path = dir.file("size.nii");
    test::write_bytes(path, test::nifti_file(s, voxels));
    EXPECT_IO_ERROR(read_image(path), path, "");  // not recognised or bad sizeof_hdr
  }
  {
    const std::string path = dir.file("tiny.nii");
    test::write_bytes(path, std::string(100, '\0'));
    EXPECT_IO_ERROR(read_image(path), path, "");
  }
  {
    NiftiSpec s;
    s.sizeof_hdr = 540;
    std::string bytes = test::nifti_file(s, voxels);
    std::memcpy(bytes.data() + 4, "n+2\0\r\n\032\n", 8);
    const std::string path = dir.file("v2.nii");
    test::write_bytes(path, bytes);
    EXPECT_THROW(read_image(path), Error);
  }
}

TEST(ItkImage, EveryNiftiTruncationIsAnError) {
  TempDir dir;
  const std::string whole = test::nifti_file(NiftiSpec{}, xyz_voxels());
  const std::string path = dir.file("piece.nii");
  for (std::size_t n = 0; n < whole.size(); n += 3) {
    test::write_bytes(path, whole.substr(0, n));
    EXPECT_THROW((void)read_image(path), IoError) << n;
  }
}

TEST(ItkImage, DamagedMetaImageAndNrrd) {
  TempDir dir;
  const std::string mha = dir.file("bad.mha");
  test::write_bytes(mha,
                    "ObjectType = Image\nNDims = 3\nDimSize = 64 64 64\nElementType = MET_FLOAT\n"
                    "ElementDataFile = LOCAL\n" +
                        std::string(100, '\1'));
  EXPECT_IO_ERROR(read_image(mha), mha, "");
  const std::string nrrd = dir.file("bad.nrrd");
  test::write_bytes(nrrd,
                    "NRRD0004\ntype: float\ndimension: 3\nsizes: 64 64 64\nencoding: raw\n"
                    "endian: little\n\n" +
                        std::string(100, '\1'));
  EXPECT_IO_ERROR(read_image(nrrd), nrrd, "");
  const std::string missing = dir.file("missing.nii");
  EXPECT_IO_ERROR(read_image(missing), missing, "no such file");
  const std::string text = dir.file("notes.txt");
  test::write_bytes(text, "hello\n");
  EXPECT_IO_ERROR(read_image(text), text, "not a recognised image file");
}

TEST(ItkImage, WriteErrors) {
  TempDir dir;
  EXPECT_THROW(write_image(dir.file("x.mhd"), ramp(Shape{2, 2})), InvalidInput);
  EXPECT_THROW(write_image(dir.file("x.tif"), ramp(Shape{2, 2})), InvalidInput);
  ImageMeta bad;
  bad.spacing = {1.0};
  EXPECT_THROW(write_image(dir.file("x.nii"), ramp(Shape{2, 2}), bad), InvalidInput);
  const std::string nofolder = dir.file("none/x.nii");
  EXPECT_IO_ERROR(write_image(nofolder, ramp(Shape{2, 2})), nofolder, "does not exist");
  ImageMeta skew;
  skew.direction = {1, 1, 0, 1};  // not orthonormal: ITK's NIfTI writer refuses
  const std::string path = dir.file("skew.nii");
  try {
    write_image(path, ramp(Shape{2, 2}), skew);
  } catch (const Error&) {
  }
  EXPECT_TRUE(dir.temporaries().empty());
}

}  // namespace
}  // namespace tweed::io

// DICOM: hand-made files (bytes laid out per the DICOM standard, independent of Tweed and GDCM)
// check the rescale to Hounsfield units, the pixel spacing order and the sorting of a series; a
// file written by ITK's GDCMImageIO and then cut short checks the truncation guard.
#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkMetaDataObject.h>

#include <cstdint>

#include "test_files.hpp"
#include "tweed/io/describe.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::io {
namespace {

using test::TempDir;

// --- A minimal explicit-VR little-endian DICOM writer -------------------------------------------

std::string le16(std::uint16_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}
std::string le32(std::uint32_t v) {
  return le16(static_cast<std::uint16_t>(v & 0xffff)) + le16(static_cast<std::uint16_t>(v >> 16));
}

std::string element(std::uint16_t g, std::uint16_t e, const std::string& vr, std::string value) {
  if (value.size() % 2) value += (vr == "UI" || vr == "OB" || vr == "OW") ? '\0' : ' ';
  std::string out = le16(g) + le16(e) + vr;
  if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT")
    out += std::string(2, '\0') + le32(static_cast<std::uint32_t>(value.size()));
  else
    out += le16(static_cast<std::uint16_t>(value.size()));
  return out + value;
}

struct Slice {
  int rows = 3, cols = 4;
  std::vector<std::int16_t> raw;  // rows * cols stored values, row by row
  std::string slope = "1", intercept = "-1024";
  double z = 0;
  int instance = 1;
  std::string series = "1.2.826.0.1.3680043.2.1125.1.2";
};

std::string ct_file(const Slice& s) {
  const std::string sop_class = "1.2.840.10008.5.1.4.1.1.2";  // CT Image Storage
  const std::string sop = "1.2.826.0.1.3680043.2.1125.1.3." + std::to_string(s.instance);
  std::string meta = element(0x0002, 0x0001, "OB", std::string("\0\1", 2)) +
                     element(0x0002, 0x0002, "UI", sop_class) + element(0x0002, 0x0003, "UI", sop) +
                     element(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1") +
                     element(0x0002, 0x0012, "UI", "1.2.826.0.1.3680043.2.1125.9");
  meta = element(0x0002, 0x0000, "UL", le32(static_cast<std::uint32_t>(meta.size()))) + meta;
  char ipp[64];
  std::snprintf(ipp, sizeof ipp, "0\\0\\%g", s.z);
  std::string pixels;
  for (std::int16_t v : s.raw) pixels += le16(static_cast<std::uint16_t>(v));
  const std::string data =
      element(0x0008, 0x0016, "UI", sop_class) + element(0x0008, 0x0018, "UI", sop) +
      element(0x0008, 0x0060, "CS", "CT") + element(0x0010, 0x0010, "PN", "Test^Phantom") +
      element(0x0010, 0x0020, "LO", "T1") +
      element(0x0020, 0x000D, "UI", "1.2.826.0.1.3680043.2.1125.1.1") +
      element(0x0020, 0x000E, "UI", s.series) + element(0x0020, 0x0011, "IS", "1") +
      element(0x0020, 0x0013, "IS", std::to_string(s.instance)) +
      element(0x0020, 0x0032, "DS", ipp) + element(0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0") +
      element(0x0028, 0x0002, "US", le16(1)) + element(0x0028, 0x0004, "CS", "MONOCHROME2") +
      element(0x0028, 0x0010, "US", le16(static_cast<std::uint16_t>(s.rows))) +
      element(0x0028, 0x0011, "US", le16(static_cast<std::uint16_t>(s.cols))) +
      // Pixel Spacing is "row spacing \ column spacing": y first, then x.
      element(0x0028, 0x0030, "DS", "0.5\\0.75") + element(0x0028, 0x0100, "US", le16(16)) +
      element(0x0028, 0x0101, "US", le16(16)) + element(0x0028, 0x0102, "US", le16(15)) +
      element(0x0028, 0x0103, "US", le16(1)) + element(0x0028, 0x1052, "DS", s.intercept) +
      element(0x0028, 0x1053, "DS", s.slope) + element(0x7FE0, 0x0010, "OW", pixels);
  return std::string(128, '\0') + "DICM" + meta + data;
}

std::vector<std::int16_t> raw_ramp(int n, int base) {
  std::vector<std::int16_t> v;
  for (int i = 0; i < n; ++i) v.push_back(static_cast<std::int16_t>(base + i));
  return v;
}

// --- Tests ---------------------------------------------------------------------------------------

TEST(Dicom, RescaleGivesHounsfieldUnitsAndSpacingOrder) {
  TempDir dir;
  Slice s;
  s.raw = raw_ramp(12, 1000);  // stored 1000..1011
  s.slope = "2";
  s.intercept = "-1024";
  const std::string path = dir.file("ct.dcm");
  test::write_bytes(path, ct_file(s));
  EXPECT_EQ(detect_format(path), Format::dicom);
  const Image img = read_image(path);
  const Shape& sh = img.data.shape();
  ASSERT_GE(sh.rank(), 2);
  ASSERT_EQ(sh[sh.rank() - 1], 4);  // columns = x, the last axis
  ASSERT_EQ(sh[sh.rank() - 2], 3);  // rows = y
  ASSERT_EQ(img.data.size(), 12);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(img.data[i], 2.0f * static_cast<float>(1000 + i) - 1024.0f) << i;
  ASSERT_GE(img.meta.spacing.size(), 2u);
  EXPECT_DOUBLE_EQ(img.meta.spacing[0], 0.75);  // x = column spacing
  EXPECT_DOUBLE_EQ(img.meta.spacing[1], 0.5);   // y = row spacing
  EXPECT_EQ(img.properties.at("modality"), "CT");
}

TEST(Dicom, SeriesFolderIsSortedByPosition) {
  TempDir dir;
  // Slice k sits at z = 10 + 2.5 k, but the file names are in another order.
  const char* names[] = {"c.dcm", "a.dcm", "d.dcm", "b.dcm"};
  for (int k = 0; k < 4; ++k) {
    Slice s;
    s.z = 10 + 2.5 * k;
    s.instance = 4 - k;  // instance numbers disagree with positions too
    s.raw = raw_ramp(12, 1024 + 100 * k);
    test::write_bytes(dir.file(names[k]), ct_file(s));
  }
  test::write_bytes(dir.file("README.txt"), "not DICOM\n");
  EXPECT_EQ(detect_format(dir.path().string()), Format::dicom_series);
  const Image vol = read_image(dir.path().string());
  ASSERT_EQ(vol.data.shape(), (Shape{4, 3, 4}));
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 12; ++i)
      EXPECT_EQ(vol.data[k * 12 + i], static_cast<float>(100 * k + i)) << k;
  ASSERT_EQ(vol.meta.spacing.size(), 3u);
  EXPECT_NEAR(vol.meta.spacing[2], 2.5, 1e-6);
  EXPECT_NEAR(vol.meta.origin[2], 10.0, 1e-6);
  EXPECT_EQ(vol.properties.at("files"), "4");

  const ImageHeader h = read_image_header(dir.path().string());
  EXPECT_EQ(h.shape, (std::vector<index_t>{4, 3, 4}));
  const auto d = describe(dir.path().string());
  EXPECT_EQ(d["format"], "dicom-series");
  EXPECT_EQ(d["images"][0]["shape"], nlohmann::json({4, 3, 4}));
}

TEST(Dicom, SeriesWithTruncatedSliceNamesTheFile) {
  TempDir dir;
  for (int k = 0; k < 3; ++k) {
    Slice s;
    s.z = k;
    s.instance = k + 1;
    s.raw = raw_ramp(12, 0);
    test::write_bytes(dir.file("s" + std::to_string(k) + ".dcm"), ct_file(s));
  }
  const std::string cut = dir.file("s1.dcm");
  const std::string bytes = test::read_bytes(cut);
  test::write_bytes(cut, bytes.substr(0, bytes.size() - 10));
  EXPECT_IO_ERROR(read_image(dir.path().string()), cut, "truncated");
}

// A 64 x 48 CT slice written by ITK's own DICOM writer.
std::string itk_dicom(const std::string& path) {
  using Img = itk::Image<std::int16_t, 2>;
  auto img = Img::New();
  Img::SizeType size = {{64, 48}};
  img->SetRegions(Img::RegionType(size));
  img->Allocate();
  for (int i = 0; i < 64 * 48; ++i)
    img->GetBufferPointer()[i] = static_cast<std::int16_t>(i % 2000 - 1000);
  auto& dict = img->GetMetaDataDictionary();
  itk::EncapsulateMetaData<std::string>(dict, "0008|0060", "CT");
  itk::EncapsulateMetaData<std::string>(dict, "0028|0004", "MONOCHROME2");  // else GDCM warns
  auto io = itk::GDCMImageIO::New();
  auto w = itk::ImageFileWriter<Img>::New();
  w->SetInput(img);
  w->SetImageIO(io);
  w->SetFileName(path);
  w->Update();
  return path;
}

TEST(Dicom, ItkWrittenFileReadsBack) {
  TempDir dir;
  const std::string path = itk_dicom(dir.file("itk.dcm"));
  const Image img = read_image(path);
  ASSERT_EQ(img.data.size(), 64 * 48);
  EXPECT_EQ(img.data[0], -1000.0f);
  EXPECT_EQ(img.data[64 * 48 - 1], static_cast<float>((64 * 48 - 1) % 2000 - 1000));
}

TEST(Dicom, HalfAFileIsOneClearError) {
  TempDir dir;
  const std::string whole = itk_dicom(dir.file("whole.dcm"));
  for (double keep : {0.9, 0.5, 0.2, 0.05, 0.01}) {
    const std::string path =
        dir.file("cut" + std::to_string(static_cast<int>(keep * 100)) + ".dcm");
    std::filesystem::copy_file(whole, path);
    test::truncate_file(path, keep);
    EXPECT_IO_ERROR(read_image(path), path, "");
    EXPECT_IO_ERROR(read_image_header(path), path, "");
    EXPECT_IO_ERROR(describe(path), path, "");
  }
  const std::string half = dir.file("cut50.dcm");
  EXPECT_IO_ERROR(read_image(half), half, "truncated DICOM");
}

TEST(Dicom, EveryTruncationIsAnError) {
  // Cut an ITK-written file after every few bytes: each piece must be refused, none may crash or
  // come back as an image.
  TempDir dir;
  const std::string whole = test::read_bytes(itk_dicom(dir.file("whole.dcm")));
  const std::string path = dir.file("piece.dcm");
  int refused = 0, tried = 0;
  for (std::size_t n = 0; n < whole.size(); n += 5) {
    test::write_bytes(path, whole.substr(0, n));
    ++tried;
    try {
      (void)read_image(path);
      ADD_FAILURE() << "a file cut to " << n << " of " << whole.size() << " bytes was read";
    } catch (const IoError& e) {
      ++refused;
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    }
  }
  EXPECT_EQ(refused, tried);
}

TEST(Dicom, MissingPixelData) {
  TempDir dir;
  Slice s;
  s.raw = raw_ramp(12, 0);
  std::string bytes = ct_file(s);
  bytes =
      bytes.substr(0, bytes.rfind(std::string("\xE0\x7F\x10\x00", 4)));  // cut before (7FE0,0010)
  const std::string path = dir.file("nopix.dcm");
  test::write_bytes(path, bytes);
  EXPECT_IO_ERROR(read_image(path), path, "no Pixel Data");
}

}  // namespace
}  // namespace tweed::io

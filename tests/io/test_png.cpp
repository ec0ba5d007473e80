// PNG previews, decoded again with libpng's simplified reader (not Tweed code): gray levels for
// fixed windows, NumPy-style percentile windows, complex magnitude, orientation, atomicity.
#include <png.h>

#include <cmath>
#include <limits>

#include "test_files.hpp"
#include "tweed/io/png.hpp"

namespace tweed::io {
namespace {

using test::TempDir;

struct Decoded {
  std::uint32_t width = 0, height = 0;
  std::vector<unsigned char> gray;
};

Decoded decode(const std::string& path) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path.c_str())) return {};
  img.format = PNG_FORMAT_GRAY;
  Decoded d{img.width, img.height, std::vector<unsigned char>(PNG_IMAGE_SIZE(img))};
  if (!png_image_finish_read(&img, nullptr, d.gray.data(), 0, nullptr)) return {};
  return d;
}

TEST(Png, FixedWindowGrayLevelsAndOrientation) {
  TempDir dir;
  const std::string path = dir.file("w.png");
  const Array<float> a =
      Array<float>::from(Shape{2, 3}, std::vector<float>{0, 0.25f, 0.5f, 0.75f, 1, 2});
  write_png(path, a, 0.0, 1.0);
  const Decoded d = decode(path);
  ASSERT_EQ(d.width, 3u);
  ASSERT_EQ(d.height, 2u);
  // 255 * v, rounded to nearest; 2 is clamped. Row 0 of the array is the top row.
  EXPECT_EQ(d.gray, (std::vector<unsigned char>{0, 64, 128, 191, 255, 255}));
  EXPECT_TRUE(dir.temporaries().empty());
}

TEST(Png, PercentileWindowByDefault) {
  TempDir dir;
  const std::string path = dir.file("p.png");
  Array<double> a(Shape{1, 1000});
  for (int i = 0; i < 1000; ++i) a[i] = i;
  write_png(path, a);
  // NumPy: percentile(0..999, 0.5) = 0.005 * 999 = 4.995, percentile(.., 99.5) = 994.005.
  const double lo = 4.995, hi = 994.005;
  const Decoded d = decode(path);
  ASSERT_EQ(d.gray.size(), 1000u);
  for (int x : {0, 4, 5, 250, 500, 990, 994, 999}) {
    const double want = std::clamp(std::round(255.0 * (x - lo) / (hi - lo)), 0.0, 255.0);
    EXPECT_EQ(d.gray[static_cast<std::size_t>(x)], static_cast<unsigned char>(want)) << x;
  }
}

TEST(Png, PercentileMatchesNumpyDefinition) {
  std::vector<double> v{4, 1, 3, 2, std::nan("")};
  EXPECT_DOUBLE_EQ(percentile(v, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile(v, 0.5), 1.015);  // position 0.005 * 3 between 1 and 2
  EXPECT_DOUBLE_EQ(percentile(v, 100), 4);
  std::vector<double> none{std::nan("")};
  EXPECT_TRUE(std::isnan(percentile(none, 50)));
}

TEST(Png, ComplexMagnitudeNanAndSlices) {
  TempDir dir;
  Array<cfloat> c = Array<cfloat>::from(Shape{1, 3}, std::vector<cfloat>{{3, 4}, {0, -10}, {0, 0}});
  write_png(dir.file("c.png"), c, 0.0, 10.0);
  EXPECT_EQ(decode(dir.file("c.png")).gray, (std::vector<unsigned char>{128, 255, 0}));

  Array<float> n = Array<float>::from(
      Shape{1, 2}, std::vector<float>{std::numeric_limits<float>::quiet_NaN(), 1});
  write_png(dir.file("n.png"), n, 0.0, 1.0);
  EXPECT_EQ(decode(dir.file("n.png")).gray, (std::vector<unsigned char>{0, 255}));

  Array<float> vol(Shape{3, 2, 2});
  for (index_t i = 0; i < vol.size(); ++i) vol[i] = static_cast<float>(i);
  PngWindow w;
  w.lo = 4;
  w.hi = 8;
  write_png<float>(dir.file("s.png"), vol.slice(1), w);  // values 4..7
  EXPECT_EQ(decode(dir.file("s.png")).gray, (std::vector<unsigned char>{0, 64, 128, 191}));
  write_png(dir.file("lead.png"), Array<float>(Shape{1, 2, 2}, 1.0f), 0.0, 1.0);
  EXPECT_EQ(decode(dir.file("lead.png")).width, 2u);
  EXPECT_THROW(write_png(dir.file("v.png"), vol), InvalidInput);
  EXPECT_THROW(write_png(dir.file("v.png"), Array<float>(Shape{4})), InvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir.file("v.png")));
  const std::string nofolder = dir.file("none/x.png");
  EXPECT_IO_ERROR(write_png(nofolder, n), nofolder, "does not exist");
  EXPECT_TRUE(dir.temporaries().empty());
}

TEST(Png, ConstantImageIsBlack) {
  TempDir dir;
  write_png(dir.file("k.png"), Array<float>(Shape{2, 2}, 3.0f));
  EXPECT_EQ(decode(dir.file("k.png")).gray, (std::vector<unsigned char>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace tweed::io

// Layouts of the MRI module: grids, and the reshape of BART's column-major arrays (from_bart,
// mask_from_bart) checked element by element against BART's indexing formula, against files
// written through io::write_cfl, and against the files BART itself writes.
#include "tweed/mri/layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "test_files.hpp"
#include "tweed/core/error.hpp"
#include "tweed/io/cfl.hpp"

namespace tweed::mri {
namespace {

using test::TempDir;

// Element i of the flat buffer holds the value i (exact in float up to 2^24).
Array<cfloat> iota(index_t n) {
  Array<cfloat> a(Shape{n});
  for (index_t i = 0; i < n; ++i) a[i] = cfloat(float(i), -float(i));
  return a;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MriGrid, ShapeSizeStringAndGridsOfLayouts) {
  const Grid g{2, 3, 5};
  EXPECT_EQ(g.shape(), (Shape{2, 3, 5}));
  EXPECT_EQ(g.size(), 30);
  EXPECT_EQ(g.str(), "2 x 3 x 5");
  EXPECT_EQ(g, (Grid{2, 3, 5}));
  EXPECT_NE(g, (Grid{2, 5, 3}));
  EXPECT_EQ(kspace_grid(Array<cfloat>(Shape{8, 2, 3, 5})), g);
  EXPECT_EQ(maps_grid(Array<cfloat>(Shape{2, 8, 2, 3, 5})), g);
  EXPECT_THROW(kspace_grid(Array<cfloat>(Shape{2, 3, 5})), ShapeMismatch);
  EXPECT_THROW(maps_grid(Array<cfloat>(Shape{8, 2, 3, 5})), ShapeMismatch);
}

TEST(FromBart, KspaceFollowsBartsColumnMajorIndexing) {
  // BART dims [x=4, y=3, z=2, coil=5]: element (x, y, z, c) sits at x + 4 (y + 3 (z + 2 c)).
  const std::vector<index_t> dims{4, 3, 2, 5};
  const Array<cfloat> k = from_bart(iota(120), dims, BartRole::kspace, "k");
  ASSERT_EQ(k.shape(), (Shape{5, 2, 3, 4}));
  for (index_t c = 0; c < 5; ++c)
    for (index_t z = 0; z < 2; ++z)
      for (index_t y = 0; y < 3; ++y)
        for (index_t x = 0; x < 4; ++x)
          ASSERT_EQ(k(c, z, y, x).real(), float(x + 4 * (y + 3 * (z + 2 * c))));
}

TEST(FromBart, MapsAndImages) {
  // [x=3, y=2, z=1, coil=4, maps=2] -> [2, 4, 1, 2, 3].
  const Array<cfloat> m =
      from_bart(iota(48), std::vector<index_t>{3, 2, 1, 4, 2}, BartRole::maps, "sens");
  ASSERT_EQ(m.shape(), (Shape{2, 4, 1, 2, 3}));
  EXPECT_EQ(m(1, 2, 0, 1, 2).real(), float(2 + 3 * (1 + 2 * (0 + 1 * (2 + 4 * 1)))));
  // An image [x, y, z, 1, maps] -> [maps, z, y, x]; trailing singleton dims may be listed.
  const Array<cfloat> im =
      from_bart(iota(12), std::vector<index_t>{3, 2, 1, 1, 2, 1, 1}, BartRole::image, "img");
  ASSERT_EQ(im.shape(), (Shape{2, 1, 2, 3}));
  EXPECT_EQ(im(1, 0, 1, 0).real(), float(0 + 3 * (1 + 2 * (0 + 1 * (0 + 1 * 1)))));
  // Short dims (2-D, one coil) are padded with 1s.
  EXPECT_EQ(from_bart(iota(6), std::vector<index_t>{3, 2}, BartRole::kspace, "k").shape(),
            (Shape{1, 1, 2, 3}));
}

TEST(FromBart, RefusesDimsItCannotHold) {
  // TIME (BART dim 10) = 5.
  std::vector<index_t> dims(16, 1);
  dims[0] = 2;
  dims[10] = 5;
  const std::string msg =
      message_of([&] { from_bart(iota(10), dims, BartRole::kspace, "series"); });
  EXPECT_NE(msg.find("series"), std::string::npos) << msg;
  EXPECT_NE(msg.find("TIME"), std::string::npos) << msg;
  EXPECT_THROW(from_bart(iota(10), dims, BartRole::kspace, "series"), Unsupported);
  // k-space with two maps, an image with coils, a size that disagrees with the dims.
  EXPECT_THROW(from_bart(iota(8), std::vector<index_t>{2, 2, 1, 1, 2}, BartRole::kspace, "k"),
               ShapeMismatch);
  EXPECT_THROW(from_bart(iota(8), std::vector<index_t>{2, 2, 1, 2}, BartRole::image, "i"),
               ShapeMismatch);
  const std::string size_msg = message_of([&] {
    from_bart(iota(7), std::vector<index_t>{2, 2, 2}, BartRole::kspace, "k7");
  });
  EXPECT_NE(size_msg.find("k7"), std::string::npos) << size_msg;
  EXPECT_NE(size_msg.find("7 values"), std::string::npos) << size_msg;
}

TEST(MaskFromBart, RealNonNegativeValues) {
  Array<cfloat> data(Shape{12});
  for (index_t i = 0; i < 12; ++i) data[i] = cfloat(float(i % 3 == 0), 0.0f);
  // BART pattern dims [x=1, y=4, z=3] -> [3, 4, 1].
  const Array<float> m = mask_from_bart(data, std::vector<index_t>{1, 4, 3}, "pat");
  ASSERT_EQ(m.shape(), (Shape{3, 4, 1}));
  for (index_t z = 0; z < 3; ++z)
    for (index_t y = 0; y < 4; ++y) EXPECT_EQ(m(z, y, 0), float((y + 4 * z) % 3 == 0));

  Array<cfloat> bad = data;
  bad[5] = cfloat(1.0f, 0.5f);
  EXPECT_NE(message_of([&] {
              mask_from_bart(bad, {1, 4, 3}, "pat");
            }).find("pat"),
            std::string::npos);
  EXPECT_THROW(mask_from_bart(bad, {1, 4, 3}, "pat"), InvalidInput);
  bad[5] = cfloat(-1.0f, 0.0f);
  EXPECT_THROW(mask_from_bart(bad, {1, 4, 3}, "pat"), InvalidInput);
  bad[5] = cfloat(NAN, 0.0f);
  EXPECT_THROW(mask_from_bart(bad, {1, 4, 3}, "pat"), InvalidInput);
  EXPECT_THROW(mask_from_bart(data, {1, 2, 3, 2}, "pat"), ShapeMismatch);  // COIL = 2
}

TEST(FromBart, RoundTripThroughCflFiles) {
  TempDir dir;
  // A Tweed k-space [C, Z, Y, X] written as .cfl is BART's [X, Y, Z, C]; reading it back and
  // reshaping returns the same array.
  Array<cfloat> k(Shape{3, 2, 5, 4});
  for (index_t i = 0; i < k.size(); ++i) k[i] = cfloat(std::sin(0.3f * float(i)), float(i));
  const std::string name = dir.file("k");
  io::write_cfl(name, k);
  EXPECT_EQ(io::read_cfl_dims(name)[0], 4);  // x first in BART order
  const Array<cfloat> back =
      from_bart(io::read_cfl(name), io::read_cfl_dims(name), BartRole::kspace, name);
  ASSERT_EQ(back.shape(), k.shape());
  for (index_t i = 0; i < k.size(); ++i) ASSERT_EQ(back[i], k[i]);
}

TEST(FromBart, FilesWrittenByBart) {
  TempDir dir;
  // bart phantom -x 12 -s 3 -k: multi-coil k-space [12, 12, 1, 3]; -S 3: the sensitivities.
  const std::string k = dir.file("ph"), s = dir.file("sens");
  const std::string cmd = "bart phantom -x 12 -s 3 -k '" + k + "' >/dev/null 2>&1 && " +
                          "bart phantom -x 12 -S 3 '" + s + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "bart (Debian package) is needed: " << cmd;
  const Array<cfloat> ks = from_bart(io::read_cfl(k), io::read_cfl_dims(k), BartRole::kspace, k);
  EXPECT_EQ(ks.shape(), (Shape{3, 1, 12, 12}));
  const Array<cfloat> maps = from_bart(io::read_cfl(s), io::read_cfl_dims(s), BartRole::maps, s);
  EXPECT_EQ(maps.shape(), (Shape{1, 3, 1, 12, 12}));
  EXPECT_EQ(kspace_grid(ks), maps_grid(maps));
}

}  // namespace
}  // namespace tweed::mri

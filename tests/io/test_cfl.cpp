// BART .cfl/.hdr: the column-major <-> row-major boundary is a shape reversal only; checked with
// hand-made bytes and, when the bart command is installed, against BART itself.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "test_files.hpp"
#include "tweed/io/cfl.hpp"

namespace tweed::io {
namespace {

using test::TempDir;

std::string floats_to_bytes(const std::vector<float>& v) {
  std::string s(v.size() * sizeof(float), '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

TEST(Cfl, ReadsColumnMajorBytesAsReversedShape) {
  TempDir dir;
  const std::string base = dir.file("k");
  // BART dims [2, 3]: element (i0, i1) sits at flat index i0 + 2 * i1 (first index fastest).
  std::vector<float> raw(2 * 2 * 3);
  for (int i1 = 0; i1 < 3; ++i1)
    for (int i0 = 0; i0 < 2; ++i0) {
      const int flat = i0 + 2 * i1;
      raw[2 * flat] = static_cast<float>(10 * i0 + i1);
      raw[2 * flat + 1] = static_cast<float>(-i1);
    }
  test::write_bytes(base + ".hdr", "# Dimensions\n2 3 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n");
  test::write_bytes(base + ".cfl", floats_to_bytes(raw));
  const Array<cfloat> a = read_cfl(base);
  ASSERT_EQ(a.shape(), (Shape{3, 2}));
  for (int i1 = 0; i1 < 3; ++i1)
    for (int i0 = 0; i0 < 2; ++i0)
      EXPECT_EQ(a(i1, i0), cfloat(static_cast<float>(10 * i0 + i1), static_cast<float>(-i1)));
  // Either file's name works too.
  EXPECT_EQ(read_cfl(base + ".cfl").shape(), (Shape{3, 2}));
  EXPECT_EQ(read_cfl(base + ".hdr")(2, 1), a(2, 1));
}

TEST(Cfl, WritesColumnMajorHeaderAndBytes) {
  TempDir dir;
  const std::string base = dir.file("w");
  Array<cfloat> a(Shape{3, 2});  // Tweed [rows=3, cols=2] -> BART dims [2, 3]
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 2; ++c) a(r, c) = cfloat(static_cast<float>(r), static_cast<float>(c));
  write_cfl(base + ".cfl", a);
  EXPECT_EQ(test::read_bytes(base + ".hdr"), "# Dimensions\n2 3 1 1 1 1 1 1 1 1 1 1 1 1 1 1 \n");
  const std::string bytes = test::read_bytes(base + ".cfl");
  ASSERT_EQ(bytes.size(), 6 * sizeof(cfloat));
  std::vector<float> f(12);
  std::memcpy(f.data(), bytes.data(), bytes.size());
  for (int i1 = 0; i1 < 3; ++i1)
    for (int i0 = 0; i0 < 2; ++i0) {
      const int flat = i0 + 2 * i1;  // BART (i0, i1) = Tweed (r = i1, c = i0)
      EXPECT_EQ(f[2 * flat], static_cast<float>(i1));
      EXPECT_EQ(f[2 * flat + 1], static_cast<float>(i0));
    }
  EXPECT_TRUE(dir.temporaries().empty());
}

TEST(Cfl, RoundTripAndSingletons) {
  TempDir dir;
  Array<cfloat> a(Shape{4, 1, 3, 2});
  for (index_t i = 0; i < a.size(); ++i) a[i] = cfloat(0.5f * i, -1.0f * i);
  write_cfl(dir.file("r"), a);
  const Array<cfloat> b = read_cfl(dir.file("r"));
  EXPECT_EQ(b.shape(), a.shape());  // interior singleton kept
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(b[i], a[i]);
  EXPECT_EQ(read_cfl_dims(dir.file("r")).size(), 16u);

  EXPECT_EQ(cfl_dims_to_shape({1, 256, 256, 1, 8, 1, 1}), (Shape{8, 1, 256, 256, 1}));
  EXPECT_EQ(cfl_dims_to_shape({3, 1, 1}), (Shape{3}));
  EXPECT_EQ(cfl_dims_to_shape({1, 1, 1}), (Shape{1}));
  EXPECT_EQ(shape_to_cfl_dims(Shape{}), std::vector<index_t>(16, 1));
  EXPECT_THROW(cfl_dims_to_shape({2, 2, 2, 2, 2, 2, 2, 2, 2}), Unsupported);
}

TEST(Cfl, Errors) {
  TempDir dir;
  const std::string base = dir.file("e");
  EXPECT_IO_ERROR(read_cfl(base), base + ".hdr", "no such file");

  test::write_bytes(base + ".hdr", "# Dimensions\n2 3\n");
  EXPECT_IO_ERROR(read_cfl(base), base + ".cfl", "no such file");

  test::write_bytes(base + ".cfl", std::string(40, '\0'));  // 5 values, the header says 6
  EXPECT_IO_ERROR(read_cfl(base), base + ".cfl", "holds 40 bytes");
  EXPECT_IO_ERROR(read_cfl(base), base + ".cfl", "need 48 bytes");

  test::write_bytes(base + ".cfl", std::string(48, '\0'));
  test::write_bytes(base + ".hdr", "2 3\n");
  EXPECT_IO_ERROR(read_cfl(base), base + ".hdr", "no '# Dimensions'");
  test::write_bytes(base + ".hdr", "# Dimensions\n2 x3\n");
  EXPECT_IO_ERROR(read_cfl(base), base + ".hdr", "'x3' is not an integer");
  test::write_bytes(base + ".hdr", "# Dimensions\n2 -3\n");
  EXPECT_IO_ERROR(read_cfl(base), base + ".hdr", "must be >= 1");
  test::write_bytes(base + ".hdr", "# Dimensions\n");
  EXPECT_IO_ERROR(read_cfl(base), base + ".hdr", "no dimensions");

  const std::string nofolder = dir.file("nope/x");
  EXPECT_IO_ERROR(write_cfl(nofolder, Array<cfloat>(Shape{2})), nofolder, "does not exist");
  EXPECT_TRUE(dir.temporaries().empty());
}

bool have_bart() {
  return std::system("command -v bart >/dev/null 2>&1") == 0;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

TEST(Cfl, AgreesWithBart) {
  ASSERT_TRUE(have_bart()) << "bart not installed (scripts/setup.sh installs it)";
  TempDir dir;
  const std::string d = "cd '" + dir.path().string() + "' && ";
  // C(i0, i1) = i0 + 10 * i1 with BART dims [3, 4], built by BART.
  ASSERT_EQ(std::system((d + "bart index 0 3 a && bart index 1 4 b && bart scale 10 b b10 && "
                             "bart repmat 1 4 a A && bart repmat 0 3 b10 B && bart saxpy 1 A B C")
                            .c_str()),
            0);
  const Array<cfloat> c = read_cfl(dir.file("C"));
  ASSERT_EQ(c.shape(), (Shape{4, 3}));
  for (int i1 = 0; i1 < 4; ++i1)
    for (int i0 = 0; i0 < 3; ++i0)
      EXPECT_EQ(c(i1, i0), cfloat(static_cast<float>(i0 + 10 * i1), 0));

  // Tweed writes [rows=4, cols=3] with value 100 * r + c; BART's slice of dim 0 (= Tweed's last
  // axis) at index 2 must list 100 * r + 2 for r = 0..3.
  Array<cfloat> t(Shape{4, 3});
  for (int r = 0; r < 4; ++r)
    for (int col = 0; col < 3; ++col) t(r, col) = cfloat(static_cast<float>(100 * r + col), 1.0f);
  write_cfl(dir.file("T"), t);
  const std::string shown = run(d + "bart slice 0 2 T S && bart show -f '%+.1f%+.1fi' S");
  std::istringstream in(shown);
  std::vector<std::string> values;
  for (std::string v; in >> v;) values.push_back(v);
  EXPECT_EQ(values,
            (std::vector<std::string>{"+2.0+1.0i", "+102.0+1.0i", "+202.0+1.0i", "+302.0+1.0i"}))
      << shown;
}

}  // namespace
}  // namespace tweed::io

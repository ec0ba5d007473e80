// Native HDF5: round trips of every element type, storage options, attributes, groups, type
// conversion rules, and the error for each kind of bad input.
#include <hdf5.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "test_files.hpp"
#include "tweed/core/provenance.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::io {
namespace {

using test::TempDir;

// Distinct, exactly representable values, so that round trips compare with ==.
template <class T>
Array<T> ramp(const Shape& shape) {
  Array<T> a(shape);
  for (index_t i = 0; i < a.size(); ++i) {
    const double re = 0.25 * static_cast<double>(i) - 3.0;
    if constexpr (is_complex_v<T>)
      a[i] = T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(-0.5 * static_cast<double>(i)));
    else
      a[i] = static_cast<T>(re);
  }
  return a;
}

template <class T>
class Hdf5RoundTrip : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double, cfloat, cdouble>;
TYPED_TEST_SUITE(Hdf5RoundTrip, ElementTypes);

TYPED_TEST(Hdf5RoundTrip, ContiguousKeepsShapeTypeAndValues) {
  TempDir dir;
  const std::string path = dir.file("a.h5");
  const Array<TypeParam> a = ramp<TypeParam>(Shape{3, 4, 5});
  write_hdf5(path, "x", a);
  H5Reader r(path);
  const Array<TypeParam> b = r.read<TypeParam>("x");
  ASSERT_EQ(b.shape(), a.shape());
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(b[i], a[i]) << i;
  const AnyArray any = r.read_any("x");
  EXPECT_EQ(element_type(any), dtype_of<TypeParam>());
  const H5DatasetInfo info = r.info("x");
  EXPECT_EQ(info.dtype, dtype_name(dtype_of<TypeParam>()));
  EXPECT_EQ(info.shape, (std::vector<index_t>{3, 4, 5}));
  EXPECT_TRUE(info.chunk.empty());
  EXPECT_TRUE(dir.temporaries().empty());
}

TYPED_TEST(Hdf5RoundTrip, ChunkedGzip) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  const Array<TypeParam> a = ramp<TypeParam>(Shape{6, 7, 8});
  H5WriteOptions opt;
  opt.chunk = {2, 7, 100};  // the last extent is clamped to 8
  opt.gzip = 1;
  write_hdf5(path, "x", a, opt);
  H5Reader r(path);
  const H5DatasetInfo info = r.info("x");
  EXPECT_EQ(info.chunk, (std::vector<index_t>{2, 7, 8}));
  EXPECT_EQ(info.gzip, 1);
  const Array<TypeParam> b = r.read<TypeParam>("x");
  for (index_t i = 0; i < a.size(); ++i) ASSERT_EQ(b[i], a[i]) << i;
}

TEST(Hdf5, GzipWithoutChunkPicksChunks) {
  TempDir dir;
  const std::string path = dir.file("g.h5");
  const Array<float> a = ramp<float>(Shape{1024, 1024});  // 4 MiB -> chunks of about 1 MiB
  H5WriteOptions opt;
  opt.gzip = 4;
  write_hdf5(path, "x", a, opt);
  const H5DatasetInfo info = H5Reader(path).info("x");
  ASSERT_EQ(info.chunk.size(), 2u);
  EXPECT_LE(info.chunk[0] * info.chunk[1] * 4, index_t(1) << 20);
  EXPECT_EQ(info.chunk[1], 1024);
  EXPECT_EQ(info.gzip, 4);
  EXPECT_EQ(read_hdf5<float>(path, "x")[12345], a[12345]);
}

TEST(Hdf5, ScalarAndRankEight) {
  TempDir dir;
  const std::string path = dir.file("s.h5");
  Array<double> scalar(Shape{}, 2.5);
  const Array<cfloat> big = ramp<cfloat>(Shape{2, 1, 2, 1, 2, 1, 2, 3});
  {
    H5Writer w(path);
    w.write("scalar", scalar);
    w.write("rank8", big);
    w.write("empty", Array<float>(Shape{0, 3}));
    w.commit();
  }
  H5Reader r(path);
  const Array<double> s = r.read<double>("scalar");
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s[0], 2.5);
  EXPECT_EQ(r.read<float>("empty").shape(), (Shape{0, 3}));
  const Array<cfloat> b = r.read<cfloat>("rank8", 8);
  EXPECT_EQ(b.shape(), big.shape());
  EXPECT_EQ(b[47], big[47]);
}

TEST(Hdf5, AttributesGroupsAndListing) {
  TempDir dir;
  const std::string path = dir.file("attrs.h5");
  const Attributes attrs{{"units", std::string("strain")},
                         {"fs", 4096.0},
                         {"gps", std::int64_t{1126259462}},
                         {"spacing", std::vector<double>{0.5, 1.5, 2.5}},
                         {"empty", std::vector<double>{}}};
  {
    H5Writer w(path);
    w.write("injection/signal", ramp<double>(Shape{16}), {}, attrs);
    w.write("injection/params/mass", ramp<float>(Shape{2}));
    w.write("a", ramp<float>(Shape{1}));
    w.set_attribute("/", "title", std::string("test file ünïcode"));
    w.set_attribute("injection", "kind", std::string("cbc"));
    w.set_attribute("a", "n", std::int64_t{-7});
    w.set_attribute("a", "n", std::int64_t{8});  // replaces
    w.commit();
  }
  H5Reader r(path);
  EXPECT_EQ(r.dataset_names(),
            (std::vector<std::string>{"a", "injection/params/mass", "injection/signal"}));
  EXPECT_TRUE(r.has_dataset("/injection/signal"));
  EXPECT_FALSE(r.has_dataset("injection"));
  const Attributes got = r.attributes("injection/signal");
  EXPECT_EQ(got, attrs);
  EXPECT_EQ(std::get<std::string>(r.attributes("/").at("title")), "test file ünïcode");
  EXPECT_EQ(std::get<std::string>(r.attributes("injection").at("kind")), "cbc");
  EXPECT_EQ(std::get<std::int64_t>(r.attributes("a").at("n")), 8);
  const std::vector<H5DatasetInfo> all = r.list();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].name, "injection/signal");
  EXPECT_EQ(all[2].attributes, attrs);
  EXPECT_EQ(attribute_to_string(attrs.at("spacing")), "[0.5, 1.5, 2.5]");
}

TEST(Hdf5, Provenance) {
  TempDir dir;
  const std::string path = dir.file("p.h5");
  const char* argv[] = {"tweed", "demo", "--seed", "3"};
  Provenance prov(4, argv);
  prov.set_seed("noise", 3);
  {
    H5Writer w(path);
    w.write("x", ramp<float>(Shape{2, 2}));
    w.set_provenance(prov);
    w.commit();
  }
  const std::optional<std::string> text = H5Reader(path).provenance();
  ASSERT_TRUE(text.has_value());
  const auto j = nlohmann::json::parse(*text);
  EXPECT_TRUE(j.is_object());
  EXPECT_NE(text->find("--seed"), std::string::npos);

  const std::string plain = dir.file("q.h5");
  write_hdf5(plain, "x", ramp<float>(Shape{1}));
  EXPECT_FALSE(H5Reader(plain).provenance().has_value());
}

TEST(Hdf5, ConversionRules) {
  TempDir dir;
  const std::string path = dir.file("conv.h5");
  {
    H5Writer w(path);
    w.write("real64", ramp<double>(Shape{5}));
    w.write("cplx64", ramp<cfloat>(Shape{5}));
    w.commit();
  }
  H5Reader r(path);
  const Array<float> f = r.read<float>("real64");
  EXPECT_EQ(f[3], -2.25f);
  const Array<cdouble> c = r.read<cdouble>("real64");
  EXPECT_EQ(c[4], cdouble(-2.0, 0.0));
  const Array<cdouble> c2 = r.read<cdouble>("cplx64");
  EXPECT_EQ(c2[2], cdouble(-2.5, -1.0));
  EXPECT_IO_ERROR(r.read<float>("cplx64"), path, "complex64");
  EXPECT_IO_ERROR(r.read<double>("cplx64"), path, "cplx64");
  EXPECT_IO_ERROR((void)to_array<float>(r.read_any("cplx64"), path), path, "complex64");
}

// Files written with the plain HDF5 C API, not with Tweed: integer data and a compound {r, i}
// built by hand must be read according to the documented rules.
TEST(Hdf5, ReadsFilesWrittenByOtherCode) {
  TempDir dir;
  const std::string path = dir.file("foreign.h5");
  {
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[2] = {2, 3};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    const std::int16_t i16[6] = {-3, -2, -1, 0, 1, 32767};
    hid_t d = H5Dcreate2(f, "i16", H5T_STD_I16BE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, i16);
    H5Dclose(d);
    const std::int32_t i32[6] = {100000, 2, 3, 4, 5, -6};
    d = H5Dcreate2(f, "i32", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, i32);
    H5Dclose(d);
    struct C {
      double r, i;
    };
    const C c[6] = {{1, -1}, {2, -2}, {3, -3}, {4, -4}, {5, -5}, {6, -6}};
    hid_t ct = H5Tcreate(H5T_COMPOUND, sizeof(C));
    H5Tinsert(ct, "r", HOFFSET(C, r), H5T_IEEE_F64BE);  // big-endian on disk
    H5Tinsert(ct, "i", HOFFSET(C, i), H5T_IEEE_F64BE);
    hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(C));
    H5Tinsert(mt, "r", HOFFSET(C, r), H5T_NATIVE_DOUBLE);
    H5Tinsert(mt, "i", HOFFSET(C, i), H5T_NATIVE_DOUBLE);
    d = H5Dcreate2(f, "c", ct, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, c);
    H5Dclose(d);
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, 8);
    hid_t scalar = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "fixed", st, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, st, "abc\0\0\0\0\0");
    H5Aclose(a);
    H5Sclose(scalar);
    H5Tclose(st);
    H5Tclose(ct);
    H5Tclose(mt);
    H5Sclose(space);
    H5Fclose(f);
  }
  H5Reader r(path);
  const AnyArray a16 = r.read_any("i16");
  ASSERT_EQ(element_type(a16), DType::f32);
  EXPECT_EQ(std::get<Array<float>>(a16)[5], 32767.0f);
  EXPECT_EQ(std::get<Array<float>>(a16)[0], -3.0f);
  const AnyArray a32 = r.read_any("i32");
  ASSERT_EQ(element_type(a32), DType::f64);
  EXPECT_EQ(std::get<Array<double>>(a32)[0], 100000.0);
  EXPECT_EQ(r.info("c").dtype, "complex128");
  const Array<cfloat> c = r.read<cfloat>("c");
  EXPECT_EQ(c(1, 2), cfloat(6, -6));
  EXPECT_IO_ERROR(r.read<float>("c"), path, "complex128");
  EXPECT_EQ(std::get<std::string>(r.attributes().at("fixed")), "abc");
}

TEST(Hdf5, MissingFileNotHdf5AndFolder) {
  TempDir dir;
  const std::string missing = dir.file("missing.h5");
  EXPECT_IO_ERROR(read_hdf5<float>(missing, "x"), missing, "no such file");
  const std::string text = dir.file("text.h5");
  test::write_bytes(text, "this is not an HDF5 file\n");
  EXPECT_IO_ERROR(read_hdf5<float>(text, "x"), text, "not an HDF5 file");
  EXPECT_IO_ERROR(read_hdf5<float>(dir.path().string(), "x"), dir.path().string(), "folder");
}

TEST(Hdf5, TruncatedFile) {
  TempDir dir;
  const std::string path = dir.file("trunc.h5");
  {
    H5Writer w(path);
    w.write("big", ramp<float>(Shape{256, 256}));
    w.write("small", ramp<float>(Shape{4}));
    w.set_attribute("/", "note", std::string("metadata written last"));
    w.commit();
  }
  for (double keep : {0.5, 0.1, 0.003}) {
    const std::string cut = dir.file("cut" + std::to_string(keep) + ".h5");
    std::filesystem::copy_file(path, cut);
    test::truncate_file(cut, keep);
    EXPECT_IO_ERROR(
        {
          H5Reader r(cut);
          (void)r.read<float>("big");
        },
        cut, "");
  }
}

TEST(Hdf5, MissingDatasetListsWhatIsThere) {
  TempDir dir;
  const std::string path = dir.file("m.h5");
  {
    H5Writer w(path);
    w.write("a", ramp<float>(Shape{2}));
    w.write("g/b", ramp<float>(Shape{2}));
    w.commit();
  }
  EXPECT_IO_ERROR(read_hdf5<float>(path, "x"), path, "no dataset 'x' (has: a, g/b)");
  EXPECT_IO_ERROR(read_hdf5<float>(path, "g"), path, "no dataset 'g'");
  EXPECT_IO_ERROR(H5Reader(path).attributes("nope"), path, "no object 'nope'");
}

TEST(Hdf5, WrongRank) {
  TempDir dir;
  const std::string path = dir.file("r.h5");
  write_hdf5(path, "vol", ramp<float>(Shape{2, 3, 4}));
  EXPECT_IO_ERROR(H5Reader(path).read<float>("vol", 2), path,
                  "dataset 'vol' has rank 3 (shape [2, 3, 4]), expected rank 2");
}

TEST(Hdf5, FailedWriteLeavesNothing) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  {
    H5Writer w(path);
    w.write("x", ramp<float>(Shape{8}));
    EXPECT_FALSE(dir.temporaries().empty());  // work in progress lives in a temporary
    H5WriteOptions bad;
    bad.gzip = 12;
    EXPECT_THROW(w.write("y", ramp<float>(Shape{8}), bad), InvalidInput);
    EXPECT_THROW(w.write("x", ramp<float>(Shape{8})), InvalidInput);  // written twice
    EXPECT_THROW(w.set_attribute("nope", "a", 1.0), InvalidInput);
    // No commit: the writer goes out of scope as after an exception.
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(dir.temporaries().empty());

  const std::string nofolder = dir.file("no/such/folder/out.h5");
  EXPECT_IO_ERROR(write_hdf5(nofolder, "x", ramp<float>(Shape{2})), nofolder, "does not exist");
}

TEST(Hdf5, CommitReplacesExistingFile) {
  TempDir dir;
  const std::string path = dir.file("o.h5");
  write_hdf5(path, "old", ramp<float>(Shape{2}));
  write_hdf5(path, "new", ramp<float>(Shape{3}));
  EXPECT_EQ(H5Reader(path).dataset_names(), std::vector<std::string>{"new"});
  // An interrupted rewrite keeps the old file intact.
  {
    H5Writer w(path);
    w.write("partial", ramp<float>(Shape{3}));
  }
  EXPECT_EQ(H5Reader(path).dataset_names(), std::vector<std::string>{"new"});
  EXPECT_TRUE(dir.temporaries().empty());
}

TEST(Hdf5, FiniteCheckNamesFirstBadValue) {
  Array<float> a(Shape{3, 4}, 1.0f);
  EXPECT_NO_THROW(require_finite_data(a, "f.h5: dataset 'a'"));
  a(1, 2) = std::numeric_limits<float>::quiet_NaN();
  a(2, 0) = std::numeric_limits<float>::infinity();
  EXPECT_IO_ERROR(require_finite_data(a, "f.h5: dataset 'a'"), "f.h5",
                  "holds 2 NaN/Inf values (first at [1, 2])");
  Array<cdouble> c(Shape{2}, cdouble(1, 1));
  c[1] = cdouble(0, std::numeric_limits<double>::quiet_NaN());
  EXPECT_IO_ERROR(require_finite_data(AnyArray(c), "c.h5"), "c.h5", "first at [1]");
}

}  // namespace
}  // namespace tweed::io

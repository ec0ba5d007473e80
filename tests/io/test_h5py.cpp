// Cross-check with h5py: files Tweed writes must read in h5py with the exact NumPy dtypes
// (complex64/complex128 included), and files h5py writes must read in Tweed. The Python side
// (h5py_roundtrip.py) computes its expected values from its own formulas.
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "test_files.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::io {
namespace {

using test::TempDir;

std::string script() {
  const char* src = std::getenv("TWEED_SOURCE_DIR");
  return std::string(src ? src : TWEED_IO_TEST_SOURCE_DIR) + "/tests/io/h5py_roundtrip.py";
}

bool have_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") == 0;
}

int run_python(const std::string& mode, const std::string& file) {
  const std::string cmd = "/usr/bin/python3 '" + script() + "' " + mode + " '" + file + "'";
  return std::system(cmd.c_str());
}

// The same formulas as ramp() in h5py_roundtrip.py.
template <class T>
Array<T> ramp(const Shape& shape) {
  Array<T> a(shape);
  for (index_t k = 0; k < a.size(); ++k) {
    const double re = 0.25 * static_cast<double>(k) - 3.0;
    if constexpr (is_complex_v<T>)
      a[k] = T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(-0.5 * static_cast<double>(k)));
    else
      a[k] = static_cast<T>(re);
  }
  return a;
}

TEST(H5py, ReadsWhatTweedWrites) {
  ASSERT_TRUE(have_h5py())
      << "/usr/bin/python3 lacks h5py or numpy (scripts/setup.sh installs them)";
  TempDir dir;
  const std::string path = dir.file("tweed.h5");
  const Shape s{3, 4, 5};
  {
    H5Writer w(path);
    w.write("f32", ramp<float>(s), {},
            {{"units", std::string("strain")},
             {"fs", 4096.0},
             {"n", std::int64_t{42}},
             {"v", std::vector<double>{0.5, 1.5}}});
    w.write("f64", ramp<double>(s));
    w.write("c64", ramp<cfloat>(s));
    w.write("c128", ramp<cdouble>(s));
    w.write("group/nested", ramp<float>(Shape{2, 3}));
    H5WriteOptions opt;
    opt.chunk = {2, 4, 5};
    opt.gzip = 1;
    w.write("chunked", ramp<cfloat>(s), opt);
    w.set_provenance(nlohmann::json{{"check", "h5py"}}.dump());
    w.commit();
  }
  EXPECT_EQ(run_python("check", path), 0) << "h5py_roundtrip.py check failed (see its output)";
}

TEST(H5py, TweedReadsWhatH5pyWrites) {
  ASSERT_TRUE(have_h5py())
      << "/usr/bin/python3 lacks h5py or numpy (scripts/setup.sh installs them)";
  TempDir dir;
  const std::string path = dir.file("h5py.h5");
  ASSERT_EQ(run_python("write", path), 0);
  H5Reader r(path);
  const Shape s{2, 3, 4};
  const auto f32 = r.read_any("f32");
  const auto f64 = r.read_any("f64");
  const auto c64 = r.read_any("c64");
  const auto c128 = r.read_any("c128");
  ASSERT_EQ(element_type(f32), DType::f32);
  ASSERT_EQ(element_type(f64), DType::f64);
  ASSERT_EQ(element_type(c64), DType::c64);
  ASSERT_EQ(element_type(c128), DType::c128);
  const auto want_f = ramp<float>(s);
  const auto want_d = ramp<double>(s);
  const auto want_c = ramp<cfloat>(s);
  const auto want_z = ramp<cdouble>(s);
  const auto& got_f = std::get<Array<float>>(f32);
  const auto& got_d = std::get<Array<double>>(f64);
  const auto& got_c = std::get<Array<cfloat>>(c64);
  const auto& got_z = std::get<Array<cdouble>>(c128);
  ASSERT_EQ(got_c.shape(), s);
  for (index_t k = 0; k < s.size(); ++k) {
    ASSERT_EQ(got_f[k], want_f[k]);
    ASSERT_EQ(got_d[k], want_d[k]);
    ASSERT_EQ(got_c[k], want_c[k]);
    ASSERT_EQ(got_z[k], want_z[k]);
  }
  const Array<cfloat> deep = r.read<cfloat>("deep/er/c64");
  EXPECT_EQ(deep[6], want_c[6]);
  EXPECT_EQ(r.info("deep/er/c64").gzip, 5);
  const Array<float> i16 = r.read<float>("i16", 2);
  EXPECT_EQ(i16(0, 0), -3.0f);
  EXPECT_EQ(i16(1, 2), 2.0f);
  const Attributes a = r.attributes("c64");
  EXPECT_EQ(std::get<std::string>(a.at("title")), "written by h5py");
  EXPECT_EQ(std::get<double>(a.at("scale")), 0.125);
  EXPECT_EQ(std::get<std::int64_t>(a.at("count")), 17);
  EXPECT_EQ(std::get<std::vector<double>>(a.at("axis")), (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(nlohmann::json::parse(*r.provenance())["writer"], "h5py");
  EXPECT_IO_ERROR(r.read<float>("c128"), path, "complex128");
}

}  // namespace
}  // namespace tweed::io

// GWOSC strain files: HDF5 at 4096 and 16384 Hz (written with the C API and with h5py), ASCII
// plain and gzip-compressed, Tweed's output layout, and the errors for damaged inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "gwosc_files.hpp"
#include "test_files.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/gw/gwosc.hpp"

namespace tweed::gw {
namespace {

using test::GwoscSpec;
using tweed::test::TempDir;

std::vector<double> strain_like(index_t n, std::uint64_t seed) {
  Array<double> x(Shape{n});
  fill_normal(x, CounterRng(seed), 0.0, 1e-21);
  return {x.begin(), x.end()};
}

class GwoscRates : public ::testing::TestWithParam<double> {};

TEST_P(GwoscRates, ReadsTheGwoscHdf5Layout) {
  TempDir dir;
  GwoscSpec spec;
  spec.rate = GetParam();
  spec.samples = strain_like(static_cast<index_t>(2 * spec.rate), 7);
  spec.dq = {127, 126};
  const std::string path = dir.file("H-H1_GWOSC_4KHZ_R1-1126259447-2.hdf5");
  test::write_gwosc_file(path, spec);

  const Strain s = read_strain(path);
  EXPECT_EQ(s.sample_rate, spec.rate);
  EXPECT_EQ(s.gps_start, 1126259447.0);
  EXPECT_EQ(s.detector, "H1");
  ASSERT_EQ(s.size(), static_cast<index_t>(spec.samples.size()));
  for (index_t i = 0; i < s.size(); ++i) ASSERT_EQ(s.samples[i], spec.samples[i]);
  EXPECT_DOUBLE_EQ(s.duration(), 2.0);
  EXPECT_EQ(s.dq_mask, (std::vector<std::int64_t>{127, 126}));
  EXPECT_EQ(s.meta.at("Observatory"), "H");
  EXPECT_EQ(s.meta.at("Duration"), "2");
  EXPECT_FALSE(s.injection.has_value());
}
INSTANTIATE_TEST_SUITE_P(Gw, GwoscRates, ::testing::Values(4096.0, 16384.0));

TEST(GwoscHdf5, ErrorsNameTheFileAndTheProblem) {
  TempDir dir;
  GwoscSpec spec;
  spec.samples = strain_like(4096, 1);

  GwoscSpec no_strain = spec;
  no_strain.with_strain = false;
  const std::string a = dir.file("nostrain.hdf5");
  test::write_gwosc_file(a, no_strain);
  EXPECT_IO_ERROR(read_gwosc_hdf5(a), a, "strain/Strain");

  GwoscSpec no_dx = spec;
  no_dx.with_xspacing = false;
  const std::string b = dir.file("nodx.hdf5");
  test::write_gwosc_file(b, no_dx);
  EXPECT_IO_ERROR(read_gwosc_hdf5(b), b, "Xspacing");

  GwoscSpec nan = spec;
  nan.samples[5] = std::numeric_limits<double>::quiet_NaN();
  const std::string c = dir.file("nan.hdf5");
  test::write_gwosc_file(c, nan);
  EXPECT_IO_ERROR(read_gwosc_hdf5(c), c, "NaN) at index 5");

  GwoscSpec inf = spec;
  inf.samples[9] = std::numeric_limits<double>::infinity();
  const std::string d = dir.file("inf.hdf5");
  test::write_gwosc_file(d, inf);
  EXPECT_IO_ERROR(read_gwosc_hdf5(d), d, "Inf) at index 9");

  GwoscSpec short_file = spec;
  short_file.npoints_override = 8192;
  const std::string e = dir.file("npoints.hdf5");
  test::write_gwosc_file(e, short_file);
  EXPECT_IO_ERROR(read_gwosc_hdf5(e), e, "Npoints");

  GwoscSpec no_xstart = spec;
  no_xstart.with_xstart = false;  // falls back to meta/GPSstart
  const std::string f = dir.file("noxstart.hdf5");
  test::write_gwosc_file(f, no_xstart);
  EXPECT_EQ(read_gwosc_hdf5(f).gps_start, 1126259447.0);

  const std::string g = dir.file("garbage.hdf5");
  tweed::test::write_bytes(g, "not hdf5 at all");
  EXPECT_IO_ERROR(read_gwosc_hdf5(g), g, "HDF5");
  EXPECT_IO_ERROR(read_strain(dir.file("x.dat")), "x.dat", "unknown strain format");
}

TEST(GwoscHdf5, TweedOutputKeepsTheLayoutAndTheInjection) {
  TempDir dir;
  Strain s;
  s.sample_rate = 4096;
  s.gps_start = 1126259446.5;
  s.detector = "L1";
  s.samples = Array<double>::from(Shape{4096}, strain_like(4096, 3));
  s.injection = Array<double>::from(Shape{4096}, strain_like(4096, 4));
  s.dq_mask = {1};
  s.meta["Description"] = "simulated";
  StrainWriteOptions opt;
  opt.provenance_json = R"({"tool": "tweed"})";
  opt.attributes["method"] = std::string("rrof");
  opt.attributes["lambda"] = 5.6;
  opt.gzip = 4;
  const std::string path = dir.file("out.hdf5");
  write_strain(path, s, opt);
  EXPECT_TRUE(dir.temporaries().empty());

  const Strain r = read_gwosc_hdf5(path);
  EXPECT_EQ(r.sample_rate, 4096);
  EXPECT_EQ(r.gps_start, 1126259446.5);
  EXPECT_EQ(r.detector, "L1");
  EXPECT_EQ(r.meta.at("Description"), "simulated");
  EXPECT_EQ(r.meta.at("Observatory"), "L");
  EXPECT_EQ(r.dq_mask, s.dq_mask);
  ASSERT_TRUE(r.injection.has_value());
  for (index_t i = 0; i < 4096; ++i) {
    ASSERT_EQ(r.samples[i], s.samples[i]);
    ASSERT_EQ((*r.injection)[i], (*s.injection)[i]);
  }
  io::H5Reader h(path);
  EXPECT_EQ(h.provenance().value_or(""), R"({"tool": "tweed"})");
  const auto root = h.attributes("/");
  EXPECT_EQ(std::get<std::string>(root.at("method")), "rrof");
  EXPECT_EQ(std::get<double>(root.at("lambda")), 5.6);
  EXPECT_EQ(std::get<std::string>(root.at("tweed_format")), "gw-strain");
  EXPECT_EQ(std::get<std::int64_t>(h.attributes("strain/Strain").at("Npoints")), 4096);

  Strain bad = s;
  bad.injection = Array<double>(Shape{10});
  EXPECT_THROW(write_strain(dir.file("bad.hdf5"), bad), InvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.hdf5")));
}

// A file written by h5py as GWOSC writes them is read, and h5py reads what Tweed writes. A
// missing python3 or h5py fails the test: it is the peer check of the format.
TEST(GwoscHdf5, InteroperatesWithH5py) {
  ASSERT_EQ(std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1"), 0)
      << "/usr/bin/python3 lacks h5py or numpy (scripts/setup.sh installs them)";
  TempDir dir;
  const std::string in = dir.file("H-H1_GWOSC_16KHZ_R1-1126259447-4.hdf5");
  const std::string script = dir.file("make.py");
  {
    std::ofstream py(script);
    py << "import sys, h5py, numpy as np\n"
          "rate = 16384; n = 4 * rate\n"
          "x = 1e-21 * np.sin(2 * np.pi * 100 * np.arange(n) / rate)\n"
          "with h5py.File(sys.argv[1], 'w') as f:\n"
          "    d = f.create_dataset('strain/Strain', data=x, compression='gzip')\n"
          "    d.attrs['Xstart'] = 1126259447\n"
          "    d.attrs['Xspacing'] = 1.0 / rate\n"
          "    d.attrs['Npoints'] = n\n"
          "    d.attrs['Xunits'] = 'second'\n"
          "    f['meta/GPSstart'] = 1126259447\n"
          "    f['meta/Duration'] = 4\n"
          "    f['meta/Detector'] = np.bytes_('H1')\n"
          "    f['meta/UTCstart'] = '2015-09-14T09:50:30'\n"
          "    f['quality/simple/DQmask'] = np.array([127, 127, 127, 63], dtype=np.int32)\n"
          "if len(sys.argv) > 2:\n"
          "    with h5py.File(sys.argv[2], 'r') as g:\n"
          "        s = g['strain/Strain']\n"
          "        assert s.shape == (n,), s.shape\n"
          "        assert abs(s.attrs['Xspacing'] * rate - 1) < 1e-15\n"
          "        assert s.attrs['Xstart'] == 1126259447\n"
          "        assert g['meta/Detector'][()].decode() == 'H1'\n"
          "        assert g['meta/UTCstart'][()].decode() == '2015-09-14T09:50:30'\n"
          "        assert np.array_equal(g['injection/signal'][:], x)\n"
          "        assert np.array_equal(s[:], 2 * x)\n"
          "        print('h5py ok')\n";
  }
  ASSERT_EQ(std::system(("/usr/bin/python3 '" + script + "' '" + in + "'").c_str()), 0);
  Strain s = read_gwosc_hdf5(in);
  EXPECT_EQ(s.sample_rate, 16384);
  EXPECT_EQ(s.detector, "H1");
  EXPECT_EQ(s.meta.at("UTCstart"), "2015-09-14T09:50:30");
  EXPECT_EQ(s.dq_mask.size(), 4u);
  ASSERT_EQ(s.size(), 4 * 16384);
  EXPECT_NEAR(s.samples[41], 1e-21 * std::sin(2 * M_PI * 100 * 41 / 16384.0), 1e-36);

  // Back through Tweed, then h5py checks the output.
  s.injection = s.samples;
  for (double& v : s.samples) v *= 2;
  const std::string out = dir.file("tweed.hdf5");
  write_strain(out, s);
  const std::string other = dir.file("again.hdf5");
  EXPECT_EQ(
      std::system(("/usr/bin/python3 '" + script + "' '" + other + "' '" + out + "'").c_str()), 0);
}

std::string sample_lines(const std::vector<double>& v) {
  std::ostringstream s;
  s.precision(17);
  for (double x : v) s << x << "\n";
  return s.str();
}

TEST(GwoscAscii, ReadsPlainAndGzip) {
  TempDir dir;
  const std::vector<double> v = strain_like(2 * 4096, 11);
  const std::string text = test::gwosc_ascii(4096, 1126259446, 2, sample_lines(v));
  const std::string plain = dir.file("L-L1_GWOSC_4KHZ_R1-1126259446-2.txt");
  const std::string gz = dir.file("L-L1_GWOSC_4KHZ_R1-1126259446-2.txt.gz");
  tweed::test::write_bytes(plain, text);
  test::write_gzip(gz, text);
  for (const auto& path : {plain, gz}) {
    const Strain s = read_strain(path);
    EXPECT_EQ(s.sample_rate, 4096);
    EXPECT_EQ(s.gps_start, 1126259446);
    EXPECT_EQ(s.detector, "L1");
    ASSERT_EQ(s.size(), 8192);
    for (index_t i = 0; i < s.size(); ++i) ASSERT_EQ(s.samples[i], v[static_cast<std::size_t>(i)]);
  }
}

TEST(GwoscAscii, ErrorsNameTheFileAndTheLine) {
  TempDir dir;
  const std::vector<double> v = strain_like(4096, 12);
  const std::string body = sample_lines(v);

  const std::string shortf = dir.file("short.txt");
  tweed::test::write_bytes(shortf, test::gwosc_ascii(4096, 1, 2, body));
  EXPECT_IO_ERROR(read_gwosc_ascii(shortf), shortf, "truncated");

  const std::string bad = dir.file("bad.txt");
  tweed::test::write_bytes(bad, test::gwosc_ascii(4096, 1, 1, "1e-21\n2e-21\nabc\n" + body));
  EXPECT_IO_ERROR(read_gwosc_ascii(bad), bad, "line 6: 'abc' is not a number");

  const std::string nan = dir.file("nan.txt");
  tweed::test::write_bytes(nan, test::gwosc_ascii(4096, 1, 1, "nan\n" + body));
  EXPECT_IO_ERROR(read_gwosc_ascii(nan), nan, "not finite");

  const std::string norate = dir.file("norate.txt");
  tweed::test::write_bytes(norate, "# starting GPS 1 duration 1\n" + body);
  EXPECT_IO_ERROR(read_gwosc_ascii(norate), norate, "samples per second");

  // A gzip stream cut in half.
  const std::string gz = dir.file("cut.txt.gz");
  test::write_gzip(gz, test::gwosc_ascii(4096, 1, 1, body));
  tweed::test::truncate_file(gz, 0.5);
  EXPECT_IO_ERROR(read_gwosc_ascii(gz), gz, "truncated");

  EXPECT_IO_ERROR(read_gwosc_ascii(dir.file("missing.txt")), "missing.txt", "no such file");
}

}  // namespace
}  // namespace tweed::gw

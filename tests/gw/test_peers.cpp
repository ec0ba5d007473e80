// Peer check against SciPy: Welch (mean and median), the zero-phase Butterworth and notch gains,
// and the Tukey window agree with scipy.signal on the same inputs. A missing python3, numpy or
// scipy fails the test: this is the reference the conventions are checked against.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "test_files.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {
namespace {

TEST(GwPeers, ConditioningAgreesWithScipy) {
  ASSERT_EQ(std::system("/usr/bin/python3 -c 'import numpy, scipy.signal' >/dev/null 2>&1"), 0)
      << "/usr/bin/python3 lacks numpy or scipy (scripts/setup.sh installs them)";
  const char* src = std::getenv("TWEED_SOURCE_DIR");
  ASSERT_NE(src, nullptr) << "TWEED_SOURCE_DIR is not set (run through ctest)";
  tweed::test::TempDir dir;
  const double fs = 1024;
  Array<double> x(Shape{20000});  // not a whole number of segments: the tail is dropped alike
  fill_normal(x, CounterRng(77), 0.5, 2.0);
  for (index_t i = 0; i < x.size(); ++i) x[i] += 3 * std::sin(0.37 * static_cast<double>(i));
  const std::string data = dir.file("x.bin"), out = dir.file("peer.bin");
  {
    std::ofstream f(data, std::ios::binary);
    f.write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(x.bytes()));
  }
  const std::string cmd = "/usr/bin/python3 '" + std::string(src) + "/tests/gw/scipy_peer.py' '" +
                          data + "' '" + out + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::vector<double> peer(129 * 2 + 257 * 2 + 101);
  {
    std::ifstream f(out, std::ios::binary);
    f.read(reinterpret_cast<char*>(peer.data()), static_cast<std::streamsize>(peer.size() * 8));
    ASSERT_TRUE(f) << "short peer output";
  }
  std::size_t at = 0;
  for (auto avg : {WelchAverage::kMean, WelchAverage::kMedian}) {
    WelchOptions o;
    o.segment_length = 256;
    o.average = avg;
    const Psd p = welch_psd(x, fs, o);
    ASSERT_EQ(p.bins(), 129);
    for (index_t k = 0; k < 129; ++k, ++at)
      EXPECT_NEAR(p.values[k], peer[at], 1e-10 * peer[at]) << "bin " << k;
  }
  for (int i = 0; i <= 256; ++i, ++at)
    EXPECT_NEAR(butterworth_gain(2.0 * i, fs, 20, 200, 4), peer[at], 1e-9) << 2 * i << " Hz";
  for (int i = 0; i <= 256; ++i, ++at)
    EXPECT_NEAR(notch_gain(2.0 * i, fs, 60, 30), peer[at], 1e-9) << 2 * i << " Hz";
  const Array<double> w = tukey_window(101, 0.3);
  for (int i = 0; i < 101; ++i, ++at) EXPECT_NEAR(w[i], peer[at], 1e-14) << i;
}

}  // namespace
}  // namespace tweed::gw

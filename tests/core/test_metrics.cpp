// Metric tests: hand-computed cases, and PSNR/SSIM against scikit-image run live on the same data.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "tweed/core/metrics.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"

namespace tweed {
namespace {

TEST(Metrics, NrmseAndSnrHandCases) {
  const Array<double> ref = Array<double>::from(Shape{2}, std::vector<double>{3, 4});
  const Array<double> x = Array<double>::from(Shape{2}, std::vector<double>{3, 5});
  // ||x - ref|| = 1, ||ref|| = 5
  EXPECT_NEAR(metrics::nrmse(ref, x), 0.2, 1e-15);
  EXPECT_NEAR(metrics::snr_db(ref, x), 10 * std::log10(25.0), 1e-12);

  const Array<cfloat> cref = Array<cfloat>::from(Shape{2}, std::vector<cfloat>{{0, 3}, {4, 0}});
  const Array<cfloat> cx = Array<cfloat>::from(Shape{2}, std::vector<cfloat>{{0, 3.5f}, {4, 0}});
  // |0.5i|^2 = 0.25 against 25: nrmse 0.1, SNR 20 dB
  EXPECT_NEAR(metrics::nrmse(cref, cx), 0.1, 1e-7);
  EXPECT_NEAR(metrics::snr_db(cref, cx), 20.0, 1e-5);

  EXPECT_EQ(metrics::nrmse(ref, ref), 0.0);
  EXPECT_EQ(metrics::snr_db(ref, ref), std::numeric_limits<double>::infinity());
  EXPECT_THROW(metrics::nrmse(ref, Array<double>(Shape{3})), ShapeMismatch);
}

TEST(Metrics, PsnrHandCases) {
  const Array<double> ref = Array<double>::from(Shape{2, 2}, std::vector<double>{0, 2, 1, 1});
  const Array<double> x = Array<double>::from(Shape{2, 2}, std::vector<double>{0.1, 1.9, 1.1, 0.9});
  // MSE = 0.01: 20 dB for a range of 1; the default range max - min = 2 gives 10 log10(400).
  EXPECT_NEAR(metrics::psnr(ref, x, 1.0), 20.0, 1e-12);
  EXPECT_NEAR(metrics::psnr(ref, x), 10 * std::log10(400.0), 1e-12);
  const Array<float> fr = convert<float>(ref), fx = convert<float>(x);
  EXPECT_NEAR(metrics::psnr(fr, fx, 1.0), 20.0, 1e-5);
  EXPECT_EQ(metrics::psnr(ref, ref, 1.0), std::numeric_limits<double>::infinity());
  // A constant reference has no default range.
  EXPECT_THROW(metrics::psnr(Array<double>(Shape{4}, 1.0), Array<double>(x).reshaped(Shape{4})),
               InvalidInput);
}

TEST(Metrics, SamHandCases) {
  // Pixel 0: orthogonal spectra (pi/2); pixel 1: 45 degrees (pi/4); pixel 2: zero ref, skipped.
  const Array<double> ref = Array<double>::from(Shape{3, 2}, std::vector<double>{1, 0, 1, 0, 0, 0});
  const Array<double> x = Array<double>::from(Shape{3, 2}, std::vector<double>{0, 1, 1, 1, 1, 1});
  EXPECT_NEAR(metrics::sam(ref, x), 3 * std::numbers::pi / 8, 1e-15);
  const Array<float> one_ref = Array<float>::from(Shape{1, 3}, std::vector<float>{0, 2, 0});
  const Array<float> one_x = Array<float>::from(Shape{1, 3}, std::vector<float>{5, 0, -1});
  EXPECT_NEAR(metrics::sam(one_ref, one_x), std::numbers::pi / 2, 1e-7);
  // Scaling a spectrum does not change its angle; identical spectra give exactly 0.
  Array<double> y = ref;
  scale(y, 3.0);
  EXPECT_NEAR(metrics::sam(ref, y), 0.0, 1e-7);
}

TEST(Metrics, SsimOfAnImageWithItselfIsOne) {
  Array<double> a(Shape{3, 20, 23});
  fill_uniform(a, CounterRng(1));
  EXPECT_NEAR(metrics::ssim(a, a), 1.0, 1e-12);
  Array<float> f(Shape{16, 16});
  fill_uniform(f, CounterRng(2));
  EXPECT_NEAR(metrics::ssim(f, f, 1.0), 1.0, 1e-6);
  Array<float> noisy = f;
  Array<float> noise(f.shape());
  fill_normal(noise, CounterRng(3), 0.0, 0.2);
  axpy(1.0f, noise, noisy);
  const double s = metrics::ssim(f, noisy, 1.0);
  EXPECT_LT(s, 0.95);
  // With a fixed data range SSIM is symmetric in its arguments.
  EXPECT_NEAR(metrics::ssim(noisy, f, 1.0), s, 1e-12);
  EXPECT_THROW(metrics::ssim(Array<double>(Shape{10, 40}), Array<double>(Shape{10, 40}), 1.0),
               InvalidInput);
}

// --- scikit-image, run live ---------------------------------------------------------------------

const char* kPython = "/usr/bin/python3";

bool have_skimage() {
  const std::string cmd = std::string(kPython) + " -c 'import skimage.metrics' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string run_python(const std::string& code) {
  const std::string cmd = std::string(kPython) + " -c '" + code + "' 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return {};
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  pclose(pipe);
  return out;
}

// A float64 little-endian raw file that removes itself.
struct TempRaw {
  std::filesystem::path path;
  TempRaw(const std::string& tag, const Array<double>& a) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("tweed_metrics_" + std::to_string(::getpid()) + "_" + tag + "_" +
            std::to_string(counter++) + ".raw");
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(a.data()), static_cast<std::streamsize>(a.bytes()));
  }
  ~TempRaw() { std::filesystem::remove(path); }
};

struct Peer {
  double ssim = std::numeric_limits<double>::quiet_NaN();
  double psnr = std::numeric_limits<double>::quiet_NaN();
};

// Collects pairs of float64 arrays, then runs scikit-image once over all of them (one Python
// start-up instead of one per pair): SSIM with the Wang et al. settings and PSNR. For rank 3 the
// first axis is taken as channels, which averages per-image SSIM as Tweed does over leading axes.
class SkimagePeer {
 public:
  void add(const Array<double>& ref, const Array<double>& x, double data_range) {
    files_.push_back(std::make_unique<TempRaw>("ref", ref));
    files_.push_back(std::make_unique<TempRaw>("x", x));
    std::ostringstream shape;
    for (int a = 0; a < ref.rank(); ++a) shape << ref.dim(a) << ",";
    std::ostringstream item;
    item.precision(17);
    item << "(\"" << files_[files_.size() - 2]->path.string() << "\", \""
         << files_.back()->path.string() << "\", (" << shape.str() << "), " << data_range << "),";
    items_ += item.str();
  }
  std::vector<Peer> run() const {
    const std::string code =
        "import numpy as np\n"
        "from skimage.metrics import structural_similarity as S, peak_signal_noise_ratio as P\n"
        "for fr, fx, shape, R in [" +
        items_ +
        "]:\n"
        "    r = np.fromfile(fr, dtype=\"<f8\").reshape(shape)\n"
        "    x = np.fromfile(fx, dtype=\"<f8\").reshape(shape)\n"
        "    if R <= 0: R = float(r.max() - r.min())\n"
        "    kw = dict(channel_axis=0) if r.ndim == 3 else {}\n"
        "    s = S(r, x, data_range=R, gaussian_weights=True, sigma=1.5,\n"
        "          use_sample_covariance=False, **kw)\n"
        "    print(repr(float(s)), repr(float(P(r, x, data_range=R))))\n";
    std::istringstream out(run_python(code));
    std::vector<Peer> peers(files_.size() / 2);
    for (Peer& p : peers) out >> p.ssim >> p.psnr;
    return peers;
  }

 private:
  std::vector<std::unique_ptr<TempRaw>> files_;
  std::string items_;
};

// A smooth image plus noise, so that SSIM sits well inside (0, 1).
void make_pair(Array<double>& ref, Array<double>& x, std::uint64_t seed, double noise) {
  const int rank = ref.rank();
  const index_t h = ref.dim(rank - 2), w = ref.dim(rank - 1);
  for (index_t i = 0; i < ref.size(); ++i) {
    const index_t r = (i / w) % h, c = i % w, img = i / (h * w);
    ref[i] =
        std::sin(0.3 * double(r) + double(img)) * std::cos(0.21 * double(c)) + 0.01 * double(c);
  }
  Array<double> n(ref.shape());
  fill_normal(n, CounterRng(seed), 0.0, noise);
  x = ref;
  axpy(1.0, n, x);
}

TEST(MetricsPeer, SsimAndPsnrMatchScikitImage) {
  ASSERT_TRUE(have_skimage()) << kPython
                              << " with scikit-image is needed (scripts/setup.sh installs it)";
  struct Case {
    Shape shape;
    double noise, range;
  };
  const std::vector<Case> cases{{Shape{37, 45}, 0.1, 2.5},
                                {Shape{37, 45}, 0.3, 0.0},
                                {Shape{11, 11}, 0.2, 3.0},
                                {Shape{64, 20}, 0.05, 0.0},
                                {Shape{2, 24, 30}, 0.15, 0.0}};
  std::vector<Array<double>> refs, xs;
  SkimagePeer peer;
  std::uint64_t seed = 40;
  for (const Case& c : cases) {
    Array<double> ref(c.shape), x(c.shape);
    make_pair(ref, x, seed++, c.noise);
    peer.add(ref, x, c.range);
    // Float inputs: scikit-image sees the same (rounded) values in float64.
    peer.add(convert<double>(convert<float>(ref)), convert<double>(convert<float>(x)), c.range);
    refs.push_back(std::move(ref));
    xs.push_back(std::move(x));
  }
  const std::vector<Peer> got = peer.run();
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    const Peer& pd = got[2 * k];
    const Peer& pf = got[2 * k + 1];
    ASSERT_TRUE(std::isfinite(pd.ssim) && std::isfinite(pd.psnr) && std::isfinite(pf.ssim) &&
                std::isfinite(pf.psnr))
        << "scikit-image produced no numbers for " << c.shape.str();
    const double s = metrics::ssim(refs[k], xs[k], c.range);
    EXPECT_NEAR(s, pd.ssim, 1e-6 * std::abs(pd.ssim)) << c.shape.str();
    EXPECT_NEAR(metrics::psnr(refs[k], xs[k], c.range), pd.psnr, 1e-6 * std::abs(pd.psnr))
        << c.shape.str();
    EXPECT_GT(s, 0.05) << c.shape.str();
    EXPECT_LT(s, 0.999) << c.shape.str();
    // Float inputs are accumulated in double, so they match scikit-image on the same values.
    const Array<float> fr = convert<float>(refs[k]), fx = convert<float>(xs[k]);
    EXPECT_NEAR(metrics::ssim(fr, fx, c.range), pf.ssim, 1e-6 * std::abs(pf.ssim)) << c.shape.str();
    EXPECT_NEAR(metrics::psnr(fr, fx, c.range), pf.psnr, 1e-6 * std::abs(pf.psnr)) << c.shape.str();
  }
}

TEST(Metrics, SsimDoesNotDependOnThreadCount) {
  const int saved = num_threads();
  Array<double> ref(Shape{300, 200}), x(Shape{300, 200});
  make_pair(ref, x, 77, 0.2);
  set_num_threads(1);
  const double s1 = metrics::ssim(ref, x);
  const double p1 = metrics::sam(ref, x);
  set_num_threads(2);
  const double s2 = metrics::ssim(ref, x);
  const double p2 = metrics::sam(ref, x);
  set_num_threads(saved);
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(p1, p2);
}

}  // namespace
}  // namespace tweed

// Low-dose simulation: the noise model's mean and variance, the zero-count floor, seeding and
// thread invariance; Hounsfield conversion and images read from files; phantoms in 1/mm.
#include <gtest/gtest.h>

#include <cmath>

#include "ct_test_util.hpp"
#include "expect_error.hpp"
#include "test_files.hpp"
#include "tweed/ct/simulate.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::ct {
namespace {

struct Moments {
  double mean, var;
};
Moments moments(const Array<float>& x) {
  double s = 0, s2 = 0;
  for (float v : x) s += v;
  const double m = s / double(x.size());
  for (float v : x) s2 += (v - m) * (v - m);
  return {m, s2 / double(x.size() - 1)};
}

TEST(CtSimulate, NoiseHasTheModelsMeanAndVariance) {
  const double p = 2.0, i0 = 1e4;
  const Array<float> clean(Shape{400, 500}, float(p));
  for (double sigma : {0.0, 5.0}) {
    DoseOptions o;
    o.photons = i0;
    o.electronic_sigma = sigma;
    o.seed = 3;
    const Moments m = moments(simulate_low_dose(clean, o));
    const double lambda = i0 * std::exp(-p);
    const double var = (lambda + sigma * sigma) / (lambda * lambda);
    EXPECT_NEAR(m.var, var, 0.03 * var) << "sigma " << sigma;
    // -ln of a Poisson mean is biased by about var / 2 (second-order delta method).
    EXPECT_NEAR(m.mean, p + 0.5 * var, 0.2 * var) << "sigma " << sigma;
  }
}

TEST(CtSimulate, ZeroCountsHitTheFloor) {
  const Array<float> opaque(Shape{10, 10}, 40.0f);  // exp(-40) I0: no photon arrives
  DoseOptions o;
  o.photons = 5e3;
  o.electronic_sigma = 0;
  o.count_floor = 0.5;
  for (float v : simulate_low_dose(opaque, o)) EXPECT_FLOAT_EQ(v, float(std::log(5e3 / 0.5)));
}

TEST(CtSimulate, SeededAndThreadInvariant) {
  Array<float> clean(Shape{64, 80});
  for (index_t i = 0; i < clean.size(); ++i) clean[i] = float(i % 37) * 0.1f;
  DoseOptions o;
  o.seed = 11;
  auto r = test::with_threads_1_and_2([&] { return simulate_low_dose(clean, o); });
  EXPECT_TRUE(test::same_bytes(r.first, r.second));
  o.seed = 12;
  EXPECT_FALSE(test::same_bytes(r.first, simulate_low_dose(clean, o)));
}

TEST(CtSimulate, BadOptionsNameTheOption) {
  const Array<float> clean(Shape{4, 4}, 1.0f);
  DoseOptions o;
  o.photons = 0;
  EXPECT_TWEED_ERROR(simulate_low_dose(clean, o), InvalidInput, "I0", "positive");
  o = DoseOptions{};
  o.electronic_sigma = -1;
  EXPECT_TWEED_ERROR(simulate_low_dose(clean, o), InvalidInput, "electronic noise", ">= 0");
  Array<float> nan(Shape{2, 2}, NAN);
  EXPECT_TWEED_ERROR(simulate_low_dose(nan, DoseOptions{}), InvalidInput, "sinogram", "NaN");
}

TEST(CtSimulate, HounsfieldToAttenuation) {
  const Array<float> hu =
      Array<float>::from(Shape{5}, std::vector<float>{-1100, -1000, 0, 1000, 500});
  const Array<float> mu = hu_to_attenuation(hu, 0.02);
  EXPECT_EQ(mu[0], 0.0f);
  EXPECT_NEAR(mu[1], 0.0, 1e-9);
  EXPECT_FLOAT_EQ(mu[2], 0.02f);
  EXPECT_FLOAT_EQ(mu[3], 0.04f);
  EXPECT_FLOAT_EQ(mu[4], 0.03f);
}

TEST(CtSimulate, ReadsImagesInHounsfieldFromFiles) {
  tweed::test::TempDir dir;
  Array<float> hu(Shape{1, 6, 8}, 0.0f);  // water
  hu(0, 2, 3) = 1000.0f;
  const std::string path = dir.file("slice.nii");
  io::write_image(path, hu, {{0.7, 0.7, 2.0}, {}, {}});
  const AttenuationImage img = read_attenuation_image(path, ImageUnits::hounsfield, 0.02);
  ASSERT_EQ(img.mu.shape(), (Shape{6, 8}));
  EXPECT_TRUE(img.from_hounsfield);
  EXPECT_NEAR(img.pixel_size, 0.7, 1e-6);
  EXPECT_FLOAT_EQ(img.mu(0, 0), 0.02f);
  EXPECT_FLOAT_EQ(img.mu(2, 3), 0.04f);
  // Without a DICOM CT modality, automatic keeps the values as attenuation.
  EXPECT_FALSE(read_attenuation_image(path).from_hounsfield);
  io::write_image(dir.file("aniso.nii"), hu, {{0.7, 0.9, 2.0}, {}, {}});
  EXPECT_TWEED_ERROR(read_attenuation_image(dir.file("aniso.nii")), InvalidInput, "aniso.nii",
                     "not square");
}

TEST(CtSimulate, PhantomsAreInPerMm) {
  const Array<float> sl = make_phantom(Phantom::shepp_logan, 64);
  EXPECT_NEAR(sl(45, 32), kMuWater70keV, 1e-6);  // brain = water (x = 0, y = -0.42)
  EXPECT_EQ(sl(0, 0), 0.0f);
  const Array<float> fb = make_phantom(Phantom::forbild_head, 128, 256.0);
  EXPECT_NEAR(fb(64, 40), 1.045 * kMuWater70keV, 1e-6);  // brain, x = -47 mm
  EXPECT_NEAR(fb(64, 17), 1.8 * kMuWater70keV, 1e-6);    // skull, x = -93 mm
  EXPECT_EQ(fb(64, 2), 0.0f);                            // air
  EXPECT_EQ(parse_phantom("forbild"), Phantom::forbild_head);
  EXPECT_TWEED_ERROR(parse_phantom("xcat"), InvalidInput, "phantom", "xcat");
}

}  // namespace
}  // namespace tweed::ct

#include "tweed/ct/reconstruct.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/ct/projector.hpp"
#include "tweed/linop/combinators.hpp"
#include "tweed/linop/finite_difference.hpp"
#include "tweed/priors/tv.hpp"
#include "tweed/solvers/pdhg.hpp"
#include "tweed/solvers/power.hpp"

namespace tweed::ct {

namespace {

index_t slices_of(const Array<float>& sino, const Geometry& g) {
  const Shape one = g.sinogram_shape();
  if (sino.shape() == one) return 0;  // a single sinogram, rank 2
  if (sino.rank() == 3 && sino.shape().drop_front() == one) return sino.dim(0);
  throw ShapeMismatch("reconstruct", "sinogram has shape " + sino.shape().str() +
                                         ", the geometry needs " + one.str() + " or [slices, " +
                                         std::to_string(g.views) + ", " +
                                         std::to_string(g.detectors) + "]");
}

float max_abs(const Array<float>& x) {
  float m = 0;
  for (float v : x) m = std::max(m, std::abs(v));
  return m;
}

// ZS-N2N needs even sides: pad by replicating the last row / column, denoise, crop.
Array<float> zsn2n_image(const Array<float>& img, const learned::TrainOptions& o) {
  const index_t h = img.dim(0), w = img.dim(1), he = h + h % 2, we = w + w % 2;
  const float peak = max_abs(img);
  const float k = peak > 0 ? 1.0f / peak : 1.0f;
  Array<float> padded(Shape{he, we});
  for (index_t r = 0; r < he; ++r)
    for (index_t c = 0; c < we; ++c) padded(r, c) = img(std::min(r, h - 1), std::min(c, w - 1)) * k;
  const Array<float> den = learned::zs_n2n(padded, o);
  Array<float> out(Shape{h, w});
  for (index_t r = 0; r < h; ++r)
    for (index_t c = 0; c < w; ++c) out(r, c) = den(r, c) / k;
  return out;
}

// kappa = trace(A^T A) / (pixels ||A||^2): the mean eigenvalue of the normalised normal
// operator, i.e. its curvature at the (high) frequencies where FBP noise lives. The trace is
// Hutchinson's estimate ||A z||^2 with one seeded Gaussian z (exact in expectation; with tens of
// thousands of pixels its relative error is about sqrt(2 / pixels)).
double mean_normal_eigenvalue(const Geometry& g) {
  const Projector a(g);
  Array<float> z(g.image_shape());
  fill_normal(z, CounterRng(0x7c7c, 3));
  const Array<float> az = a(z);
  double tr = 0;
  for (float v : az) tr += double(v) * v;
  solvers::PowerOptions po;
  po.max_iterations = 50;
  po.tol = 1e-4;
  const double top = solvers::power_iteration<float>(a, po).value;
  return top > 0 ? tr / (double(z.size()) * top) : 0.0;
}

Array<float> reconstruct_one(const Array<float>& sino, const Geometry& g, Method method,
                             const ReconOptions& o) {
  switch (method) {
    case Method::fbp:
      return fbp(sino, g, o.fbp);
    case Method::flicker:
      return flicking_reconstruct(sino, g, o.flicking);
    case Method::zsn2n:
      return zsn2n_image(fbp(sino, g, o.fbp), o.zsn2n);
    case Method::tv: {
      const Array<float> start = fbp(sino, g, o.fbp);
      const double lambda = o.tv.weight * estimate_noise_sigma(start) * mean_normal_eigenvalue(g);
      return tv_reconstruct(sino, g, lambda, o.tv, start);
    }
    case Method::tv_fbp: {
      const Array<float> f = fbp(sino, g, o.fbp);
      Array<float> out;
      priors::tv_denoise(f, o.tv_fbp.weight * estimate_noise_sigma(f), out);
      return out;
    }
  }
  throw InvalidInput("method", "unknown method");
}

}  // namespace

Method parse_method(const std::string& name) {
  if (name == "fbp") return Method::fbp;
  if (name == "flicker") return Method::flicker;
  if (name == "zsn2n") return Method::zsn2n;
  if (name == "tv") return Method::tv;
  if (name == "tv-fbp") return Method::tv_fbp;
  throw InvalidInput("method",
                     "unknown method '" + name + "' (expected fbp, flicker, zsn2n, tv or tv-fbp)");
}

std::string to_string(Method m) {
  switch (m) {
    case Method::fbp:
      return "fbp";
    case Method::flicker:
      return "flicker";
    case Method::zsn2n:
      return "zsn2n";
    case Method::tv:
      return "tv";
    case Method::tv_fbp:
      return "tv-fbp";
  }
  return "?";
}

double estimate_noise_sigma(const Array<float>& image) {
  if (image.rank() < 2 || image.dim(image.rank() - 1) < 2 || image.dim(image.rank() - 2) < 2)
    throw InvalidInput("noise estimate", "needs an image of at least 2 x 2 pixels");
  const index_t w = image.dim(image.rank() - 1), h = image.dim(image.rank() - 2);
  const index_t planes = image.size() / (h * w);
  double sum = 0;
  std::vector<float> d;
  d.reserve(static_cast<std::size_t>((h - 1) * (w - 1)));
  for (index_t s = 0; s < planes; ++s) {
    d.clear();
    const float* x = image.data() + s * h * w;
    for (index_t r = 0; r + 1 < h; ++r)
      for (index_t c = 0; c + 1 < w; ++c)
        d.push_back(std::abs(x[r * w + c] - x[(r + 1) * w + c + 1]));
    auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
    std::nth_element(d.begin(), mid, d.end());
    sum += double(*mid) / (0.6745 * std::sqrt(2.0));
  }
  return sum / double(planes);
}

Array<float> tv_reconstruct(const Array<float>& sino, const Geometry& g, double lambda,
                            const TvReconOptions& o, const Array<float>& start,
                            solvers::SolveReport* report) {
  if (!(lambda >= 0) || !std::isfinite(lambda))
    throw InvalidInput("tv weight", "lambda must be >= 0, got " + std::to_string(lambda));
  if (o.iterations < 1) throw InvalidInput("tv iterations", "must be at least 1");
  require_same_shape(sino.shape(), g.sinogram_shape(), "tv sinogram");
  require_same_shape(start.shape(), g.image_shape(), "tv start image");
  auto a = make_projector(g);
  solvers::PowerOptions po;
  po.max_iterations = 50;
  po.tol = 1e-4;
  const double norm = std::sqrt(solvers::power_iteration<float>(*a, po).value * 1.02);
  // The data block is scaled by c = sqrt(8) so that it weighs as much as the gradient (||D||^2
  // <= 8) in PDHG's steps: K = [c A / ||A||; D], ||K|| <= 4, F(u) = 1/(2 c^2) ||u - c p~||^2.
  const double c = std::sqrt(8.0);
  auto scaled =
      linop::scale<float>(static_cast<float>(c / norm),
                          std::static_pointer_cast<const linop::LinearOperator<float>>(a));
  auto d = linop::finite_difference<float>(g.image_shape(), {0, 1});
  auto k = linop::stack<float>({scaled, d});
  const index_t m = sino.size(), npix = g.rows * g.cols;
  Array<float> data(sino.shape());
  for (index_t i = 0; i < m; ++i) data[i] = static_cast<float>(sino[i] / norm);

  auto prox_g = [&o](const Array<float>& v, double, Array<float>& out) {
    const float* pv = v.data();
    float* po2 = out.data();
    if (o.nonnegative)
      parallel_for(0, v.size(), [&](index_t i) { po2[i] = std::max(pv[i], 0.0f); });
    else
      std::memcpy(po2, pv, v.bytes());
  };
  // prox of sigma F*: data block (v - sigma c p~) / (1 + sigma c^2); gradient block: projection
  // of every pixel's gradient pair onto the lambda-ball (the conjugate of lambda ||.||_{2,1}).
  auto prox_fc = [&data, m, npix, lambda, c](const Array<float>& v, double sigma,
                                             Array<float>& out) {
    const float* pv = v.data();
    const float* pd = data.data();
    float* po2 = out.data();
    const auto sc = static_cast<float>(sigma * c);
    const auto inv = static_cast<float>(1.0 / (1.0 + sigma * c * c));
    parallel_for(0, m, [&](index_t i) { po2[i] = (pv[i] - sc * pd[i]) * inv; });
    const auto lam = static_cast<float>(lambda);
    parallel_for(0, npix, [&](index_t p) {
      const float gx = pv[m + p], gy = pv[m + npix + p];
      const float nrm = std::sqrt(gx * gx + gy * gy);
      const float f = nrm > lam ? lam / nrm : 1.0f;
      po2[m + p] = gx * f;
      po2[m + npix + p] = gy * f;
    });
  };
  solvers::PdhgOptions po2;
  po2.max_iterations = o.iterations;
  po2.tol = 0;
  po2.keep_history = false;
  po2.operator_norm = 4.0;  // ||c A / ||A|| ||^2 + ||D||^2 <= 8 + 8
  Array<float> x = start;
  if (o.nonnegative)
    for (float& v : x) v = std::max(v, 0.0f);
  const solvers::SolveReport rep = solvers::pdhg<float>(*k, prox_g, prox_fc, x, po2, o.monitor);
  if (report) *report = rep;
  return x;
}

Array<float> reconstruct(const Array<float>& sino, const Geometry& g, Method method,
                         const ReconOptions& o) {
  g.validate();
  const index_t slices = slices_of(sino, g);
  if (slices == 0) return reconstruct_one(sino, g, method, o);
  const Shape is = g.image_shape();
  Array<float> out(is.prepend(slices));
  for (index_t s = 0; s < slices; ++s) {
    const Array<float> img = reconstruct_one(sino.slice(s).copy(), g, method, o);
    std::memcpy(out.data() + s * is.size(), img.data(), img.bytes());
  }
  return out;
}

}  // namespace tweed::ct

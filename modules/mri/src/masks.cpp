// Cartesian sampling masks (see masks.hpp).
//
// Random choices: every mask kind draws from CounterRng(seed, stream) with its own stream, and
// element index = the position of the draw, so a mask is a pure function of its options.
#include "tweed/mri/masks.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::mri {

namespace {

constexpr const char* kSubject = "mask";

// RNG streams, one per kind, so that two kinds with one seed are unrelated.
constexpr std::uint32_t kStreamUniform = 0x4d31;
constexpr std::uint32_t kStreamGaussian = 0x4d32;
constexpr std::uint32_t kStreamPoisson = 0x4d33;

// First index of the centred block of `len` entries on an axis of extent n: the block holds
// the centre n/2 at its own centre len/2.
index_t centred_start(index_t n, index_t len) {
  return n / 2 - len / 2;
}

// A random permutation of 0..n-1 (Fisher-Yates, draw i from index i of the stream).
std::vector<index_t> permutation(index_t n, const CounterRng& rng) {
  std::vector<index_t> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), index_t{0});
  for (index_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<index_t>(
        rng.below(static_cast<std::uint64_t>(i + 1), static_cast<std::uint64_t>(i)));
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
  }
  return p;
}

// Lines (1-D masks): the chosen Y indices become full X (and Z) lines.
Array<float> lines_to_mask(const Grid& grid, const std::vector<char>& line) {
  Array<float> mask(grid.shape());
  for (index_t z = 0; z < grid.nz; ++z)
    for (index_t y = 0; y < grid.ny; ++y)
      if (line[static_cast<std::size_t>(y)])
        std::fill_n(mask.data() + (z * grid.ny + y) * grid.nx, grid.nx, 1.0f);
  return mask;
}

std::vector<char> acs_lines(index_t ny, index_t cal) {
  std::vector<char> line(static_cast<std::size_t>(ny), 0);
  const index_t y0 = centred_start(ny, cal);
  for (index_t y = y0; y < y0 + cal; ++y) line[static_cast<std::size_t>(y)] = 1;
  return line;
}

// Number of lines (points) a random mask of n candidates keeps at acceleration r.
index_t target_count(index_t n, double r) {
  return std::clamp<index_t>(static_cast<index_t>(std::llround(static_cast<double>(n) / r)), 1, n);
}

std::vector<char> regular_lines(index_t ny, const MaskOptions& o) {
  std::vector<char> line = acs_lines(ny, o.calibration);
  // Lines at ny/2 + round(k R) for every integer k (every R-th line for an integer R).
  const double r = o.acceleration;
  const auto kmax = static_cast<index_t>(std::ceil(static_cast<double>(ny) / r)) + 1;
  for (index_t k = -kmax; k <= kmax; ++k) {
    const index_t y = ny / 2 + static_cast<index_t>(std::llround(static_cast<double>(k) * r));
    if (y >= 0 && y < ny) line[static_cast<std::size_t>(y)] = 1;
  }
  return line;
}

// Adds the `count` candidates with the smallest keys to `line`.
void take_smallest(std::vector<char>& line, std::vector<std::pair<double, index_t>>& keyed,
                   index_t count) {
  count = std::min<index_t>(count, static_cast<index_t>(keyed.size()));
  if (count <= 0) return;
  std::partial_sort(keyed.begin(), keyed.begin() + count, keyed.end());
  for (index_t i = 0; i < count; ++i)
    line[static_cast<std::size_t>(keyed[static_cast<std::size_t>(i)].second)] = 1;
}

std::vector<char> uniform_lines(index_t ny, const MaskOptions& o) {
  std::vector<char> line = acs_lines(ny, o.calibration);
  const CounterRng rng(o.seed, kStreamUniform);
  const index_t want = target_count(ny, o.acceleration) - o.calibration;
  // A uniform random subset without replacement: the candidates with the smallest random keys.
  std::vector<std::pair<double, index_t>> keyed;
  for (index_t y = 0; y < ny; ++y)
    if (!line[static_cast<std::size_t>(y)])
      keyed.emplace_back(rng.uniform(static_cast<std::uint64_t>(y)), y);
  take_smallest(line, keyed, want);
  return line;
}

std::vector<char> gaussian_lines(index_t ny, const MaskOptions& o) {
  std::vector<char> line = acs_lines(ny, o.calibration);
  const CounterRng rng(o.seed, kStreamGaussian);
  const index_t want = target_count(ny, o.acceleration) - o.calibration;
  // Weighted sampling without replacement (Efraimidis & Spirakis 2006): candidate y with weight
  // w_y gets the key E_y / w_y, E_y ~ Exp(1), and the `want` smallest keys are kept. In logs,
  // log E_y - log w_y, so that weights far in the Gaussian's tail never underflow.
  const double sigma = o.gaussian_width * static_cast<double>(ny);
  std::vector<std::pair<double, index_t>> keyed;
  for (index_t y = 0; y < ny; ++y) {
    if (line[static_cast<std::size_t>(y)]) continue;
    const double dy = static_cast<double>(y - ny / 2);
    const double log_w = -0.5 * dy * dy / (sigma * sigma);
    const double e = -std::log(rng.uniform(static_cast<std::uint64_t>(y)));
    keyed.emplace_back(std::log(e) - log_w, y);
  }
  take_smallest(line, keyed, want);
  return line;
}

// Variable-density Poisson-disc sampling of an n0 x n1 plane by random sequential adsorption on
// the grid: the points are visited in one fixed random order and every point that is still free
// is kept, where a point is no longer free once it lies inside the exclusion ellipse of a kept
// point. Every point is visited, so the result is a maximal Poisson-disc set. The exclusion
// radius (in pixels along the longer axis; scaled by n_a / nmax along axis a, so that the disc
// follows an anisotropic grid) at normalised elliptical distance d from the centre (d = 1 on the
// inscribed ellipse) is
//   variable density:  r(d) = slope d   a fully sampled core (r <= 1 excludes no grid neighbour)
//                                       inside d = 1 / slope, then a density falling as 1 / d^2
//   uniform density:   r(d) = radius    one radius everywhere.
// A radius of 1 or more at the centre could not give densities above ~1/2 anywhere (on the grid
// any radius just above 1 excludes the four neighbours), hence no constant term.
class PoissonPlane {
 public:
  PoissonPlane(index_t n0, index_t n1, index_t cal, bool elliptical, const CounterRng& rng)
      : n0_(n0), n1_(n1), cal_(cal), elliptical_(elliptical), order_(permutation(n0 * n1, rng)) {
    dist_.resize(static_cast<std::size_t>(n0 * n1));
    for (index_t i = 0; i < n0; ++i)
      for (index_t j = 0; j < n1; ++j) {
        const double u = half(n0) > 0 ? static_cast<double>(i - n0 / 2) / half(n0) : 0.0;
        const double v = half(n1) > 0 ? static_cast<double>(j - n1 / 2) / half(n1) : 0.0;
        dist_[static_cast<std::size_t>(i * n1 + j)] = std::sqrt(u * u + v * v);
      }
  }

  /// Samples with exclusion radius base + slope d: `keep` receives the plane mask and
  /// `late` the kept points outside the ACS block in the order they were taken.
  index_t sample(double base, double slope, std::vector<char>& keep,
                 std::vector<index_t>& late) const {
    keep.assign(static_cast<std::size_t>(n0_ * n1_), 0);
    blocked_.assign(static_cast<std::size_t>(n0_ * n1_), 0);
    late.clear();
    index_t count = 0;
    auto accept = [&](index_t p) {
      keep[static_cast<std::size_t>(p)] = 1;
      ++count;
      block_around(p, base + slope * dist_[static_cast<std::size_t>(p)]);
    };
    const index_t c0 = centred_start(n0_, cal_), c1 = centred_start(n1_, cal_);
    for (index_t i = c0; i < c0 + cal_; ++i)
      for (index_t j = c1; j < c1 + cal_; ++j) accept(i * n1_ + j);
    for (index_t p : order_) {
      const auto ps = static_cast<std::size_t>(p);
      if (keep[ps] || blocked_[ps]) continue;
      if (elliptical_ && dist_[ps] > 1.0) continue;
      accept(p);
      late.push_back(p);
    }
    return count;
  }

 private:
  // Marks the points strictly inside the exclusion ellipse of a kept point p (radius r along the
  // longer axis). Painting from the kept points makes a run cost about the plane's size times a
  // constant: a Poisson-disc set of radius r has ~1/r^2 points per pixel, each painting ~r^2.
  void block_around(index_t p, double r) const {
    const double nmax = static_cast<double>(std::max(n0_, n1_));
    const double r0 = r * static_cast<double>(n0_) / nmax, r1 = r * static_cast<double>(n1_) / nmax;
    const index_t i = p / n1_, j = p % n1_;
    const auto w0 = static_cast<index_t>(std::ceil(r0)), w1 = static_cast<index_t>(std::ceil(r1));
    for (index_t a = std::max<index_t>(0, i - w0 + 1); a < std::min(n0_, i + w0); ++a) {
      const double da = static_cast<double>(a - i) / r0;
      for (index_t b = std::max<index_t>(0, j - w1 + 1); b < std::min(n1_, j + w1); ++b) {
        const double db = static_cast<double>(b - j) / r1;
        if (da * da + db * db < 1.0) blocked_[static_cast<std::size_t>(a * n1_ + b)] = 1;
      }
    }
  }

  static double half(index_t n) { return static_cast<double>(n) / 2.0; }

  index_t n0_, n1_, cal_;
  bool elliptical_;
  std::vector<index_t> order_;
  std::vector<double> dist_;
  mutable std::vector<char> blocked_;  // work array of sample()
};

// The Poisson-disc plane mask with the target count: a bisection on the slope (variable density)
// or on the base radius (uniform density), both of which thin the pattern monotonically up to the
// randomness of the process, keeps the sparsest pattern that still has at least the target count;
// its surplus (the pattern's count moves in steps, large ones for a uniform radius on the grid)
// is then removed by dropping the points taken last in the random visiting order, a uniform
// random thinning, so the count is exact.
std::vector<char> poisson_plane(index_t n0, index_t n1, const MaskOptions& o) {
  const CounterRng rng(o.seed, kStreamPoisson);
  const PoissonPlane plane(n0, n1, o.calibration, o.elliptical, rng);
  const index_t target = target_count(n0 * n1, o.acceleration);
  std::vector<char> keep, best;
  std::vector<index_t> late, best_late;
  index_t best_count = -1;
  auto run = [&](double base, double slope) {
    const index_t count = plane.sample(base, slope, keep, late);
    if (count >= target && (best_count < 0 || count < best_count)) {
      best_count = count;
      best.swap(keep);
      best_late.swap(late);
    }
    return count;
  };
  // The densest pattern this support allows (radius 1: every point of the support).
  const index_t densest = run(1.0, 0.0);
  if (densest < target)
    throw InvalidInput("mask acceleration",
                       std::to_string(o.acceleration) + " needs " + std::to_string(target) +
                           " points, but the " + (o.elliptical ? "elliptical " : "") +
                           "support of the " + std::to_string(n0) + " x " + std::to_string(n1) +
                           " plane holds only " + std::to_string(densest));
  // Bracket: slope (or radius - 1) 0 keeps every point, max(n0, n1) almost none.
  double lo = 0, hi = static_cast<double>(std::max(n0, n1));
  const index_t tolerance = std::max<index_t>(1, target / 200);  // 0.5 % of the points
  for (int it = 0; it < 40 && best_count - target > tolerance; ++it) {
    const double mid = 0.5 * (lo + hi);
    const index_t count = o.variable_density ? run(0.0, mid) : run(1.0 + mid, 0.0);
    if (count > target)
      lo = mid;
    else
      hi = mid;
  }
  for (index_t k = best_count - target; k > 0 && !best_late.empty(); --k) {
    best[static_cast<std::size_t>(best_late.back())] = 0;
    best_late.pop_back();
  }
  return best;
}

Array<float> poisson_mask(const Grid& grid, const MaskOptions& o) {
  Array<float> mask(grid.shape());
  if (grid.nz > 1) {
    // 3-D: points in the (Z, Y) phase-encoding plane, every X kept.
    const std::vector<char> keep = poisson_plane(grid.nz, grid.ny, o);
    for (index_t i = 0; i < grid.nz * grid.ny; ++i)
      if (keep[static_cast<std::size_t>(i)]) std::fill_n(mask.data() + i * grid.nx, grid.nx, 1.0f);
  } else {
    const std::vector<char> keep = poisson_plane(grid.ny, grid.nx, o);
    for (index_t i = 0; i < grid.ny * grid.nx; ++i) mask[i] = keep[static_cast<std::size_t>(i)];
  }
  return mask;
}

void check_options(const Grid& grid, const MaskOptions& o) {
  if (grid.nz < 1 || grid.ny < 1 || grid.nx < 1)
    throw InvalidInput(kSubject, "the grid " + grid.str() + " is empty");
  if (!std::isfinite(o.acceleration) || o.acceleration < 1)
    throw InvalidInput("mask acceleration",
                       "must be a finite number >= 1, got " + std::to_string(o.acceleration));
  if (o.calibration < 0)
    throw InvalidInput("mask calibration", "must be >= 0, got " + std::to_string(o.calibration));
  // The ACS block lives in the plane the mask chooses from: Y for 1-D masks; (Z, Y) or (Y, X)
  // for Poisson.
  index_t limit = grid.ny;
  std::string where = "ny = " + std::to_string(grid.ny);
  if (o.kind == MaskKind::poisson) {
    limit = grid.nz > 1 ? std::min(grid.nz, grid.ny) : std::min(grid.ny, grid.nx);
    where = grid.nz > 1 ? "the (z, y) plane " : "the (y, x) plane ";
    where += grid.str();
  }
  if (o.calibration > limit)
    throw InvalidInput("mask calibration",
                       std::to_string(o.calibration) + " lines do not fit in " + where);
  if (o.kind == MaskKind::gaussian && (!std::isfinite(o.gaussian_width) || o.gaussian_width <= 0))
    throw InvalidInput("mask gaussian_width",
                       "must be positive, got " + std::to_string(o.gaussian_width));
}

}  // namespace

MaskKind parse_mask_kind(const std::string& name) {
  if (name == "regular") return MaskKind::regular;
  if (name == "uniform") return MaskKind::uniform;
  if (name == "gaussian") return MaskKind::gaussian;
  if (name == "poisson") return MaskKind::poisson;
  throw InvalidInput(
      "mask kind", "unknown kind '" + name + "' (expected regular, uniform, gaussian or poisson)");
}

std::string to_string(MaskKind kind) {
  switch (kind) {
    case MaskKind::regular:
      return "regular";
    case MaskKind::uniform:
      return "uniform";
    case MaskKind::gaussian:
      return "gaussian";
    case MaskKind::poisson:
      return "poisson";
  }
  return "unknown";
}

Array<float> make_mask(const Grid& grid, const MaskOptions& options) {
  check_options(grid, options);
  switch (options.kind) {
    case MaskKind::regular:
      return lines_to_mask(grid, regular_lines(grid.ny, options));
    case MaskKind::uniform:
      return lines_to_mask(grid, uniform_lines(grid.ny, options));
    case MaskKind::gaussian:
      return lines_to_mask(grid, gaussian_lines(grid.ny, options));
    case MaskKind::poisson:
      return poisson_mask(grid, options);
  }
  throw InvalidInput("mask kind", "unknown kind");
}

Array<float> mask_from_zeros(const Array<cfloat>& kspace) {
  const Grid grid = kspace_grid(kspace);
  const index_t n = grid.size(), nc = kspace.dim(0);
  Array<float> mask(grid.shape());
  const cfloat* k = kspace.data();
  for (index_t c = 0; c < nc; ++c)
    for (index_t p = 0; p < n; ++p)
      if (k[c * n + p] != cfloat{}) mask[p] = 1.0f;
  return mask;
}

double sampling_fraction(const Array<float>& mask) {
  if (mask.empty()) throw InvalidInput(kSubject, "an empty mask has no sampling fraction");
  double sum = 0;
  for (index_t i = 0; i < mask.size(); ++i) sum += mask[i];
  return sum / static_cast<double>(mask.size());
}

}  // namespace tweed::mri

// Small operators, proxes and independent reference solvers for the solver tests.
//
// The linop layer is written beside the solvers, so the tests define the few operators they need
// here (each checked by a dot test in test_linear.cpp). The references never call a Tweed solver:
// dense factorisations come from Eigen, l1/TV minimisers from closed forms or from simple methods
// whose accuracy is certified independently (duality gap, KKT conditions).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "tweed/core/ops.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/linop/linear_operator.hpp"

namespace tweed::solvers::testing {

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// ---------------------------------------------------------------------------------------------
// Arrays and random data

template <Element T>
Vec<T> to_eigen(const Array<T>& a) {
  return Eigen::Map<const Vec<T>>(a.data(), a.size());
}
template <Element T>
Array<T> to_array(const Vec<T>& v, const Shape& shape) {
  Array<T> a(shape);
  Eigen::Map<Vec<T>>(a.data(), a.size()) = v;
  return a;
}
template <Element T>
Array<T> to_array(const Vec<T>& v) {
  return to_array<T>(v, Shape{v.size()});
}

template <Element T>
Array<T> random_array(const Shape& shape, std::uint64_t seed, double sigma = 1.0) {
  Array<T> a(shape);
  fill_normal(a, CounterRng(seed, 11), 0.0, sigma);
  return a;
}

/// Gaussian matrix, entries of variance `sigma^2` (complex: circular).
template <Element T>
Mat<T> random_matrix(index_t rows, index_t cols, std::uint64_t seed, double sigma = 1.0) {
  Array<T> a = random_array<T>(Shape{rows * cols}, seed, sigma);
  Mat<T> m(rows, cols);
  for (index_t i = 0; i < rows; ++i)
    for (index_t j = 0; j < cols; ++j) m(i, j) = a[i * cols + j];
  return m;
}

/// A random orthogonal (unitary for complex T) n x n matrix: the Q of a Householder QR.
template <Element T>
Mat<T> random_unitary(index_t n, std::uint64_t seed) {
  Mat<T> g = random_matrix<T>(n, n, seed);
  Eigen::HouseholderQR<Mat<T>> qr(g);
  return qr.householderQ() * Mat<T>::Identity(n, n);
}

template <Element T>
double rel_error(const Array<T>& x, const Array<T>& ref) {
  double s = 0;
  for (index_t i = 0; i < x.size(); ++i) s += tweed::detail::abs2(T(x[i] - ref[i]));
  return std::sqrt(s) / norm2(ref);
}

// ---------------------------------------------------------------------------------------------
// Operators

/// y = M x for a dense matrix M, on 1-D arrays.
template <Element T>
class DenseOp : public linop::LinearOperator<T> {
 public:
  explicit DenseOp(Mat<T> m)
      : linop::LinearOperator<T>(Shape{m.cols()}, Shape{m.rows()}, "test dense"),
        m_(std::move(m)) {}
  const Mat<T>& matrix() const { return m_; }

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    Eigen::Map<Vec<T>>(y.data(), y.size()) = m_ * Eigen::Map<const Vec<T>>(x.data(), x.size());
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    Eigen::Map<Vec<T>>(x.data(), x.size()) =
        m_.adjoint() * Eigen::Map<const Vec<T>>(y.data(), y.size());
  }

 private:
  Mat<T> m_;
};

template <Element T>
class IdentityOp : public linop::LinearOperator<T> {
 public:
  explicit IdentityOp(const Shape& s) : linop::LinearOperator<T>(s, s, "test identity") {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override { copy(x, y); }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override { copy(y, x); }
};

/// (D x)_i = x_{i+1} - x_i: R^n -> R^{n-1}.
template <Element T>
class ForwardDiff1D : public linop::LinearOperator<T> {
 public:
  explicit ForwardDiff1D(index_t n)
      : linop::LinearOperator<T>(Shape{n}, Shape{n - 1}, "test forward difference"), n_(n) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    for (index_t i = 0; i + 1 < n_; ++i) y[i] = x[i + 1] - x[i];
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    for (index_t i = 0; i < n_; ++i) {
      T v{};
      if (i > 0) v += y[i - 1];
      if (i + 1 < n_) v -= y[i];
      x[i] = v;
    }
  }

 private:
  index_t n_;
};

/// Forward-difference gradient of an image [ny, nx] -> [2, ny, nx] (component first, Tweed's
/// convention), zero across the last row / column (Neumann boundary).
template <Element T>
class Gradient2D : public linop::LinearOperator<T> {
 public:
  Gradient2D(index_t ny, index_t nx)
      : linop::LinearOperator<T>(Shape{ny, nx}, Shape{2, ny, nx}, "test gradient"),
        ny_(ny),
        nx_(nx) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& g) const override {
    for (index_t i = 0; i < ny_; ++i)
      for (index_t j = 0; j < nx_; ++j) {
        g(0, i, j) = i + 1 < ny_ ? x(i + 1, j) - x(i, j) : T{};
        g(1, i, j) = j + 1 < nx_ ? x(i, j + 1) - x(i, j) : T{};
      }
  }
  void adjoint_impl(const Array<T>& g, Array<T>& x) const override {
    fill(x, T{});
    for (index_t i = 0; i < ny_; ++i)
      for (index_t j = 0; j < nx_; ++j) {
        if (i + 1 < ny_) {
          x(i + 1, j) += g(0, i, j);
          x(i, j) -= g(0, i, j);
        }
        if (j + 1 < nx_) {
          x(i, j + 1) += g(1, i, j);
          x(i, j) -= g(1, i, j);
        }
      }
  }

 private:
  index_t ny_, nx_;
};

/// The matrix of an operator on real data, column by column (for the dense references).
inline Mat<double> matrix_of(const linop::LinearOperator<double>& op) {
  const index_t n = op.domain().size(), m = op.range().size();
  Mat<double> k(m, n);
  Array<double> e(op.domain()), col(op.range());
  for (index_t j = 0; j < n; ++j) {
    fill(e, 0.0);
    e[j] = 1;
    op.apply(e, col);
    for (index_t i = 0; i < m; ++i) k(i, j) = col[i];
  }
  return k;
}

// ---------------------------------------------------------------------------------------------
// Proxes

/// out = x * max(0, 1 - t / |x|) (soft threshold; complex: on the magnitude).
template <Element T>
void soft_threshold(const Array<T>& x, double t, Array<T>& out) {
  for (index_t i = 0; i < x.size(); ++i) {
    const double m = std::abs(x[i]);
    out[i] = m > t ? T(x[i] * static_cast<real_t<T>>(1 - t / m)) : T{};
  }
}
template <Element T>
Array<T> soft_threshold(const Array<T>& x, double t) {
  Array<T> out(x.shape());
  soft_threshold(x, t, out);
  return out;
}

/// Projection onto {p : ||p_group||_2 <= radius}, groups over the first axis of the shape
/// `components` x rest (components = 1: element-wise |p_i| <= radius).
template <Element T>
void project_groups(const Array<T>& p, double radius, index_t components, Array<T>& out) {
  const index_t groups = p.size() / components;
  for (index_t j = 0; j < groups; ++j) {
    double s = 0;
    for (index_t c = 0; c < components; ++c) s += tweed::detail::abs2(p[c * groups + j]);
    const double m = std::sqrt(s);
    const real_t<T> f = m > radius ? static_cast<real_t<T>>(radius / m) : real_t<T>(1);
    for (index_t c = 0; c < components; ++c) out[c * groups + j] = p[c * groups + j] * f;
  }
}

// ---------------------------------------------------------------------------------------------
// Independent references

struct TvReference {
  Vec<double> x;
  double gap = 0;  ///< duality gap P(x) - D(p) >= 1/2 ||x - x*||^2
  int iterations = 0;
};

/// sum over groups of the Euclidean norm (components = 1: the l1 norm).
inline double group_l1(const Vec<double>& v, index_t components) {
  const index_t groups = v.size() / components;
  double total = 0;
  for (index_t j = 0; j < groups; ++j) {
    double s = 0;
    for (index_t c = 0; c < components; ++c) s += v[c * groups + j] * v[c * groups + j];
    total += std::sqrt(s);
  }
  return total;
}

/// min_x 1/2 ||x - b||^2 + lambda R(K x), R the (group) l1 norm, by accelerated projected
/// gradient on the dual  max_{p in balls} 1/2||b||^2 - 1/2||b - lambda K^T p||^2  with adaptive
/// restart, run until the duality gap (a certificate of the distance to the minimiser) is tiny.
inline TvReference tv_reference(const Mat<double>& k, const Vec<double>& b, double lambda,
                                index_t components, double target_gap = 1e-14,
                                int max_iterations = 2000000) {
  const index_t m = k.rows();
  Eigen::JacobiSVD<Mat<double>> svd(k);
  const double lip = lambda * lambda * svd.singularValues()(0) * svd.singularValues()(0);
  Vec<double> p = Vec<double>::Zero(m), q = p, p_old = p;
  double t = 1;
  TvReference ref;
  auto project = [&](Vec<double>& v) {
    Array<double> a = to_array<double>(v), out(a.shape());
    project_groups(a, 1.0, components, out);
    v = to_eigen(out);
  };
  auto h = [&](const Vec<double>& pp) {
    return 0.5 * (b - lambda * k.transpose() * pp).squaredNorm();
  };
  double h_old = h(p);
  for (int it = 1; it <= max_iterations; ++it) {
    Vec<double> grad = -lambda * (k * (b - lambda * k.transpose() * q));
    p_old = p;
    p = q - grad / lip;
    project(p);
    const double h_new = h(p);
    if (h_new > h_old) {  // restart the momentum (O'Donoghue–Candès function scheme)
      t = 1;
      q = p;
    } else {
      const double t_next = 0.5 * (1 + std::sqrt(1 + 4 * t * t));
      q = p + ((t - 1) / t_next) * (p - p_old);
      t = t_next;
    }
    h_old = h_new;
    if (it % 100 == 0 || it == max_iterations) {
      ref.x = b - lambda * k.transpose() * p;
      const double primal =
          0.5 * (ref.x - b).squaredNorm() + lambda * group_l1(k * ref.x, components);
      const double dual = 0.5 * b.squaredNorm() - 0.5 * ref.x.squaredNorm();
      ref.gap = primal - dual;
      ref.iterations = it;
      if (ref.gap <= target_gap) break;
    }
  }
  return ref;
}

/// Lasso min_x 1/2||A x - b||^2 + lambda ||x||_1 (real) by cyclic coordinate descent.
inline Vec<double> lasso_reference(const Mat<double>& a, const Vec<double>& b, double lambda,
                                   int sweeps = 200000) {
  const index_t n = a.cols();
  Vec<double> x = Vec<double>::Zero(n), r = b;
  Vec<double> col_sq = a.colwise().squaredNorm().transpose();
  for (int s = 0; s < sweeps; ++s) {
    double change = 0;
    for (index_t j = 0; j < n; ++j) {
      const double rho = a.col(j).dot(r) + col_sq[j] * x[j];
      const double xj = std::copysign(std::max(std::abs(rho) - lambda, 0.0), rho) / col_sq[j];
      const double d = xj - x[j];
      if (d != 0) {
        r -= d * a.col(j);
        x[j] = xj;
        change = std::max(change, std::abs(d));
      }
    }
    if (change < 1e-15) break;
  }
  return x;
}

/// The largest violation of the lasso's optimality conditions: g = A^T(Ax - b) must satisfy
/// g_i = -lambda sign(x_i) on the support and |g_i| <= lambda off it.
inline double lasso_kkt_violation(const Mat<double>& a, const Vec<double>& b, double lambda,
                                  const Vec<double>& x) {
  const Vec<double> g = a.transpose() * (a * x - b);
  double worst = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    const double v = x[i] != 0 ? std::abs(g[i] + lambda * (x[i] > 0 ? 1 : -1))
                               : std::max(0.0, std::abs(g[i]) - lambda);
    worst = std::max(worst, v);
  }
  return worst;
}

}  // namespace tweed::solvers::testing

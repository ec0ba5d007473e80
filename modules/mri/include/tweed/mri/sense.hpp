// The SENSE forward model of Cartesian multi-coil MRI (Pruessmann et al., MRM 42:952, 1999):
//
//   A : image [M, Z, Y, X] -> k-space [C, Z, Y, X],   (A x)_c = P ⊙ F( sum_m S_{m,c} ⊙ x_m )
//   A^H y: x_m = sum_c conj(S_{m,c}) ⊙ F^H( P ⊙ y_c )
//   A^H A x: x_m = sum_c conj(S_{m,c}) ⊙ F^H( P^2 ⊙ F( sum_m' S_{m',c} x_m' ) )
//
// F is the centred orthonormal FFT over the spatial axes (Y, X for 2-D data, i.e. Z = 1; Z, Y, X
// for 3-D), P the sampling mask [Z, Y, X] (real weights, usually 0/1; empty = fully sampled),
// S the coil maps [M, C, Z, Y, X]. With maps normalised so that sum_{m,c} |S|^2 <= 1 and a 0/1
// mask, ||A|| <= 1 (FISTA's step 1 is then safe). Units: A is unitless; k-space and image share
// units.
//
// Performance: the normal operator is fused (no k-space array is formed between F and F^H), works
// coil by coil in preallocated per-thread buffers (no allocation per call after the first), and
// is threaded over coils; the coil sum is taken in a fixed order, so results are bit-identical for
// any thread count. The FFTs are the shared ones (tweed::fft).
//
// Ownership: the operator keeps its own copies of maps and mask. Thread-safety: apply* may be
// called from several threads at once (buffers are taken from a pool under a mutex).
#pragma once

#include <memory>

#include "tweed/linop/linear_operator.hpp"
#include "tweed/mri/layout.hpp"

namespace tweed::mri {

class SenseOperator;

/// maps [M, C, Z, Y, X] (M = 1 or 2), mask [Z, Y, X] or empty (fully sampled). A mask may also be
/// given with fewer leading axes ([Y, X], [X]) and is then broadcast over the missing ones.
/// ShapeMismatch names "sense" and both shapes when the grids differ.
std::shared_ptr<const SenseOperator> sense(const Array<cfloat>& maps, const Array<float>& mask);

class SenseOperator final : public linop::LinearOperator<cfloat> {
 public:
  SenseOperator(const Array<cfloat>& maps, const Array<float>& mask);
  ~SenseOperator() override;

  const Array<cfloat>& maps() const;
  /// The mask broadcast to [Z, Y, X] (all ones when none was given).
  const Array<float>& mask() const;
  index_t coils() const;
  index_t map_sets() const;
  Grid grid() const;

 protected:
  void forward_impl(const Array<cfloat>& x, Array<cfloat>& y) const override;
  void adjoint_impl(const Array<cfloat>& y, Array<cfloat>& x) const override;
  void normal_impl(const Array<cfloat>& x, Array<cfloat>& z) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tweed::mri

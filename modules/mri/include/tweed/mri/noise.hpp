// Noise pre-whitening of multi-coil data (Pruessmann et al. 2001, appendix; Hansen & Kellman,
// JMRI 41:573, 2015): from noise-only samples estimate the coil covariance Psi (C x C), factor
// Psi = L L^H (Cholesky), and replace every coil vector y by L^{-1} y, so the noise becomes white
// with unit variance per coil. Coil maps must be estimated after whitening (ESPIRiT does so).
#pragma once

#include "tweed/core/array.hpp"

namespace tweed::mri {

/// Covariance Psi [C, C] of noise samples [C, N] (zero mean assumed): Psi = (1/N) n n^H.
Array<cfloat> noise_covariance(const Array<cfloat>& noise);
/// The whitening matrix L^{-1} [C, C]. InvalidInput if Psi is not positive definite.
Array<cfloat> whitening_matrix(const Array<cfloat>& covariance);
/// Applies W [C, C] to the coil axis (axis 0) of data [C, ...], in place.
void apply_coil_matrix(const Array<cfloat>& w, Array<cfloat>& data);

}  // namespace tweed::mri

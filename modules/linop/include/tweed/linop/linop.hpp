// The whole linop layer in one include: the interface, combinators and generic operators.
// (tweed/linop/testing.hpp, the dot test, is included by tests only.)
//
// In-place calls: every operator of this layer (combinators included, when their operands allow
// it) accepts the same Array as input and output, e.g. A.apply(x, x) when domain == range; the
// LinearOperator interface itself does not promise this for operators defined elsewhere.
#pragma once

#include "tweed/linop/combinators.hpp"
#include "tweed/linop/dense_matrix.hpp"
#include "tweed/linop/diagonal.hpp"
#include "tweed/linop/finite_difference.hpp"
#include "tweed/linop/fourier.hpp"
#include "tweed/linop/identity.hpp"
#include "tweed/linop/linear_operator.hpp"
#include "tweed/linop/wavelet.hpp"
#include "tweed/linop/wavelet_filter.hpp"

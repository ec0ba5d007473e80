// The C interface between tweed_dist (static, links neither MPI nor PETSc) and the plugin
// libtweed_dist_petsc.so (all MPI and PETSc code). Only plain C types cross it: floats and
// doubles in buffers, sizes as int64, C callbacks with a context pointer and an error buffer. No
// C++ exception crosses it: the plugin reports a status code plus a one-line message, and the
// callbacks into Tweed report failure by their return value.
//
// Vectors: the unknown is a complex image of `n` pixels seen by PETSc as a real vector of 2 n
// doubles (re, im interleaved), distributed over the ranks by PETSc (PETSC_DECIDE). The callbacks
// always see the whole vector on every rank, in float (the operators' own precision, complex
// float): 2 n floats in, partial sums as 2 n floats.
//
// Versioning: the plugin exports tweed_dist_petsc_abi(); the library refuses a plugin whose
// value differs from TWEED_DIST_PETSC_ABI (a stale .so beside a newer program).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

/// Bump on any change of the structs or signatures below.
#define TWEED_DIST_PETSC_ABI 1

enum TweedDistStatus : int32_t {
  kTweedDistOk = 0,
  kTweedDistInvalidInput = 1,  ///< -> tweed::InvalidInput
  kTweedDistFailure = 2,       ///< MPI/PETSc or a callback failed -> tweed::Error
};

/// Phase 1 of a product: computes and keeps this rank's terms t_k(x) of the operator, x being
/// the whole vector (2 n floats: complex float pairs). Returns nonzero on success, zero on failure
/// (the solve then fails on every rank).
typedef int32_t (*TweedDistComputeFn)(void* context, const float* x, int64_t n2);

/// Phase 2: acc (2 n floats: complex float pairs) = (((acc + t_1) + t_2) + ...) over this rank's
/// kept terms in order, in float arithmetic; when `first` is nonzero acc holds nothing and starts
/// as t_1 (zero when the rank has no term). `which`: 0 the operator's terms of the last compute,
/// 1 the right-hand side's terms. Returns nonzero on success.
typedef int32_t (*TweedDistFoldFn)(void* context, int32_t which, float* acc, int32_t first,
                                   int64_t n2);

/// Called on every rank after each CG iteration (1-based) with the relative residual
/// ||b - N x|| / ||b||. Returns nonzero to go on, zero to stop.
typedef int32_t (*TweedDistIterationFn)(void* context, int32_t iteration, double residual);

/// What the solve did (filled on every rank).
struct TweedDistCgResult {
  int32_t iterations;
  int32_t reason;          ///< 0 converged, 1 max iterations, 2 stopped by the monitor,
                           ///< 3 breakdown (indefinite), 4 diverged (NaN/Inf)
  double final_residual;   ///< relative residual after the last iteration
  double rhs_norm;         ///< ||b||
  int32_t ksp_reason;      ///< PETSc's KSPConvergedReason, for the record
  int32_t max_iterations;  ///< the budget after the options database (-tweed_ksp_max_it)
  double rtol;             ///< the tolerance after the options database (-tweed_ksp_rtol)
};

/// int32 tweed_dist_petsc_abi(void)
typedef int32_t (*TweedDistAbiFn)(void);

/// Starts MPI (when nobody has yet) and PETSc with the given options (argv style, options[0] is
/// not a program name: every entry is an option or its value). Writes the rank and the world size.
typedef int32_t (*TweedDistInitFn)(int32_t count, const char* const* options, int32_t* rank,
                                   int32_t* size, char* error, size_t error_size);

/// Ends PETSc (and MPI when PETSc started it).
typedef int32_t (*TweedDistFinalizeFn)(char* error, size_t error_size);

/// Solves (sum_k t_k + lambda I) x = sum_k c_k by PETSc's KSP CG on distributed vectors, the
/// sums over all ranks' terms taken in float in global order (rank 0's terms first): each rank
/// folds its terms onto the partial sum received from the rank before and passes it on, so the
/// operator is bitwise the one-process loop over the terms. Collective: every rank calls it with
/// the same n2, lambda, max_iterations, rtol and prefix. x: 2 n doubles, written on every rank
/// (the start is zero). on_iteration may be null. The KSP options prefix is `prefix`
/// (e.g. "tweed_").
typedef int32_t (*TweedDistCgFn)(int64_t n2, double lambda, int32_t max_iterations, double rtol,
                                 const char* prefix, TweedDistComputeFn compute,
                                 TweedDistFoldFn fold, void* context,
                                 TweedDistIterationFn on_iteration, void* iteration_context,
                                 double* x, TweedDistCgResult* result, char* error,
                                 size_t error_size);

}  // extern "C"

#define TWEED_DIST_PETSC_PLUGIN "tweed_dist_petsc"
#define TWEED_DIST_PETSC_SYM_ABI "tweed_dist_petsc_abi"
#define TWEED_DIST_PETSC_SYM_INIT "tweed_dist_petsc_init"
#define TWEED_DIST_PETSC_SYM_FINALIZE "tweed_dist_petsc_finalize"
#define TWEED_DIST_PETSC_SYM_CG "tweed_dist_petsc_cg"

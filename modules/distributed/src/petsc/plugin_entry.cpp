// libtweed_dist_petsc.so: the only Tweed code that includes MPI and PETSc (petsc_abi.hpp says
// what crosses the boundary). It starts and ends PETSc, and solves (sum_k t_k + lambda I) x =
// sum_k c_k with KSP CG on a MatShell whose MatMult sums the terms of all ranks.
//
// Data layout: the complex image of n pixels is a real PETSc Vec of 2 n doubles (re, im
// interleaved), split by PETSc over the ranks. N = sum_k t_k + lambda I is Hermitian positive
// definite as a complex matrix (t_k = A_k^H A_k), hence symmetric positive definite as the real
// 2n x 2n matrix [[Re N, -Im N], [Im N, Re N]] acting on the pairs, and Re<u, v> is the real dot
// product of the pairs: real CG produces exactly the iterates of complex CG (as Tweed's
// solvers::cg runs it).
//
// MatMult(x) -> y: MPI_Allgatherv of x's local parts (in float: the terms' precision) gives
// every rank the whole x; every rank
// computes its terms (the expensive part, in parallel); then the partial sum travels along the
// ranks in order, each adding its terms in float and passing it on (MPI_Send/Recv, a pipeline of
// size - 1 messages of n complex floats); the last rank holds the sum and scatters it to the
// owners (MPI_Scatterv, float widened to double); y += lambda x. Why not a reduction
// (MPI_Reduce_scatter, or a VecScatter in reverse with ADD_VALUES): CG amplifies rounding in the
// operator, and summing per-rank float partials in double changes the last bits of N x enough to
// move the 30-iteration CG-SENSE image by ~2e-5 relative. The ordered float sum is bitwise the
// one-process sum over coils, so the distributed and one-process runs differ only by CG's own
// vectors (double here, float in solvers::cg): ~6e-6 on the benchmark problem.
#include <mpi.h>
#include <petscksp.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "petsc_abi.hpp"

namespace {

bool g_petsc_started = false;

void set_error(char* error, size_t size, const std::string& message) {
  if (error == nullptr || size == 0) return;
  std::snprintf(error, size, "%s", message.c_str());
}

std::string petsc_message(PetscErrorCode code) {
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  return "PETSc error " + std::to_string(static_cast<int>(code)) +
         (text ? std::string(": ") + text : "");
}

// The MatShell's context: the rank's callbacks and the whole-vector buffers.
struct Shell {
  MPI_Comm comm = MPI_COMM_WORLD;
  int rank = 0, size = 1;
  int64_t n2 = 0;
  double lambda = 0;
  TweedDistComputeFn compute = nullptr;
  TweedDistFoldFn fold = nullptr;
  void* context = nullptr;
  std::vector<int> counts, displs;  // doubles owned by each rank, and their offsets
  std::vector<double> whole;        // the whole solution, gathered at the end
  std::vector<float> local;         // this rank's part of a vector, in float
  std::vector<float> whole_float;   // x gathered, or the sum to scatter, in float
  std::vector<float> acc;           // the partial sum travelling along the ranks
  bool callback_failed = false;
};

// whole = the whole of the distributed vector v, on every rank.
PetscErrorCode gather(Shell& s, Vec v, std::vector<double>& whole) {
  const PetscScalar* local = nullptr;
  PetscInt n = 0;
  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetArrayRead(v, &local));
  const int rc = MPI_Allgatherv(local, static_cast<int>(n), MPI_DOUBLE, whole.data(),
                                s.counts.data(), s.displs.data(), MPI_DOUBLE, s.comm);
  PetscCall(VecRestoreArrayRead(v, &local));
  PetscCheck(rc == MPI_SUCCESS, s.comm, PETSC_ERR_LIB, "MPI_Allgatherv failed");
  PetscFunctionReturn(0);
}

// y = sum over all ranks' terms (`which`: 0 operator, 1 right-hand side), in rank order, then
// scattered to the owners of y. A failing callback must not leave the other ranks waiting: the
// rank goes on with zeros and the failure is combined over the ranks once the solve is over.
// whole = x in float on every rank. The terms see x in float anyway (the operators' precision),
// so converting before the all-gather halves its bytes and changes no bit.
PetscErrorCode gather_float(Shell& s, Vec v) {
  const PetscScalar* local = nullptr;
  PetscInt n = 0;
  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetArrayRead(v, &local));
  for (PetscInt i = 0; i < n; ++i)
    s.local[static_cast<std::size_t>(i)] = static_cast<float>(local[i]);
  PetscCall(VecRestoreArrayRead(v, &local));
  PetscCallMPI(MPI_Allgatherv(s.local.data(), static_cast<int>(n), MPI_FLOAT, s.whole_float.data(),
                              s.counts.data(), s.displs.data(), MPI_FLOAT, s.comm));
  PetscFunctionReturn(0);
}

PetscErrorCode ordered_sum(Shell& s, int32_t which, Vec y) {
  constexpr int kTag = 7317;
  const int nf = static_cast<int>(s.n2);
  PetscFunctionBeginUser;
  if (s.rank > 0)
    PetscCallMPI(
        MPI_Recv(s.acc.data(), nf, MPI_FLOAT, s.rank - 1, kTag, s.comm, MPI_STATUS_IGNORE));
  if (!s.callback_failed && s.fold(s.context, which, s.acc.data(), s.rank == 0 ? 1 : 0, s.n2) == 0)
    s.callback_failed = true;
  if (s.callback_failed) std::fill(s.acc.begin(), s.acc.end(), 0.0f);
  const int last = s.size - 1;
  if (s.rank < last) PetscCallMPI(MPI_Send(s.acc.data(), nf, MPI_FLOAT, s.rank + 1, kTag, s.comm));
  // The sum is float: scattered as float (half the bytes), widened to double by its owner.
  PetscInt n = 0;
  PetscCall(VecGetLocalSize(y, &n));
  PetscCallMPI(MPI_Scatterv(s.acc.data(), s.counts.data(), s.displs.data(), MPI_FLOAT,
                            s.local.data(), static_cast<int>(n), MPI_FLOAT, last, s.comm));
  PetscScalar* local = nullptr;
  PetscCall(VecGetArray(y, &local));
  for (PetscInt i = 0; i < n; ++i) local[i] = s.local[static_cast<std::size_t>(i)];
  PetscCall(VecRestoreArray(y, &local));
  PetscFunctionReturn(0);
}

PetscErrorCode shell_mult(Mat m, Vec x, Vec y) {
  Shell* s = nullptr;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(m, &s));
  PetscCall(gather_float(*s, x));
  if (!s->callback_failed && s->compute(s->context, s->whole_float.data(), s->n2) == 0)
    s->callback_failed = true;
  PetscCall(ordered_sum(*s, 0, y));
  if (s->lambda != 0) PetscCall(VecAXPY(y, s->lambda, x));
  PetscFunctionReturn(0);
}

// Tweed's stop rule (solvers::cg): converged when ||r|| <= rtol ||b|| (or <= atol when the
// options database sets one; Tweed's is 0), checked before the first iteration and after every
// iteration; the monitor is called after every iteration and may stop the run. The rtol and
// budget are read from the KSP so that -tweed_ksp_rtol and -tweed_ksp_max_it apply.
struct Convergence {
  MPI_Comm comm = MPI_COMM_WORLD;
  double bnorm = 1;
  TweedDistIterationFn on_iteration = nullptr;
  void* context = nullptr;
  bool stopped_by_monitor = false;
  int iterations = 0;
  double residual = 0;
};

PetscErrorCode converged(KSP ksp, PetscInt it, PetscReal rnorm, KSPConvergedReason* reason,
                         void* p) {
  auto* c = static_cast<Convergence*>(p);
  PetscReal rtol = 0, atol = 0, dtol = 0;
  PetscInt max_it = 0;
  PetscFunctionBeginUser;
  PetscCall(KSPGetTolerances(ksp, &rtol, &atol, &dtol, &max_it));
  const double res = rnorm / c->bnorm;
  c->iterations = static_cast<int>(it);
  c->residual = res;
  *reason = KSP_CONVERGED_ITERATING;
  if (!std::isfinite(rnorm)) {
    *reason = KSP_DIVERGED_NANORINF;
    PetscFunctionReturn(0);
  }
  const bool done = rnorm <= std::max(rtol * c->bnorm, static_cast<double>(atol));
  if (it == 0) {
    if (done) *reason = KSP_CONVERGED_RTOL;
    PetscFunctionReturn(0);
  }
  int go_on = 1;
  if (c->on_iteration) go_on = c->on_iteration(c->context, static_cast<int32_t>(it), res) ? 1 : 0;
  // Every rank must take the same decision, or some would wait forever in the next MatMult.
  int all_go_on = 1;
  PetscCallMPI(MPI_Allreduce(&go_on, &all_go_on, 1, MPI_INT, MPI_MIN, c->comm));
  if (done) {
    *reason = rnorm <= atol ? KSP_CONVERGED_ATOL : KSP_CONVERGED_RTOL;
  } else if (!all_go_on) {
    c->stopped_by_monitor = true;
    *reason = KSP_CONVERGED_ITS;
  }
  PetscFunctionReturn(0);
}

int32_t tweed_reason(KSPConvergedReason r, const Convergence& c) {
  if (c.stopped_by_monitor) return 2;
  if (r > 0) return 0;
  switch (r) {
    case KSP_DIVERGED_ITS:
      return 1;
    case KSP_DIVERGED_NANORINF:
      return 4;
    default:
      return 3;  // indefinite matrix or another breakdown
  }
}

PetscErrorCode solve(int64_t n2, double lambda, int32_t max_iterations, double rtol,
                     const char* prefix, TweedDistComputeFn compute, TweedDistFoldFn fold,
                     void* context, TweedDistIterationFn on_iteration, void* iteration_context,
                     double* x_out, TweedDistCgResult* result) {
  MPI_Comm comm = PETSC_COMM_WORLD;
  PetscFunctionBeginUser;
  Shell shell;
  shell.comm = comm;
  PetscCallMPI(MPI_Comm_size(comm, &shell.size));
  PetscCallMPI(MPI_Comm_rank(comm, &shell.rank));
  shell.n2 = n2;
  shell.lambda = lambda;
  shell.compute = compute;
  shell.fold = fold;
  shell.context = context;
  shell.whole.assign(static_cast<std::size_t>(n2), 0.0);
  shell.whole_float.assign(static_cast<std::size_t>(n2), 0.0f);
  shell.acc.assign(static_cast<std::size_t>(n2), 0.0f);

  Vec x = nullptr, b = nullptr;
  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, static_cast<PetscInt>(n2), &x));
  PetscCall(VecDuplicate(x, &b));
  const PetscInt* ranges = nullptr;
  PetscCall(VecGetOwnershipRanges(x, &ranges));
  for (int r = 0; r < shell.size; ++r) {
    shell.displs.push_back(static_cast<int>(ranges[r]));
    shell.counts.push_back(static_cast<int>(ranges[r + 1] - ranges[r]));
  }
  PetscInt local = 0;
  PetscCall(VecGetLocalSize(x, &local));
  shell.local.assign(static_cast<std::size_t>(local), 0.0f);

  // b = sum_k c_k.
  PetscCall(ordered_sum(shell, 1, b));
  PetscReal bnorm = 0;
  PetscCall(VecNorm(b, NORM_2, &bnorm));

  Mat n_mat = nullptr;
  PetscCall(MatCreateShell(comm, local, local, static_cast<PetscInt>(n2), static_cast<PetscInt>(n2),
                           &shell, &n_mat));
  PetscCall(MatShellSetOperation(n_mat, MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_mult)));
  PetscCall(MatSetOption(n_mat, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(n_mat, MAT_SPD, PETSC_TRUE));

  KSP ksp = nullptr;
  PC pc = nullptr;
  PetscCall(KSPCreate(comm, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, prefix));
  PetscCall(KSPSetOperators(ksp, n_mat, n_mat));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetInitialGuessNonzero(ksp, PETSC_FALSE));
  PetscCall(KSPSetTolerances(ksp, rtol, 0.0, PETSC_DEFAULT, max_iterations));
  PetscCall(KSPSetFromOptions(ksp));
  Convergence conv;
  conv.comm = comm;
  conv.bnorm = bnorm;
  conv.on_iteration = on_iteration;
  conv.context = iteration_context;
  // After KSPSetFromOptions, so that Tweed's stop rule stays in force whatever the options say.
  PetscCall(KSPSetConvergenceTest(ksp, converged, &conv, nullptr));

  PetscReal used_rtol = 0, atol = 0, dtol = 0;
  PetscInt used_max = 0;
  PetscCall(KSPGetTolerances(ksp, &used_rtol, &atol, &dtol, &used_max));
  result->rtol = used_rtol;
  result->max_iterations = static_cast<int32_t>(used_max);
  result->rhs_norm = bnorm;

  KSPConvergedReason reason = KSP_CONVERGED_RTOL;
  if (bnorm == 0) {  // as Tweed's CG: b = 0 gives x = 0 at once
    PetscCall(VecSet(x, 0.0));
    conv.iterations = 0;
    conv.residual = 0;
  } else {
    PetscCall(KSPSolve(ksp, b, x));
    PetscCall(KSPGetConvergedReason(ksp, &reason));
  }
  result->iterations = conv.iterations;
  result->final_residual = conv.residual;
  result->ksp_reason = static_cast<int32_t>(reason);
  result->reason = tweed_reason(reason, conv);

  int failed = shell.callback_failed ? 1 : 0, any_failed = 0;
  PetscCallMPI(MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, comm));
  PetscCall(gather(shell, x, shell.whole));
  std::copy(shell.whole.begin(), shell.whole.end(), x_out);

  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&n_mat));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&x));
  PetscCheck(!any_failed, comm, PETSC_ERR_USER, "the operator of a rank failed during the solve");
  PetscFunctionReturn(0);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int32_t tweed_dist_petsc_abi(void) {
  return TWEED_DIST_PETSC_ABI;
}

__attribute__((visibility("default"))) int32_t tweed_dist_petsc_init(int32_t count,
                                                                     const char* const* options,
                                                                     int32_t* rank, int32_t* size,
                                                                     char* error,
                                                                     size_t error_size) {
  if (g_petsc_started) {
    set_error(error, error_size, "PETSc is already started in this process");
    return kTweedDistFailure;
  }
  // PETSc wants a mutable argv; argv[0] is a program name it never parses as an option.
  // -no_signal_handler: PETSc would otherwise install handlers for SIGSEGV, SIGTERM, ... and turn
  // Tweed's own error reporting (and a batch runner's signals) into PETSc tracebacks.
  std::vector<std::string> args{"tweed", "-no_signal_handler"};
  for (int32_t i = 0; i < count; ++i) args.emplace_back(options[i]);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  char** argvp = argv.data();
  PetscErrorCode code = PetscInitialize(&argc, &argvp, nullptr, nullptr);
  if (code != 0) {
    set_error(error, error_size, "PetscInitialize failed (" + std::to_string(code) + ")");
    return kTweedDistFailure;
  }
  g_petsc_started = true;
  // Errors come back as codes and one message (petsc_message), not as tracebacks on stderr.
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  int r = 0, s = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &r);
  MPI_Comm_size(PETSC_COMM_WORLD, &s);
  *rank = r;
  *size = s;
  return kTweedDistOk;
}

__attribute__((visibility("default"))) int32_t tweed_dist_petsc_finalize(char* error,
                                                                         size_t error_size) {
  if (!g_petsc_started) return kTweedDistOk;
  PetscPopErrorHandler();
  const PetscErrorCode code = PetscFinalize();
  g_petsc_started = false;
  if (code != 0) {
    set_error(error, error_size, "PetscFinalize failed (" + std::to_string(code) + ")");
    return kTweedDistFailure;
  }
  return kTweedDistOk;
}

__attribute__((visibility("default"))) int32_t tweed_dist_petsc_cg(
    int64_t n2, double lambda, int32_t max_iterations, double rtol, const char* prefix,
    TweedDistComputeFn compute, TweedDistFoldFn fold, void* context,
    TweedDistIterationFn on_iteration, void* iteration_context, double* x,
    TweedDistCgResult* result, char* error, size_t error_size) {
  if (!g_petsc_started) {
    set_error(error, error_size, "PETSc is not started (create a tweed::dist::PetscSession)");
    return kTweedDistFailure;
  }
  if (n2 <= 0 || n2 % 2 != 0 || n2 > INT_MAX || x == nullptr || compute == nullptr ||
      fold == nullptr || result == nullptr || prefix == nullptr) {
    set_error(error, error_size,
              "invalid arguments (the vector length must be even, positive and below 2^31)");
    return kTweedDistInvalidInput;
  }
  std::memset(result, 0, sizeof *result);
  const PetscErrorCode code = solve(n2, lambda, max_iterations, rtol, prefix, compute, fold,
                                    context, on_iteration, iteration_context, x, result);
  if (code != 0) {
    set_error(error, error_size, petsc_message(code));
    return kTweedDistFailure;
  }
  return kTweedDistOk;
}

}  // extern "C"

// The PETSc bridge: a Tweed normal operator split over MPI ranks, solved by PETSc's KSP CG on
// distributed vectors (ARCHITECTURE.md §5). MPI and PETSc live in the plugin
// libtweed_dist_petsc.so, loaded by the first PetscSession: linking tweed::dist costs nothing to
// a program that never starts one (§7).
//
// The system: (sum_k t_k + lambda I) x = sum_k c_k, a sum of terms split over the ranks: rank r
// knows only its terms (e.g. t_k = A_k^H A_k and c_k = A_k^H y_k for the coils k it holds). PETSc
// sees the complex image of n pixels as a real Vec of 2 n doubles (re, im interleaved, split over
// the ranks); an HPD complex matrix is a symmetric positive definite real one on those pairs, so
// real CG makes exactly the iterates of complex CG. Each MatMult gathers x on every rank, every
// rank computes its terms in Tweed's element type (complex float, the operators' own precision),
// and the sum is taken in float in global term order, rank after rank, exactly as a one-process
// loop over the terms adds them: the distributed operator and right-hand side are bitwise the
// one-process ones (CG amplifies rounding: a reduction in another order moves a 30-iteration
// CG-SENSE image by ~2e-5). CG's own vectors and dot products are double (float in solvers::cg).
//
// Stop rule and defaults are those of solvers::cg_normal: start from x = 0, stop when
// ||b - N x|| <= tol ||b|| (recursively updated residual, checked before the first iteration and
// after each one) or after max_iterations; no preconditioner. PETSc's options database reaches the
// solver with the prefix "tweed_": -tweed_ksp_rtol, -tweed_ksp_max_it and -tweed_ksp_atol change
// the stop rule, -tweed_ksp_monitor, -tweed_ksp_view, -tweed_ksp_converged_reason report (on
// rank 0), -tweed_pc_type changes the preconditioner (the iterates then differ from Tweed's).
//
// Cost per product: an all-gather of x (2 n doubles), the terms (in parallel over the ranks), a
// pipeline of size - 1 messages of n complex floats and a scatter of 2 n doubles.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/cg.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::dist {

/// MPI and PETSc for the life of the object: the constructor loads the plugin and calls
/// PetscInitialize (which calls MPI_Init unless MPI is already running), the destructor
/// PetscFinalize (which ends MPI when PETSc started it). MPI cannot be restarted, so a process
/// starts at most one session; a second throws Unsupported. Collective: every rank of the launch
/// constructs and destroys it.
///
/// `options`: PETSc options in PETSc's argv form (e.g. {"-tweed_ksp_monitor", "-tweed_ksp_rtol",
/// "1e-8"}), usually petsc_options(argc, argv) (petsc_options.hpp). PETSc also reads the
/// environment variable PETSC_OPTIONS.
class PetscSession {
 public:
  explicit PetscSession(const std::vector<std::string>& options = {});
  ~PetscSession();
  PetscSession(const PetscSession&) = delete;
  PetscSession& operator=(const PetscSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Whether a command should take its distributed path: started by an MPI launcher with more than
/// one rank (launch.hpp), and not switched off by set_distributed_solves(false) nor by the
/// environment variable TWEED_DISTRIBUTED=0 (a batch runner that runs independent jobs on its
/// ranks switches it off, since there every rank is a whole job).
bool use_distributed_solves();
void set_distributed_solves(bool enabled);

/// This rank's share of the system as terms. Globally the terms are numbered rank after rank
/// (rank 0's first), and sums over them are taken in complex float in that order.
struct Terms {
  /// The number of terms this rank holds (0 allowed).
  index_t count = 0;
  /// out = t_k(x) for this rank's term k in [0, count); linear, and the sum over all ranks'
  /// terms HPD. Called for the terms of one product from several threads at once when
  /// tweed::num_threads() > 1.
  std::function<void(index_t k, const Array<cfloat>& x, Array<cfloat>& out)> apply;
  /// out = c_k, this rank's part k of the right-hand side.
  std::function<void(index_t k, Array<cfloat>& out)> rhs;
};

/// Solves (sum_k t_k + lambda I) x = sum_k c_k by KSP CG over the session's ranks (collective:
/// every rank calls it with the same shape, lambda and options; `shape` is the unknown's). x is
/// overwritten on every rank with the solution (any value it held is ignored: the start is 0).
/// The report (the same on every rank) holds the iterations, the stop reason, the final relative
/// residual and, with keep_history, one entry per iteration. The monitor is called on every rank;
/// when any rank's monitor asks to stop, all stop. InvalidInput for bad options; Error when PETSc
/// or a rank's terms fail (thrown on every rank, so that none waits forever).
solvers::SolveReport cg_terms_distributed(const PetscSession& session, const Shape& shape,
                                          const Terms& terms, double lambda, Array<cfloat>& x,
                                          const solvers::CgOptions& options = {},
                                          const solvers::Monitor& monitor = {});

/// One term per rank: (sum_r N_r + lambda I) x = sum_r c_r, local_part applying N_r (domain =
/// range = rhs_part's shape) and rhs_part = c_r.
solvers::SolveReport cg_distributed(const PetscSession& session,
                                    const solvers::LinearMap<cfloat>& local_part,
                                    const Array<cfloat>& rhs_part, double lambda, Array<cfloat>& x,
                                    const solvers::CgOptions& options = {},
                                    const solvers::Monitor& monitor = {});

/// The normal equations split by rows: local_a is A_r (this rank's rows of A, e.g. its coils),
/// local_b its part b_r of the data; solves (sum_r A_r^H A_r + lambda I) x = sum_r A_r^H b_r, the
/// problem solvers::cg_normal solves for the stacked A, through local_a.apply_normal (one term
/// per rank; for the one-process arithmetic to the bit, give one term per row block with
/// cg_terms_distributed, as distributed_cgsense does per coil).
solvers::SolveReport cg_normal_distributed(const PetscSession& session,
                                           const linop::LinearOperator<cfloat>& local_a,
                                           const Array<cfloat>& local_b, double lambda,
                                           Array<cfloat>& x, const solvers::CgOptions& options = {},
                                           const solvers::Monitor& monitor = {});

}  // namespace tweed::dist

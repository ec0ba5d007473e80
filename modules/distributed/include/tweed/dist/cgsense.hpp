// CG-SENSE over MPI ranks (tweed mri recon --method cgsense under mpiexec -n N, N > 1).
//
// Partition: the coils. Rank r of N holds the contiguous block of coils
// balanced_block(C, N, r) (partition.hpp; the first C mod N ranks hold one coil more), i.e. its
// rows A_r of the SENSE operator (its coils' maps, all map sets, and the shared mask) and its
// coils' k-space y_r. Each coil is one term of the distributed sum (petsc.hpp): A_c^H A_c x and
// A_c^H y_c, added in coil order in float exactly as the one-process SENSE operator adds them, so
// the operator and right-hand side are bitwise those of the one-process run; the images differ
// only through CG's vectors (double in PETSc, float in solvers::cg): ~6e-6 relative after 30
// iterations on a 16-coil 256 x 256 problem.
//
// Data scale and lambda are those of the one-process run: every rank reads the whole input and
// mri::reconstruct decides them on all coils before it calls this solver
// (mri::ReconOptions::cg_solver); only the solve is split.
#pragma once

#include "tweed/dist/partition.hpp"
#include "tweed/dist/petsc.hpp"
#include "tweed/mri/recon.hpp"

namespace tweed::dist {

/// A CG-SENSE solver for mri::ReconOptions::cg_solver that solves on the session's ranks, each
/// with its block of coils. The session must outlive the solver. Collective: every rank runs the
/// same reconstruction. InvalidInput when there are more ranks than coils.
mri::CgSenseSolver distributed_cgsense(const PetscSession& session);

/// Coils [block.begin, block.end) of maps [M, C, Z, Y, X] -> [M, block.size(), Z, Y, X].
Array<cfloat> map_coils(const Array<cfloat>& maps, const Block& block);
/// Coils [block.begin, block.end) of k-space [C, Z, Y, X] -> [block.size(), Z, Y, X].
Array<cfloat> kspace_coils(const Array<cfloat>& kspace, const Block& block);

}  // namespace tweed::dist

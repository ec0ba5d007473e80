// How this process was started: alone, or as one rank of an MPI launch (mpiexec, mpirun, srun).
// Read from the environment the launchers set, so asking costs nothing and needs no MPI library:
// commands use it to decide whether to load the MPI/PETSc plugins at all (ARCHITECTURE.md §7).
#pragma once

namespace tweed::dist {

/// The number of ranks the launcher announced (OMPI_COMM_WORLD_SIZE for Open MPI, PMI_SIZE for
/// MPICH/Hydra and srun --mpi=pmi2, PMIX_SIZE for PMIx launchers), or 0 when no MPI launcher
/// started this process. A value of 1 means "mpiexec -n 1".
int launcher_world_size();

/// This process's rank as announced by the launcher, or 0 when not launched by one.
int launcher_rank();

/// True when an MPI launcher started this process (even with one rank).
inline bool started_by_mpi_launcher() {
  return launcher_world_size() > 0;
}

}  // namespace tweed::dist

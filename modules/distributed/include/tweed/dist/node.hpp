// How many ranks share this node, and how many threads each of their jobs should use.
#pragma once

namespace tweed::dist {

/// Ranks of this launch on this node: OMPI_COMM_WORLD_LOCAL_SIZE (Open MPI), MPI_LOCALNRANKS
/// (MPICH/Hydra), PMI_LOCAL_SIZE; else the launcher's world size; 1 when not launched by one.
int local_rank_count();

/// The cores this process may run on (its CPU affinity; launchers may bind a rank to one core).
int usable_cores();

/// The default of --threads-per-rank: the node's online cores divided by the ranks on it, at
/// least 1, and at most the cores this process may run on (a launcher that binds each rank to
/// one core gets 1 thread per job, which is what that binding can run).
int default_threads_per_rank();

}  // namespace tweed::dist

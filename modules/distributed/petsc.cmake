# The PETSc bridge (ARCHITECTURE.md §5, §7). tweed_dist gets the front end, which links neither
# MPI nor PETSc; all MPI/PETSc code is the plugin libtweed_dist_petsc.so, loaded by the first
# tweed::dist::PetscSession (src/petsc/petsc_abi.hpp is the C interface between the two).
target_sources(tweed_dist PRIVATE src/petsc/session.cpp src/petsc/options.cpp
                                  src/petsc/partition.cpp src/petsc/cgsense.cpp)
target_link_libraries(tweed_dist PUBLIC tweed::linop tweed::solvers tweed::mri PRIVATE ${CMAKE_DL_LIBS})

tweed_plugin(NAME dist_petsc
  SOURCES src/petsc/plugin_entry.cpp
  LIBS PkgConfig::PETSC MPI::MPI_C)

# Tests of the PETSc bridge and the distributed CG-SENSE.
# Unit (one process, no MPI; CTest names "dist.*", see CMakeLists.txt): the coil partition, PETSc
# options in argv, coil slices, bitwise coil terms, the mri::reconstruct solver hook.
dist_unit_test(NAME dist_petsc_unit SOURCES test_petsc_partition.cpp)

# The bridge on 2 ranks. Not a tweed_test: its tests are collective, so the executable runs whole
# under mpiexec rather than test by test.
add_executable(test_dist_petsc_bridge test_petsc_bridge.cpp)
add_dependencies(test_dist_petsc_bridge tweed_plugins)
target_link_libraries(test_dist_petsc_bridge PRIVATE tweed::dist GTest::gtest)
target_compile_options(test_dist_petsc_bridge PRIVATE ${TWEED_WARNINGS})
tweed_mpi_test(NAME dist_petsc_bridge_2ranks RANKS 2 COMMAND $<TARGET_FILE:test_dist_petsc_bridge>)
tweed_mpi_test(NAME dist_petsc_bridge_3ranks RANKS 3 COMMAND $<TARGET_FILE:test_dist_petsc_bridge>)

# The `tweed` binary: mpiexec -n 2 tweed mri recon --method cgsense against the plain run.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME dist_cgsense_2ranks
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/test_petsc_cgsense.py -v)
set_tests_properties(dist_cgsense_2ranks PROPERTIES LABELS "mpi" PROCESSORS 2 ENVIRONMENT
  "TWEED_BINARY=$<TARGET_FILE:tweed>;TWEED_MPIEXEC=${MPIEXEC_EXECUTABLE} --allow-run-as-root --oversubscribe;OMP_NUM_THREADS=1")

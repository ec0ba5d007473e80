# tweed_mpi_test(NAME name RANKS n COMMAND exe args...): a CTest test labelled "mpi" that runs
# COMMAND under mpiexec with n ranks. CI runs as root in a container with fewer cores than ranks,
# which Open MPI refuses by default: the launcher flags for that live here, not in user docs.
function(tweed_mpi_test)
  cmake_parse_arguments(T "" "NAME;RANKS" "COMMAND;ENVIRONMENT" ${ARGN})
  add_test(NAME ${T_NAME}
           COMMAND ${MPIEXEC_EXECUTABLE} --allow-run-as-root --oversubscribe ${MPIEXEC_NUMPROC_FLAG}
                   ${T_RANKS} ${T_COMMAND})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "mpi" PROCESSORS ${T_RANKS}
                       ENVIRONMENT "OMP_NUM_THREADS=1;${T_ENVIRONMENT}")
endfunction()

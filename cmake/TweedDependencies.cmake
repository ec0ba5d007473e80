# Finds Debian 12's packages. Every dependency is required: scripts/setup.sh installs them all.
find_package(PkgConfig REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Threads REQUIRED)

# FFTW 3 in single and double precision (threads library found for users who link it; Tweed
# threads its own batches of 1-D transforms so that results do not depend on the thread count).
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)
find_library(FFTW3_THREADS_LIB fftw3_threads REQUIRED)
find_library(FFTW3F_THREADS_LIB fftw3f_threads REQUIRED)

# HDF5: the io layer uses the serial build, which ITK and ISMRMRD also link (two HDF5 builds in
# one process would clash); the OpenMPI build is for parallel HDF5 in the distributed layer.
pkg_check_modules(HDF5_SERIAL REQUIRED IMPORTED_TARGET hdf5-serial)
pkg_check_modules(HDF5_OPENMPI REQUIRED IMPORTED_TARGET hdf5-openmpi)

find_package(MPI REQUIRED COMPONENTS C CXX)
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc>=3.18)

find_package(ITK 5.2 REQUIRED COMPONENTS ITKCommon ITKIOImageBase ITKIONIFTI ITKIOMeta ITKIONRRD
             ITKIOGDCM)
find_package(ISMRMRD 1.8 REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)
find_package(ZLIB REQUIRED)

# libtorch (CPU) is needed only by modules/learned, which is loaded on demand. Finding it costs a
# few seconds, so it is looked up here once and reported.
find_package(Torch QUIET)
if(NOT Torch_FOUND)
  message(FATAL_ERROR "libtorch not found: run scripts/setup.sh (Debian package libtorch-dev)")
endif()

if(TWEED_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(TWEED_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

message(STATUS "Tweed dependencies: FFTW ${FFTW3_VERSION}, HDF5 ${HDF5_SERIAL_VERSION} (serial) + "
               "${HDF5_OPENMPI_VERSION} (openmpi), MPI ${MPI_CXX_VERSION}, PETSc ${PETSC_VERSION}, "
               "ITK ${ITK_VERSION}, ISMRMRD ${ISMRMRD_VERSION}, Eigen ${Eigen3_VERSION}, "
               "libtorch ${Torch_VERSION}")

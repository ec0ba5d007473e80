// PETSc options on Tweed's command line. Tweed's own parser (CLI11) knows nothing of PETSc's
// single-dash options, so the program takes them out of argv before parsing and hands them to
// PetscSession. Only options with Tweed's prefix are taken: -tweed_<name>, e.g.
// -tweed_ksp_monitor, -tweed_ksp_rtol 1e-8, -tweed_ksp_type=cg.
//
// Values: "-tweed_<name>=value" always carries one. Otherwise the next argument is taken as the
// value only when it is a number (-tweed_ksp_rtol 1e-8, -tweed_ksp_max_it 50): a word could be an
// input file of the command (PETSc would write a monitor into "-tweed_ksp_monitor in.h5"), so
// words are passed with "=". Everything else is left for CLI11.
#pragma once

#include <string>
#include <vector>

namespace tweed::dist {

struct SplitArguments {
  std::vector<std::string> petsc;  ///< PETSc's argv form: "-tweed_ksp_rtol", "1e-8", ...
  std::vector<std::string> rest;   ///< the other arguments, in order (argv[0] included)
};

/// Splits argv (argv[0] is the program and stays in `rest`).
SplitArguments split_petsc_options(int argc, const char* const* argv);

/// The PETSc options of argv (split_petsc_options(argc, argv).petsc).
std::vector<std::string> petsc_options(int argc, const char* const* argv);

}  // namespace tweed::dist

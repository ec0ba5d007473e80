#include "tweed/dist/cgsense.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/mri/sense.hpp"

namespace tweed::dist {

Array<cfloat> map_coils(const Array<cfloat>& maps, const Block& block) {
  if (maps.rank() != 5 || block.begin < 0 || block.end > maps.dim(1) || block.size() < 0)
    throw ShapeMismatch("map_coils", "cannot take coils [" + std::to_string(block.begin) + ", " +
                                         std::to_string(block.end) + ") of maps " +
                                         maps.shape().str() + " ([maps, coils, z, y, x])");
  const index_t sets = maps.dim(0), coils = maps.dim(1), n = maps.size() / (sets * coils);
  Array<cfloat> out(Shape{sets, block.size(), maps.dim(2), maps.dim(3), maps.dim(4)},
                    uninitialized);
  for (index_t m = 0; m < sets; ++m)
    std::copy_n(maps.data() + (m * coils + block.begin) * n, block.size() * n,
                out.data() + m * block.size() * n);
  return out;
}

Array<cfloat> kspace_coils(const Array<cfloat>& kspace, const Block& block) {
  if (kspace.rank() != 4 || block.begin < 0 || block.end > kspace.dim(0) || block.size() < 0)
    throw ShapeMismatch("kspace_coils", "cannot take coils [" + std::to_string(block.begin) + ", " +
                                            std::to_string(block.end) + ") of k-space " +
                                            kspace.shape().str() + " ([coils, z, y, x])");
  const index_t n = kspace.size() / kspace.dim(0);
  Array<cfloat> out(Shape{block.size(), kspace.dim(1), kspace.dim(2), kspace.dim(3)},
                    uninitialized);
  std::copy_n(kspace.data() + block.begin * n, block.size() * n, out.data());
  return out;
}

mri::CgSenseSolver distributed_cgsense(const PetscSession& session) {
  return [&session](const mri::SenseOperator& a, const Array<cfloat>& y, double lambda,
                    const solvers::CgOptions& options, Array<cfloat>& x,
                    const solvers::Monitor& monitor) {
    if (a.coils() < session.size())
      throw InvalidInput("mpiexec",
                         "CG-SENSE splits the coils over the ranks: " + std::to_string(a.coils()) +
                             " coils cannot feed " + std::to_string(session.size()) +
                             " ranks (use at most one rank per coil)");
    const Block block = balanced_block(a.coils(), session.size(), session.rank());
    // One term per coil, A_c^H A_c: a one-coil SENSE operator computes exactly the per-coil
    // result that the all-coil operator adds up in coil order, so the ordered sum over the ranks
    // is bitwise the one-process A^H A x (and A^H y).
    std::vector<std::shared_ptr<const mri::SenseOperator>> coil_ops;
    std::vector<Array<cfloat>> coil_data;
    for (index_t c = block.begin; c < block.end; ++c) {
      coil_ops.push_back(mri::sense(map_coils(a.maps(), {c, c + 1}), a.mask()));
      coil_data.push_back(kspace_coils(y, {c, c + 1}));
    }
    Terms terms;
    terms.count = block.size();
    terms.apply = [&coil_ops](index_t k, const Array<cfloat>& in, Array<cfloat>& out) {
      coil_ops[static_cast<std::size_t>(k)]->apply_normal(in, out);
    };
    terms.rhs = [&](index_t k, Array<cfloat>& out) {
      coil_ops[static_cast<std::size_t>(k)]->apply_adjoint(coil_data[static_cast<std::size_t>(k)],
                                                           out);
    };
    return cg_terms_distributed(session, a.domain(), terms, lambda, x, options, monitor);
  };
}

}  // namespace tweed::dist

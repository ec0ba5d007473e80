// The pieces of the distributed CG-SENSE that need no MPI: the coil partition, the PETSc options
// taken out of argv, the coil slices, and mri::reconstruct's solver hook (a solver that splits
// the coils into blocks and sums their normal operators in one process must reproduce the
// one-process CG-SENSE, which is what the ranks do together).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/dist/cgsense.hpp"
#include "tweed/dist/partition.hpp"
#include "tweed/dist/petsc_options.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/recon.hpp"
#include "tweed/mri/sense.hpp"
#include "tweed/mri/simulate.hpp"
#include "tweed/solvers/cg.hpp"

namespace tweed::dist {
namespace {

TEST(CoilPartition, ContiguousBalancedAndCovering) {
  for (index_t items : {0, 1, 5, 16, 17, 31}) {
    for (int parts = 1; parts <= 7; ++parts) {
      index_t next = 0, smallest = items, largest = 0;
      for (int p = 0; p < parts; ++p) {
        const Block b = balanced_block(items, parts, p);
        EXPECT_EQ(b.begin, next) << items << " items, part " << p << " of " << parts;
        EXPECT_GE(b.size(), 0);
        smallest = std::min(smallest, b.size());
        largest = std::max(largest, b.size());
        next = b.end;
      }
      EXPECT_EQ(next, items);
      EXPECT_LE(largest - smallest, 1);
    }
  }
  // The documented example: the first items % parts blocks hold one more.
  EXPECT_EQ(balanced_block(16, 3, 0).size(), 6);
  EXPECT_EQ(balanced_block(16, 3, 1).begin, 6);
  EXPECT_EQ(balanced_block(16, 3, 2).begin, 11);
  EXPECT_EQ(balanced_block(16, 3, 2).end, 16);
}

TEST(CoilPartition, RejectsBadParts) {
  EXPECT_THROW(balanced_block(8, 0, 0), InvalidInput);
  EXPECT_THROW(balanced_block(8, 2, 2), InvalidInput);
  EXPECT_THROW(balanced_block(8, 2, -1), InvalidInput);
  EXPECT_THROW(balanced_block(-1, 2, 0), InvalidInput);
}

SplitArguments split(std::vector<const char*> args) {
  return split_petsc_options(static_cast<int>(args.size()), args.data());
}

TEST(PetscOptions, TakesPrefixedOptionsAndNumericValues) {
  const SplitArguments s =
      split({"tweed", "mri", "recon", "-tweed_ksp_monitor", "in.h5", "-o", "out.h5",
             "-tweed_ksp_rtol", "1e-8", "-tweed_ksp_type=cg", "-tweed_ksp_max_it", "50", "-q"});
  EXPECT_EQ(s.petsc,
            (std::vector<std::string>{"-tweed_ksp_monitor", "-tweed_ksp_rtol", "1e-8",
                                      "-tweed_ksp_type", "cg", "-tweed_ksp_max_it", "50"}));
  // A word after a flag is never taken as its value: it may be the command's input file.
  EXPECT_EQ(s.rest,
            (std::vector<std::string>{"tweed", "mri", "recon", "in.h5", "-o", "out.h5", "-q"}));
}

TEST(PetscOptions, LeavesOtherArgumentsAlone) {
  const SplitArguments s = split({"tweed", "-tweed_", "-tweedle", "--tweed_x", "-ksp_monitor"});
  EXPECT_TRUE(s.petsc.empty());
  EXPECT_EQ(s.rest.size(), 5u);
}

TEST(CoilSlices, TakeTheBlockOfEveryMapSet) {
  Array<cfloat> maps(Shape{2, 5, 1, 3, 4});
  for (index_t i = 0; i < maps.size(); ++i) maps[i] = cfloat(float(i), -float(i));
  const Block b{1, 4};
  const Array<cfloat> part = map_coils(maps, b);
  ASSERT_EQ(part.shape(), (Shape{2, 3, 1, 3, 4}));
  for (index_t m = 0; m < 2; ++m)
    for (index_t c = 0; c < 3; ++c)
      for (index_t p = 0; p < 12; ++p)
        EXPECT_EQ(part[(m * 3 + c) * 12 + p], maps[(m * 5 + c + 1) * 12 + p]);
  Array<cfloat> k(Shape{5, 1, 3, 4});
  for (index_t i = 0; i < k.size(); ++i) k[i] = cfloat(float(i), 1);
  const Array<cfloat> kp = kspace_coils(k, b);
  ASSERT_EQ(kp.shape(), (Shape{3, 1, 3, 4}));
  for (index_t i = 0; i < kp.size(); ++i) EXPECT_EQ(kp[i], k[12 + i]);
  EXPECT_THROW(map_coils(maps, Block{3, 6}), ShapeMismatch);
  EXPECT_THROW(kspace_coils(k, Block{-1, 2}), ShapeMismatch);
}

// The premise of the distributed CG-SENSE's exactness (dist/cgsense.hpp): a one-coil SENSE
// operator computes bitwise the per-coil result that the all-coil operator adds up in coil
// order, so folding the coils' results in order, in float, reproduces A^H A x and A^H y to the
// bit. If the SENSE operator ever sums its coils differently, this fails first.
TEST(CoilTerms, FoldedInOrderAreBitwiseTheAllCoilOperator) {
  const mri::Grid grid{1, 24, 20};
  for (index_t sets : {1, 2}) {
    Array<cfloat> maps(Shape{sets, 5, 1, 24, 20});
    fill_normal(maps, CounterRng(9, 1));
    mri::MaskOptions mo;
    mo.acceleration = 2;
    mo.calibration = 6;
    const Array<float> mask = mri::make_mask(grid, mo);
    const auto full = mri::sense(maps, mask);
    Array<cfloat> x(full->domain()), y(full->range());
    fill_normal(x, CounterRng(9, 2));
    fill_normal(y, CounterRng(9, 3));
    Array<cfloat> ref_normal(full->domain()), ref_adjoint(full->domain());
    full->apply_normal(x, ref_normal);
    full->apply_adjoint(y, ref_adjoint);
    Array<cfloat> normal(full->domain()), adjoint(full->domain()), t(full->domain());
    for (index_t c = 0; c < 5; ++c) {
      const auto one = mri::sense(map_coils(maps, {c, c + 1}), mask);
      one->apply_normal(x, t);
      for (index_t i = 0; i < t.size(); ++i) normal[i] = c == 0 ? t[i] : normal[i] + t[i];
      one->apply_adjoint(kspace_coils(y, {c, c + 1}), t);
      for (index_t i = 0; i < t.size(); ++i) adjoint[i] = c == 0 ? t[i] : adjoint[i] + t[i];
    }
    for (index_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(normal[i], ref_normal[i]) << sets << " set(s) of maps, pixel " << i;
      ASSERT_EQ(adjoint[i], ref_adjoint[i]) << sets << " set(s) of maps, pixel " << i;
    }
  }
}

// The ranks' sum, taken in one process: each block's coils are separate terms folded in coil
// order in float, as the distributed solver does over the ranks. With Tweed's own float CG on that
// operator the result must be the one-process CG-SENSE to the bit: the hook sees the same scaled
// data, lambda and stop rule, and the folded operator is bitwise A^H A (+ lambda I).
TEST(CgSenseHook, CoilBlocksReproduceTheOneProcessSolve) {
  const mri::Grid grid{1, 48, 48};
  const index_t coils = 7;
  const Array<cfloat> maps = mri::birdcage_maps(coils, grid);
  mri::MaskOptions mo;
  mo.acceleration = 3;
  mo.calibration = 12;
  const Array<float> mask = mri::make_mask(grid, mo);
  mri::SimulationOptions so;
  so.noise_sigma = 0.01;
  so.seed = 4;
  const Array<cfloat> kspace = mri::simulate_kspace(mri::shepp_logan_phantom(grid), maps, mask, so);

  mri::ReconOptions serial;
  const mri::ReconResult one = mri::reconstruct(kspace, maps, mask, serial);

  for (int ranks : {2, 3}) {
    mri::ReconOptions split_opts;
    int calls = 0;
    split_opts.cg_solver = [&](const mri::SenseOperator& a, const Array<cfloat>& y, double lambda,
                               const solvers::CgOptions& o, Array<cfloat>& x,
                               const solvers::Monitor& monitor) {
      ++calls;
      EXPECT_EQ(a.coils(), coils);
      EXPECT_DOUBLE_EQ(lambda, mri::default_lambda(mri::ReconMethod::cgsense));
      EXPECT_EQ(o.max_iterations, mri::default_iterations(mri::ReconMethod::cgsense));
      EXPECT_DOUBLE_EQ(o.tol, 1e-6);
      // Terms in global order: rank after rank, each rank's block of coils in order.
      std::vector<std::shared_ptr<const mri::SenseOperator>> terms;
      std::vector<Array<cfloat>> data;
      for (int r = 0; r < ranks; ++r) {
        const Block b = balanced_block(a.coils(), ranks, r);
        for (index_t c = b.begin; c < b.end; ++c) {
          terms.push_back(mri::sense(map_coils(a.maps(), {c, c + 1}), a.mask()));
          data.push_back(kspace_coils(y, {c, c + 1}));
        }
      }
      Array<cfloat> t(a.domain());
      auto fold = [&](Array<cfloat>& acc, auto&& term) {
        for (std::size_t k = 0; k < terms.size(); ++k) {
          term(k, t);
          for (index_t i = 0; i < t.size(); ++i) acc[i] = k == 0 ? t[i] : acc[i] + t[i];
        }
      };
      Array<cfloat> rhs(a.domain());
      fold(rhs, [&](std::size_t k, Array<cfloat>& out) { terms[k]->apply_adjoint(data[k], out); });
      const auto lam = cfloat(static_cast<float>(lambda));
      solvers::LinearMap<cfloat> normal = [&](const Array<cfloat>& in, Array<cfloat>& out) {
        fold(out, [&](std::size_t k, Array<cfloat>& o2) { terms[k]->apply_normal(in, o2); });
        axpy(lam, in, out);
      };
      return solvers::cg(normal, rhs, x, o, monitor);
    };
    const mri::ReconResult split_result = mri::reconstruct(kspace, maps, mask, split_opts);
    EXPECT_EQ(calls, 1);
    EXPECT_DOUBLE_EQ(split_result.scale, one.scale);
    EXPECT_EQ(split_result.report.iterations, one.report.iterations);
    ASSERT_EQ(split_result.image.shape(), one.image.shape());
    for (index_t i = 0; i < one.image.size(); ++i)
      ASSERT_EQ(split_result.image[i], one.image[i]) << ranks << " blocks, pixel " << i;
  }
}

}  // namespace
}  // namespace tweed::dist

// The PETSc bridge on several ranks (run under mpiexec, label "mpi"): a known solution is
// recovered, the distributed solve matches the one-process solvers::cg_normal on the stacked
// operator, and the collective behaviours hold (a monitor's stop on one rank stops all, b = 0,
// a failing operator on one rank fails every rank without a hang). One PetscSession serves all
// tests: MPI starts once per process.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "tweed/core/error.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/dist/cgsense.hpp"
#include "tweed/dist/partition.hpp"
#include "tweed/dist/petsc.hpp"
#include "tweed/dist/petsc_options.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/sense.hpp"
#include "tweed/mri/simulate.hpp"
#include "tweed/solvers/cg.hpp"

namespace tweed::dist {
namespace {

PetscSession* g_session = nullptr;

double relative_difference(const Array<cfloat>& a, const Array<cfloat>& b) {
  double num = 0, den = 0;
  for (index_t i = 0; i < a.size(); ++i) {
    num += std::norm(cdouble(a[i]) - cdouble(b[i]));
    den += std::norm(cdouble(b[i]));
  }
  return std::sqrt(num / den);
}

// A small SENSE problem: 5 coils (so that 2 and 3 ranks get unequal blocks), every rank builds
// the same one from the same seeds and keeps its block.
struct Problem {
  Array<cfloat> maps, truth, kspace;
  Array<float> mask;
};

Problem make_problem(bool undersampled) {
  const mri::Grid grid{1, 32, 32};
  Problem p;
  p.maps = mri::birdcage_maps(5, grid);
  if (undersampled) {
    mri::MaskOptions mo;
    mo.acceleration = 2;
    mo.calibration = 8;
    p.mask = mri::make_mask(grid, mo);
  }
  p.truth = Array<cfloat>(Shape{1, 1, 32, 32});
  fill_normal(p.truth, CounterRng(42, 1));
  p.kspace = mri::sense(p.maps, p.mask)->operator()(p.truth);
  return p;
}

TEST(PetscBridge, RecoversAKnownSolution) {
  const PetscSession& s = *g_session;
  const Problem p = make_problem(false);  // fully sampled: A^H A is well conditioned, x = truth
  const Block b = balanced_block(5, s.size(), s.rank());
  const auto a = mri::sense(map_coils(p.maps, b), p.mask);
  Array<cfloat> x;
  solvers::CgOptions o;
  o.max_iterations = 200;
  o.tol = 1e-7;
  const solvers::SolveReport r = cg_normal_distributed(s, *a, kspace_coils(p.kspace, b), 0.0, x, o);
  EXPECT_EQ(r.reason, solvers::StopReason::converged);
  EXPECT_LE(r.final_residual, 1e-7);
  EXPECT_EQ(static_cast<int>(r.history.size()), r.iterations);
  EXPECT_LT(relative_difference(x, p.truth), 1e-5);
}

// Same stop rule: with a loose tolerance both stop early at the same iteration, with a tight one
// both run the budget (8 iterations); the images agree to 1e-5 (the operator is bitwise the same,
// CG's vectors are double here and float in solvers::cg).
TEST(PetscBridge, MatchesTheOneProcessSolver) {
  const PetscSession& s = *g_session;
  const Problem p = make_problem(true);
  const double lambda = 1e-3;
  for (double tol : {1e-9, 1e-2}) {
    solvers::CgOptions o;
    o.max_iterations = 8;
    o.tol = tol;
    Array<cfloat> serial;
    const solvers::SolveReport rs =
        solvers::cg_normal(*mri::sense(p.maps, p.mask), p.kspace, lambda, serial, o);
    ASSERT_EQ(rs.reason,
              tol > 1e-3 ? solvers::StopReason::converged : solvers::StopReason::max_iterations);
    ASSERT_LT(rs.iterations, tol > 1e-3 ? 8 : 9);

    const Block b = balanced_block(5, s.size(), s.rank());
    Array<cfloat> x;
    const solvers::SolveReport rd = cg_normal_distributed(
        s, *mri::sense(map_coils(p.maps, b), p.mask), kspace_coils(p.kspace, b), lambda, x, o);
    EXPECT_EQ(rd.iterations, rs.iterations) << "tol " << tol;
    EXPECT_EQ(rd.reason, rs.reason) << "tol " << tol;
    EXPECT_NEAR(rd.final_residual, rs.final_residual, 1e-3 * rs.final_residual + 1e-7);
    EXPECT_LT(relative_difference(x, serial), 1e-5) << "tol " << tol;
  }
}

TEST(PetscBridge, AnyRanksMonitorStopsAll) {
  const PetscSession& s = *g_session;
  const Problem p = make_problem(true);
  const Block b = balanced_block(5, s.size(), s.rank());
  Array<cfloat> x;
  solvers::CgOptions o;
  o.max_iterations = 30;
  const int last_rank = s.size() - 1;
  const solvers::SolveReport r =
      cg_normal_distributed(s, *mri::sense(map_coils(p.maps, b), p.mask), kspace_coils(p.kspace, b),
                            1e-3, x, o, [&](const solvers::IterationInfo& info) {
                              return !(s.rank() == last_rank && info.iteration == 3);
                            });
  EXPECT_EQ(r.reason, solvers::StopReason::stopped_by_monitor);
  EXPECT_EQ(r.iterations, 3);
}

TEST(PetscBridge, ZeroRightHandSideGivesZero) {
  const PetscSession& s = *g_session;
  Array<cfloat> rhs(Shape{4, 4}), x(Shape{4, 4});
  fill(x, cfloat(1, 1));
  const solvers::SolveReport r = cg_distributed(
      s, [](const Array<cfloat>& in, Array<cfloat>& out) { copy(in, out); }, rhs, 0.5, x);
  EXPECT_EQ(r.reason, solvers::StopReason::converged);
  EXPECT_EQ(r.iterations, 0);
  for (index_t i = 0; i < x.size(); ++i) EXPECT_EQ(x[i], cfloat{});
}

// N_r = (r + 1) I, lambda = 1: N = (sum_r (r + 1) + 1) I; CG solves it in one step.
TEST(PetscBridge, SumsThePartsOfAllRanks) {
  const PetscSession& s = *g_session;
  Array<cfloat> rhs(Shape{3, 5}), x;
  fill_normal(rhs, CounterRng(7, 2));  // the same c_r on every rank: b = size * c
  const auto w = static_cast<float>(s.rank() + 1);
  const solvers::SolveReport r = cg_distributed(
      s,
      [w](const Array<cfloat>& in, Array<cfloat>& out) {
        copy(in, out);
        scale(out, cfloat(w));
      },
      rhs, 1.0, x);
  EXPECT_EQ(r.reason, solvers::StopReason::converged);
  EXPECT_EQ(r.iterations, 1);
  const double n = s.size();
  const double diag = n * (n + 1) / 2 + 1;
  for (index_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(x[i].real(), n * rhs[i].real() / diag, 1e-6);
    EXPECT_NEAR(x[i].imag(), n * rhs[i].imag() / diag, 1e-6);
  }
}

TEST(PetscBridge, AFailingRankFailsEveryRank) {
  const PetscSession& s = *g_session;
  Array<cfloat> rhs(Shape{8}), x;
  fill(rhs, cfloat(1, 0));
  const int failing = s.size() - 1;
  EXPECT_THROW(cg_distributed(
                   s,
                   [&](const Array<cfloat>& in, Array<cfloat>& out) {
                     if (s.rank() == failing) throw std::runtime_error("this rank's operator");
                     copy(in, out);
                   },
                   rhs, 0.0, x),
               std::exception);
}

TEST(PetscBridge, RejectsBadArguments) {
  const PetscSession& s = *g_session;
  Array<cfloat> rhs(Shape{8}), x;
  auto id = [](const Array<cfloat>& in, Array<cfloat>& out) { copy(in, out); };
  EXPECT_THROW(cg_distributed(s, id, rhs, -1.0, x), InvalidInput);
  solvers::CgOptions o;
  o.tol = -1;
  EXPECT_THROW(cg_distributed(s, id, rhs, 0.0, x, o), InvalidInput);
  EXPECT_THROW(PetscSession second, Unsupported);
}

}  // namespace
}  // namespace tweed::dist

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int status = 1;
  {
    tweed::dist::PetscSession session(tweed::dist::petsc_options(argc, argv));
    tweed::dist::g_session = &session;
    // Only rank 0 prints the test report; every rank runs every test (they are collective).
    if (session.rank() != 0) {
      auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
    status = RUN_ALL_TESTS();
  }
  return status;
}

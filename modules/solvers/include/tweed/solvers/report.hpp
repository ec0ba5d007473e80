// What every solver takes and returns besides its problem: a Monitor called once per iteration
// (it may stop the run) and a SolveReport. Non-convergence is a StopReason, never an exception.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tweed::solvers {

enum class StopReason {
  converged,           ///< the solver's tolerance was met
  max_iterations,      ///< the iteration budget ran out first
  stopped_by_monitor,  ///< the Monitor asked to stop
  breakdown,           ///< a division by (near) zero, e.g. p^H A p = 0 in CG
  diverged,            ///< the residual or objective became NaN or Inf
};
std::string to_string(StopReason reason);

/// One iteration as the monitor sees it. `residual` is the solver's own stopping quantity (its
/// meaning is documented per solver); `objective` is NaN where the solver does not compute it.
struct IterationInfo {
  int iteration = 0;
  double residual = 0;
  double objective = 0;
  double seconds = 0;
};

/// Called after every iteration; return false to stop the solver (reason stopped_by_monitor).
using Monitor = std::function<bool(const IterationInfo&)>;

struct SolveReport {
  StopReason reason = StopReason::max_iterations;
  int iterations = 0;
  double final_residual = 0;
  std::vector<IterationInfo> history;
  double seconds = 0;

  bool converged() const { return reason == StopReason::converged; }
  /// {"reason", "iterations", "final_residual", "seconds", "residuals": [...]} for provenance.
  nlohmann::json to_json() const;
};

}  // namespace tweed::solvers

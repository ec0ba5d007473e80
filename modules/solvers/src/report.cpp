#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::converged:
      return "converged";
    case StopReason::max_iterations:
      return "max_iterations";
    case StopReason::stopped_by_monitor:
      return "stopped_by_monitor";
    case StopReason::breakdown:
      return "breakdown";
    case StopReason::diverged:
      return "diverged";
  }
  return "unknown";
}

nlohmann::json SolveReport::to_json() const {
  std::vector<double> residuals;
  residuals.reserve(history.size());
  for (const auto& h : history) residuals.push_back(h.residual);
  return {{"reason", to_string(reason)},
          {"iterations", iterations},
          {"final_residual", final_residual},
          {"seconds", seconds},
          {"residuals", residuals}};
}

}  // namespace tweed::solvers

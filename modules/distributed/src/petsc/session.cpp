// tweed::dist PETSc front end: checks arguments, converts between Tweed's complex float arrays and
// the plugin's interleaved doubles, and calls libtweed_dist_petsc.so through its C interface
// (petsc_abi.hpp). Nothing here includes MPI or PETSc.
#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "petsc_abi.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/plugin.hpp"
#include "tweed/dist/launch.hpp"
#include "tweed/dist/petsc.hpp"

namespace tweed::dist {
namespace {

constexpr const char* kPluginFile = "lib" TWEED_DIST_PETSC_PLUGIN ".so";
constexpr const char* kPrefix = "tweed_";

struct Plugin {
  TweedDistInitFn init;
  TweedDistFinalizeFn finalize;
  TweedDistCgFn cg;
};

const Plugin& plugin() {
  static const Plugin p = [] {
    // Open MPI opens its components (mca_*.so) with dlopen, and builds whose components do not
    // link libmpi/libopen-pal themselves expect those symbols in the global scope. The plugin is
    // loaded RTLD_LOCAL (core/plugin.hpp), so its libmpi would be local and such components would
    // fail to load ("undefined symbol"). Loading libmpi first with RTLD_GLOBAL makes the plugin's
    // dependency resolve to that global copy. Debian 12's Open MPI 4.1.4 links its components and
    // works without this (checked); a missing libmpi.so.40 (another MPI) is simply skipped.
    dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    auto abi = reinterpret_cast<TweedDistAbiFn>(
        plugin_symbol(TWEED_DIST_PETSC_PLUGIN, TWEED_DIST_PETSC_SYM_ABI));
    if (const int32_t v = abi(); v != TWEED_DIST_PETSC_ABI)
      throw Unsupported(kPluginFile, "plugin interface version " + std::to_string(v) +
                                         ", this program needs " +
                                         std::to_string(TWEED_DIST_PETSC_ABI) + " (stale build?)");
    return Plugin{reinterpret_cast<TweedDistInitFn>(
                      plugin_symbol(TWEED_DIST_PETSC_PLUGIN, TWEED_DIST_PETSC_SYM_INIT)),
                  reinterpret_cast<TweedDistFinalizeFn>(
                      plugin_symbol(TWEED_DIST_PETSC_PLUGIN, TWEED_DIST_PETSC_SYM_FINALIZE)),
                  reinterpret_cast<TweedDistCgFn>(
                      plugin_symbol(TWEED_DIST_PETSC_PLUGIN, TWEED_DIST_PETSC_SYM_CG))};
  }();
  return p;
}

std::atomic<bool> g_session_started{false};
std::atomic<bool> g_distributed_enabled{true};

// The callbacks' context: the rank's terms, the kept results of the last product, the right-hand
// side's terms, the user's monitor and the history.
struct CallContext {
  const Terms* terms;
  Array<cfloat> x;
  std::vector<Array<cfloat>> products, rhs;
  const solvers::Monitor* monitor;
  solvers::SolveReport* report;
  bool keep_history;
  std::chrono::steady_clock::time_point start;
  std::exception_ptr error;
};

void to_complex(const double* src, Array<cfloat>& dst) {
  cfloat* d = dst.data();
  for (index_t i = 0; i < dst.size(); ++i)
    d[i] = cfloat(static_cast<float>(src[2 * i]), static_cast<float>(src[2 * i + 1]));
}

// Exceptions must not unwind through PETSc's frames: they are kept and rethrown afterwards.
int32_t compute_trampoline(void* context, const float* x, int64_t n2) {
  auto* c = static_cast<CallContext*>(context);
  try {
    std::copy(x, x + n2, reinterpret_cast<float*>(c->x.data()));
    std::exception_ptr error;
    std::mutex mutex;
    parallel_for(
        0, c->terms->count,
        [&](index_t k) {
          try {
            c->terms->apply(k, c->x, c->products[static_cast<std::size_t>(k)]);
          } catch (...) {
            std::lock_guard lock(mutex);
            if (!error) error = std::current_exception();
          }
        },
        1);
    if (error) std::rethrow_exception(error);
    return 1;
  } catch (...) {
    if (!c->error) c->error = std::current_exception();
    return 0;
  }
}

// acc = (((acc + t_0) + t_1) + ...) in complex float, as a one-process loop adds them.
int32_t fold_trampoline(void* context, int32_t which, float* acc, int32_t first, int64_t n2) {
  auto* c = static_cast<CallContext*>(context);
  const std::vector<Array<cfloat>>& terms = which == 0 ? c->products : c->rhs;
  auto* a = reinterpret_cast<cfloat*>(acc);
  const index_t n = n2 / 2;
  if (terms.empty()) {
    if (first) std::fill(a, a + n, cfloat{});
    return 1;
  }
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const cfloat* t = terms[k].data();
    if (k == 0 && first)
      std::copy(t, t + n, a);
    else
      for (index_t i = 0; i < n; ++i) a[i] += t[i];
  }
  return 1;
}

int32_t iteration_trampoline(void* context, int32_t iteration, double residual) {
  auto* c = static_cast<CallContext*>(context);
  try {
    const solvers::IterationInfo info{
        iteration, residual, std::nan(""),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - c->start).count()};
    if (c->keep_history) c->report->history.push_back(info);
    return (!*c->monitor || (*c->monitor)(info)) ? 1 : 0;
  } catch (...) {
    if (!c->error) c->error = std::current_exception();
    return 0;
  }
}

solvers::StopReason stop_reason(int32_t r) {
  switch (r) {
    case 0:
      return solvers::StopReason::converged;
    case 1:
      return solvers::StopReason::max_iterations;
    case 2:
      return solvers::StopReason::stopped_by_monitor;
    case 4:
      return solvers::StopReason::diverged;
    default:
      return solvers::StopReason::breakdown;
  }
}

}  // namespace

PetscSession::PetscSession(const std::vector<std::string>& options) {
  if (g_session_started.exchange(true))
    throw Unsupported("PETSc", "a process starts PETSc (and MPI) once; a session already ran");
  const Plugin& p = plugin();
  std::vector<const char*> argv;
  for (const std::string& o : options) argv.push_back(o.c_str());
  char message[1024] = {};
  int32_t rank = 0, size = 1;
  if (p.init(static_cast<int32_t>(argv.size()), argv.data(), &rank, &size, message,
             sizeof message) != kTweedDistOk)
    throw Error(kPluginFile, std::string("cannot start MPI and PETSc: ") + message);
  rank_ = rank;
  size_ = size;
}

PetscSession::~PetscSession() {
  char message[1024] = {};
  if (plugin().finalize(message, sizeof message) != kTweedDistOk) log::warn("PETSc: {}", message);
}

bool use_distributed_solves() {
  if (!g_distributed_enabled) return false;
  if (const char* v = std::getenv("TWEED_DISTRIBUTED"); v && std::string(v) == "0") return false;
  return launcher_world_size() > 1;
}

void set_distributed_solves(bool enabled) {
  g_distributed_enabled = enabled;
}

solvers::SolveReport cg_terms_distributed(const PetscSession&, const Shape& shape,
                                          const Terms& terms, double lambda, Array<cfloat>& x,
                                          const solvers::CgOptions& options,
                                          const solvers::Monitor& monitor) {
  constexpr const char* who = "dist::cg_terms_distributed";
  if (shape.size() <= 0)
    throw InvalidInput(who, "the unknown's shape " + shape.str() + " is empty");
  if (terms.count < 0) throw InvalidInput(who, "negative term count");
  if (terms.count > 0 && (!terms.apply || !terms.rhs))
    throw InvalidInput(who, "the terms need both apply and rhs");
  if (!(lambda >= 0) || !std::isfinite(lambda))
    throw InvalidInput(who, "lambda must be >= 0 and finite, got " + std::to_string(lambda));
  if (options.max_iterations < 0) throw InvalidInput("CgOptions.max_iterations", "must be >= 0");
  if (!(options.tol >= 0) || !std::isfinite(options.tol))
    throw InvalidInput("CgOptions.tol", "must be >= 0 and finite");

  const Plugin& p = plugin();
  solvers::SolveReport report;
  CallContext ctx{&terms,
                  Array<cfloat>(shape),
                  {},
                  {},
                  &monitor,
                  &report,
                  options.keep_history,
                  std::chrono::steady_clock::now(),
                  nullptr};
  for (index_t k = 0; k < terms.count; ++k) {
    ctx.products.emplace_back(shape);
    ctx.rhs.emplace_back(shape);
    terms.rhs(k, ctx.rhs.back());
  }
  const index_t n2 = 2 * shape.size();
  std::vector<double> solution(static_cast<std::size_t>(n2));
  TweedDistCgResult result{};
  char message[1024] = {};
  const int32_t status = p.cg(n2, lambda, options.max_iterations, options.tol, kPrefix,
                              compute_trampoline, fold_trampoline, &ctx, iteration_trampoline, &ctx,
                              solution.data(), &result, message, sizeof message);
  if (ctx.error) std::rethrow_exception(ctx.error);
  if (status == kTweedDistInvalidInput) throw InvalidInput(who, message);
  if (status != kTweedDistOk) throw Error(who, std::string("the PETSc solve failed: ") + message);

  x = Array<cfloat>(shape, uninitialized);
  to_complex(solution.data(), x);
  report.reason = stop_reason(result.reason);
  report.iterations = result.iterations;
  report.final_residual = result.final_residual;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.start).count();
  return report;
}

solvers::SolveReport cg_distributed(const PetscSession& session,
                                    const solvers::LinearMap<cfloat>& local_part,
                                    const Array<cfloat>& rhs_part, double lambda, Array<cfloat>& x,
                                    const solvers::CgOptions& options,
                                    const solvers::Monitor& monitor) {
  if (!local_part) throw InvalidInput("dist::cg_distributed", "the linear map is empty");
  Terms t;
  t.count = 1;
  t.apply = [&local_part](index_t, const Array<cfloat>& in, Array<cfloat>& out) {
    local_part(in, out);
  };
  t.rhs = [&rhs_part](index_t, Array<cfloat>& out) { copy(rhs_part, out); };
  return cg_terms_distributed(session, rhs_part.shape(), t, lambda, x, options, monitor);
}

solvers::SolveReport cg_normal_distributed(const PetscSession& session,
                                           const linop::LinearOperator<cfloat>& local_a,
                                           const Array<cfloat>& local_b, double lambda,
                                           Array<cfloat>& x, const solvers::CgOptions& options,
                                           const solvers::Monitor& monitor) {
  if (local_b.shape() != local_a.range())
    throw ShapeMismatch(local_a.name(), "the data part has shape " + local_b.shape().str() +
                                            ", the operator's range is " + local_a.range().str());
  Terms t;
  t.count = 1;
  t.apply = [&local_a](index_t, const Array<cfloat>& in, Array<cfloat>& out) {
    local_a.apply_normal(in, out);
  };
  t.rhs = [&](index_t, Array<cfloat>& out) { local_a.apply_adjoint(local_b, out); };
  return cg_terms_distributed(session, local_a.domain(), t, lambda, x, options, monitor);
}

}  // namespace tweed::dist

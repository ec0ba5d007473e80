// `tweed batch MANIFEST`: run a manifest of tweed commands, alone or under mpiexec, with resume
// (tweed::dist::run_batch; docs/hpc.md). Exit codes: 0 every job done or skipped, 3 some jobs
// or gather volumes failed (the summary says which and why), 2 a bad manifest or option, 1
// another batch error.
#include <memory>

#include "command.hpp"
#include "tweed/dist/batch.hpp"

namespace tweed::app {

void add_batch_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<dist::BatchOptions>();
  auto* cmd = app.add_subcommand(
      "batch", "Run a manifest of jobs, alone or under mpiexec, with resume (docs/hpc.md)");
  cmd->add_option("manifest", o->manifest, "Manifest of jobs (.yaml, .yml or .json)")->required();
  cmd->add_option("--state", o->state,
                  "Folder of job records, logs and the summary (default: <manifest stem>.batch "
                  "beside the manifest)");
  cmd->add_option("--summary", o->summary, "Also write the summary JSON here");
  cmd->add_flag("--dry-run", o->dry_run,
                "Print which jobs would run or be skipped (and why), in order; run nothing");
  cmd->add_option("--threads-per-rank", o->threads_per_rank,
                  "Threads of each job (default: --threads, else the node's cores / ranks on it)")
      ->check(CLI::PositiveNumber);
  cmd->callback([o, &ctx] {
    ctx.action = [o, &ctx]() -> int {
      dist::BatchOptions opts = *o;
      if (opts.threads_per_rank <= 0 && ctx.global.threads > 0)
        opts.threads_per_rank = ctx.global.threads;
      auto prov = std::make_shared<Provenance>(ctx.make_provenance());
      prov->set_option("manifest", opts.manifest);
      prov->set_option("state", opts.state);
      prov->set_option("summary", opts.summary);
      opts.provenance = [prov, manifest = opts.manifest](int ranks, int threads_per_rank) {
        prov->add_input(manifest);
        prov->set_mpi_ranks(ranks);
        prov->set_option("threads_per_rank", threads_per_rank);
        return prov->to_json();
      };
      return dist::run_batch(opts);
    };
  });
}

}  // namespace tweed::app

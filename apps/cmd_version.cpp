// tweed version: the version, the git commit and the libraries this build uses.
#include <fftw3.h>

#include <cstdio>

#include "command.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/version.hpp"

namespace tweed::app {

void add_version_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("version", "Print the version, git commit and libraries");
  cmd->callback([&ctx] {
    ctx.action = [] {
      std::printf("tweed %s\ncommit %s\nfftw %s\nthreads %d\n", version(), git_commit(),
                  fftw_version, num_threads());
      return 0;
    };
  });
}

}  // namespace tweed::app

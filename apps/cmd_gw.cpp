// `tweed gw`: being built (issue 5).
#include "command.hpp"
#include "tweed/core/error.hpp"

namespace tweed::app {

void add_gw_command(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("gw", "Gravitational-wave strain denoising [not in this build yet]");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    ctx.action = []() -> int {
      throw Unsupported("tweed gw", "this module is not part of this build yet");
    };
  });
}

}  // namespace tweed::app

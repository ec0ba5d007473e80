// Entry points whose modules are built by later work (ARCHITECTURE.md §1). They are listed in
// `tweed --help` so that the command-line shape is stable, and each says plainly that it is not
// available in this build instead of pretending to run.
#include "command.hpp"
#include "tweed/core/error.hpp"

namespace tweed::app {

void add_planned_commands(CLI::App& app, Context& ctx) {
  struct Planned {
    const char* name;
    const char* description;
  };
  static const Planned planned[] = {
      {"radar", "Near-field MIMO radar imaging (PnP-ADMM on the magnitude)"},
      {"hsi", "Hyperspectral denoising (FastHyDe, HyRes, L1HyMixDe)"},
  };
  for (const Planned& p : planned) {
    auto* cmd = app.add_subcommand(p.name, std::string(p.description) + " [not in this build yet]");
    cmd->allow_extras();
    const std::string name = p.name;
    cmd->callback([&ctx, name] {
      ctx.action = [name]() -> int {
        throw Unsupported("tweed " + name, "this module is not part of this build yet");
      };
    });
  }
}

}  // namespace tweed::app

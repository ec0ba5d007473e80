// What every subcommand of the `tweed` program shares: the global options, the provenance record
// of the run and the action the parser selected. Each subcommand lives in its own cmd_*.cpp file
// and is thin: options -> read -> one library call -> write.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "tweed/core/provenance.hpp"

namespace tweed::app {

struct GlobalOptions {
  int threads = 0;         ///< 0 = all cores
  std::uint64_t seed = 0;  ///< seeds every random choice of the run
  bool quiet = false;      ///< no progress, warnings and errors only
  std::string log_level = "info";
  std::string config;  ///< YAML or JSON file whose keys are long option names
};

struct Context {
  GlobalOptions global;
  int argc = 0;
  const char* const* argv = nullptr;
  /// Set by the selected subcommand's parse callback; run after parsing. Returns the exit code.
  std::function<int()> action;

  /// A provenance record of this run with the global options filled in.
  Provenance make_provenance() const;
};

void add_version_command(CLI::App& app, Context& ctx);
void add_info_command(CLI::App& app, Context& ctx);
void add_demo_command(CLI::App& app, Context& ctx);
/// `tweed mri simulate|sens|recon` (cmd_mri.cpp).
void add_mri_command(CLI::App& app, Context& ctx);
/// `tweed ct simulate|recon` (cmd_ct.cpp).
void add_ct_command(CLI::App& app, Context& ctx);
/// `tweed gw simulate|denoise|study` (cmd_gw.cpp).
void add_gw_command(CLI::App& app, Context& ctx);
/// `tweed batch MANIFEST` (cmd_batch.cpp).
void add_batch_command(CLI::App& app, Context& ctx);
/// Entry points of the domain modules that are not built yet.
void add_planned_commands(CLI::App& app, Context& ctx);

}  // namespace tweed::app

// The `tweed` program: global options, subcommand dispatch, --config, and the one place where
// errors become a single message line and an exit code.
//
// Exit codes: 0 success; 1 the run failed (bad input file, I/O error, unsupported feature);
// 2 the command line or config file is wrong.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "command.hpp"
#include "config_file.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/log.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/progress.hpp"
#include "tweed/core/version.hpp"
#include "tweed/dist/petsc_options.hpp"

namespace {

const CLI::App* selected_leaf(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return selected_leaf(*sub);
  return &app;
}

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "tweed: error: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tweed;
  app::Context ctx;
  ctx.argc = argc;
  ctx.argv = argv;

  CLI::App cli(
      "Tweed: reconstruction and denoising for CT, MRI, radar, hyperspectral and "
      "gravitational-wave data.",
      "tweed");
  cli.set_version_flag("--version", std::string("tweed ") + version() + " (" + git_commit() + ")");
  cli.require_subcommand(1);
  cli.fallthrough();  // global options may follow the subcommand
  auto& g = ctx.global;
  cli.add_option("--threads", g.threads, "Threads to use (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--seed", g.seed, "Seed of every random choice (recorded in the provenance)");
  cli.add_flag("-q,--quiet", g.quiet, "No progress output; warnings and errors only");
  cli.add_option("--log-level", g.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cli.add_option("--config", g.config,
                 "YAML or JSON file of option values (keys are long option names)");

  app::add_version_command(cli, ctx);
  app::add_info_command(cli, ctx);
  app::add_demo_command(cli, ctx);
  app::add_mri_command(cli, ctx);
  app::add_gw_command(cli, ctx);
  app::add_ct_command(cli, ctx);
  app::add_batch_command(cli, ctx);
  app::add_planned_commands(cli, ctx);
  for (CLI::App* sub : cli.get_subcommands([](CLI::App*) { return true; }))
    sub->footer(
        "Global options (--seed, --threads, --quiet, --config, --log-level) may be given "
        "before or after the subcommand; see tweed --help.");

  // PETSc's options (-tweed_ksp_monitor, -tweed_ksp_rtol 1e-8, ...) are not CLI11's: they stay
  // out of its parse, and the commands that start PETSc read them from ctx.argv
  // (tweed/dist/petsc_options.hpp).
  const std::vector<std::string> own = dist::split_petsc_options(argc, argv).rest;
  std::vector<std::string> args(own.rbegin(), own.rend() - 1);  // CLI11 wants them reversed
  try {
    try {
      cli.parse(std::vector<std::string>(args));
      if (!g.config.empty()) {
        const std::vector<std::string> extra = app::config_arguments(g.config, *selected_leaf(cli));
        if (!extra.empty()) {
          std::vector<std::string> all(extra.rbegin(), extra.rend());
          all.insert(all.end(), args.begin(), args.end());
          cli.clear();
          ctx.action = nullptr;
          cli.parse(all);
        }
      }
    } catch (const CLI::CallForHelp& e) {
      return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return cli.exit(e);
    } catch (const CLI::ParseError& e) {
      return fail(std::string(e.what()) + " (see tweed --help)", 2);
    }
    set_num_threads(g.threads);
    Progress::set_quiet(g.quiet);
    log::set_level(g.quiet ? log::Level::warn : log::parse_level(g.log_level));
    if (!ctx.action) return fail("no command given (see tweed --help)", 2);
    return ctx.action();
  } catch (const InvalidInput& e) {
    return fail(e.what(), 2);
  } catch (const Error& e) {
    return fail(e.what(), 1);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", 1);
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what(), 1);
  }
}

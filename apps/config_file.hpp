// --config FILE: a YAML or JSON mapping whose keys are the long option names of the selected
// subcommand (or of the global options), e.g. {"lambda": 0.01, "iters": 30}. Values given on the
// command line win over the file. An unknown key is an error naming the file and the key.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace tweed::app {

/// Arguments "--key=value" for every key of `path` that `target` (or one of its parents) knows and
/// that was not given on the command line. Throws InvalidInput naming the file for unknown keys,
/// unreadable files or values that are not scalars or lists of scalars.
std::vector<std::string> config_arguments(const std::string& path, const CLI::App& target);

}  // namespace tweed::app

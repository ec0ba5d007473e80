// Plugins: shared libraries of Tweed that are loaded only when first needed, so that a command
// which does not need a heavy dependency never pays for loading it (ARCHITECTURE.md §7: GDCM's
// dictionaries alone cost ~18 ms at process start; libtorch ~450 ms; MPI ~360 ms).
//
// A plugin "name" is the file lib<name>.so, looked for in order in: $TWEED_PLUGIN_DIR, the folder
// of the running executable, <that folder>/../lib/tweed, and the build tree's lib/ folder.
// Plugins are loaded once per process (RTLD_NOW | RTLD_LOCAL) and never unloaded.
#pragma once

#include <string>

namespace tweed {

/// The address of `symbol` in plugin `name`; throws Unsupported naming the plugin and the folders
/// searched when the plugin cannot be found or lacks the symbol.
void* plugin_symbol(const std::string& name, const std::string& symbol);

}  // namespace tweed

#include "command.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::app {

Provenance Context::make_provenance() const {
  Provenance p(argc, argv);
  p.set_option("threads", num_threads());
  p.set_option("quiet", global.quiet);
  if (!global.config.empty()) {
    p.set_option("config", global.config);
    p.add_input(global.config);
  }
  p.set_seed("seed", global.seed);
  return p;
}

}  // namespace tweed::app

// Tweed's version and the git commit it was built from ("<hash>-dirty" for uncommitted changes).
#pragma once

namespace tweed {
const char* version();
const char* git_commit();
}  // namespace tweed

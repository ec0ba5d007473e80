#include <cstdio>
#include "tweed/core/version.hpp"
int main() { std::printf("tweed %s (%s)\n", tweed::version(), tweed::git_commit()); }

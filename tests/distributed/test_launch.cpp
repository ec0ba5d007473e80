#include <gtest/gtest.h>

#include <cstdlib>

#include "tweed/dist/launch.hpp"

namespace {

// Clears every variable launch.cpp reads, so each test states exactly what the launcher set.
void clear_launcher_environment() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE", "PMI_RANK",
                           "PMIX_SIZE", "PMIX_RANK"})
    unsetenv(name);
}

TEST(Launch, AloneWhenNoLauncherVariableIsSet) {
  clear_launcher_environment();
  EXPECT_EQ(tweed::dist::launcher_world_size(), 0);
  EXPECT_EQ(tweed::dist::launcher_rank(), 0);
  EXPECT_FALSE(tweed::dist::started_by_mpi_launcher());
}

TEST(Launch, ReadsOpenMpiAndPmiVariables) {
  clear_launcher_environment();
  setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
  setenv("OMPI_COMM_WORLD_RANK", "3", 1);
  EXPECT_EQ(tweed::dist::launcher_world_size(), 4);
  EXPECT_EQ(tweed::dist::launcher_rank(), 3);
  clear_launcher_environment();
  setenv("PMI_SIZE", "1", 1);
  EXPECT_TRUE(tweed::dist::started_by_mpi_launcher());
  EXPECT_EQ(tweed::dist::launcher_world_size(), 1);
}

TEST(Launch, IgnoresMalformedValues) {
  clear_launcher_environment();
  setenv("OMPI_COMM_WORLD_SIZE", "two", 1);
  EXPECT_EQ(tweed::dist::launcher_world_size(), 0);
  clear_launcher_environment();
}

}  // namespace

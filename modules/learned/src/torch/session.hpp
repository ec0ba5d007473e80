// Process-wide torch settings a trainer needs before it starts, and small helpers shared by the
// two trainers (learning-rate schedule, progress callback).
#pragma once

#include <torch/optim/adam.h>

#include <cstdint>

#include "../torch_abi.hpp"

namespace tweed::learned::torch_impl {

/// Thrown for arguments the plugin refuses; the entry points report it as InvalidInput.
struct BadArgument : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// The threads torch gets for a network whose training step costs `macs` multiply-adds in its
/// forward pass: `requested`, but one per 2^25 (a step of a few ms on one core) at most. Smaller
/// steps gain little from a second thread, and on a machine busy with other processes every one
/// of the step's ~20 OpenMP barriers waits for a descheduled thread (worst with OpenMP's default
/// active wait): measured on 2 busy cores, 10x slower with 2 threads than with 1 at 2e7 MACs a
/// step. Depends on sizes only, so runs stay reproducible.
int threads_for(int requested, double macs);

/// Sets torch's intra-op thread count, deterministic algorithms and the seed of torch's own
/// generator (no op we use draws from it; seeding it guards against one that would).
void configure_torch(int threads, std::uint64_t seed);

/// Sets the learning rate of every parameter group.
void set_learning_rate(torch::optim::Adam& optimizer, double lr);

/// Calls options.on_step (if any); false means "stop training".
bool report_step(const TweedLearnedOptions& options, int step, double loss);

}  // namespace tweed::learned::torch_impl
